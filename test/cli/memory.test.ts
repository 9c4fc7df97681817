// The CLI keeps every checked file parsed until the end (manifests are judged against all the policies given),
// so its memory grows with the input. Input that cannot fit the process's heap is refused up front with a clear
// way out (exit 2), never a V8 "heap out of memory" abort half-way through a CI job.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CLI, ensureBuilt } from '../lsp/harness';

/** A valid ClusterPolicy of about `bytes` bytes: one rule, many imageReferences. */
function bigPolicy(bytes: number): string {
  const head = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: big\nspec:\n  rules:\n    - name: verify\n      match:\n        any:\n          - resources:\n              kinds: [Pod]\n      verifyImages:\n        - imageReferences:\n';
  const lines: string[] = [];
  for (let i = 0, size = head.length; size < bytes; i++) {
    const line = `            - "registry.example.com/team-${i}/*"\n`;
    lines.push(line);
    size += line.length;
  }
  return head + lines.join('') + '          failureAction: Enforce\n          attestors:\n            - entries:\n                - keyless:\n                    subject: "https://github.com/acme/*"\n                    issuer: https://token.actions.githubusercontent.com\n                    rekor: {url: https://rekor.sigstore.dev}\n';
}

describe('CLI: input larger than the heap can hold', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    ensureBuilt();
    dir = mkdtempSync(path.join(tmpdir(), 'image-trust-memory-'));
    for (let i = 0; i < 4; i++) writeFileSync(path.join(dir, `policy-${i}.yaml`), bigPolicy(1_000_000));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = (heapMiB: number, target: string) =>
    spawnSync(process.execPath, [`--max-old-space-size=${heapMiB}`, CLI, 'check', target], { encoding: 'utf8' });

  it('refuses 4 MB of policies in a 96 MiB heap with exit 2 and the NODE_OPTIONS that would fit, instead of aborting', () => {
    const r = run(96, dir);
    assert.equal(r.status, 2, `exit ${r.status} (signal ${r.signal}); stderr: ${r.stderr.slice(-400)}`);
    assert.match(r.stderr, /4 file\(s\), 4 MiB of YAML, need about \d+ MiB of memory/);
    assert.match(r.stderr, /NODE_OPTIONS=--max-old-space-size=\d+/);
    assert.doesNotMatch(r.stderr, /heap out of memory/);
  });

  it('checks the same files with the heap it suggests', () => {
    const suggested = Number(/max-old-space-size=(\d+)/.exec(run(96, dir).stderr)?.[1]);
    assert.ok(suggested > 96);
    const r = run(suggested, dir);
    assert.equal(r.status, 0, `exit ${r.status}; stderr: ${r.stderr.slice(-400)}; stdout: ${r.stdout.slice(-400)}`);
    assert.match(r.stdout, /4 file\(s\) checked: 0 error\(s\)/);
  });

  it('still checks one of them in the small heap', () => {
    const r = run(96, path.join(dir, 'policy-0.yaml'));
    assert.equal(r.status, 0, r.stderr.slice(-400));
  });
});
