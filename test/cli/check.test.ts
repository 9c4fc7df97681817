// The `check` command as a CI job runs it: output formats, exit codes, folder walking, bad input.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { yaml } from '../support/service';
import { CLI, ensureBuilt, ROOT } from '../lsp/harness';

interface JsonFinding {
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: 'error' | 'warning' | 'information' | 'hint';
  code: string;
  message: string;
}

const GOOD = yaml`
  apiVersion: kyverno.io/v1
  kind: ClusterPolicy
  metadata:
    name: signed-images
  spec:
    background: false
    rules:
      - name: verify
        match:
          any:
            - resources:
                kinds: [Pod]
        verifyImages:
          - imageReferences:
              - "ghcr.io/acme/*"
            failureAction: Enforce
            attestors:
              - entries:
                  - keyless:
                      subject: "https://github.com/acme/app/.github/workflows/release.yaml@refs/heads/main"
                      issuer: "https://token.actions.githubusercontent.com"
                      rekor:
                        url: https://rekor.sigstore.dev
`;

/** GOOD with a typo'd field (an error) and ignoreTlog: true (a warning). */
const BAD = GOOD.replace('background: false', 'backgrond: false').replace(
  '        url: https://rekor.sigstore.dev',
  '        url: https://rekor.sigstore.dev\n                      ignoreTlog: true',
);

const MALFORMED = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: [unclosed\nspec:\n  rules:\n   - name: x\n  - name: y\n\t\tbad: "tab\n';

let dir: string;

function write(rel: string, text: string): string {
  const full = path.join(dir, rel);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

function check(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 170_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

function json(...args: string[]): { code: number | null; findings: JsonFinding[] } {
  const r = check(...args, '--format', 'json');
  return { code: r.code, findings: JSON.parse(r.stdout) as JsonFinding[] };
}

describe('CLI: image-trust check', function () {
  this.timeout(120_000);

  before(() => {
    ensureBuilt();
    dir = mkdtempSync(path.join(tmpdir(), 'image-trust-cli-'));
    write('good/policy.yaml', GOOD);
    write('bad/policy.yaml', BAD);
    write('tree/top.yaml', BAD);
    write('tree/nested/deeper/inner.yml', BAD);
    write('tree/nested/README.md', 'not yaml');
    write('tree/nested/policy.yaml.txt', BAD); // not *.yaml: skipped when walking a folder
    write('tree/.hidden/skipped.yaml', BAD);
    write('malformed/broken.yaml', MALFORMED);
    write('empty/.keep', '');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 with a summary and no findings for a good policy', () => {
    const r = check('check', 'good/policy.yaml');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /1 file\(s\) checked: 0 error\(s\), 0 warning\(s\)/);
    assert.doesNotMatch(r.stdout, /\[[a-z-]+\]/);
  });

  it('prints file:line:col: severity [code] message and exits 1 when an error is found', () => {
    const r = check('check', 'bad/policy.yaml');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const lines = r.stdout.split('\n').filter((l) => /^\S+:\d+:\d+: /.test(l));
    const typoLine = BAD.split('\n').findIndex((l) => l.includes('backgrond')) + 1;
    const typo = lines.find((l) => l.includes('[schema-unknown-field]'));
    assert.ok(typo?.startsWith(`bad/policy.yaml:${typoLine}:3: error [schema-unknown-field] `) && /backgrond/.test(typo), r.stdout);
    for (const l of lines) assert.match(l, /^bad\/policy\.yaml:\d+:\d+: (error|warning|information|hint) \[[a-z0-9-]+\] \S.*$/);
    const tlog = lines.find((l) => l.includes('[policy-tlog-disabled]'));
    assert.ok(tlog?.startsWith(`bad/policy.yaml:${BAD.split('\n').findIndex((l) => l.includes('ignoreTlog')) + 1}:`), tlog);
    assert.match(tlog!, /: warning \[/);
    assert.match(r.stdout, /1 file\(s\) checked: 1 error\(s\), 1 warning\(s\)/);
  });

  it('prints one JSON array with 0-based ranges and exactly the documented fields', () => {
    const { code, findings } = json('check', 'bad/policy.yaml');
    assert.equal(code, 1);
    assert.ok(Array.isArray(findings));
    for (const f of findings) {
      assert.deepEqual(Object.keys(f).sort(), ['code', 'file', 'message', 'range', 'severity']);
      assert.deepEqual(Object.keys(f.range).sort(), ['end', 'start']);
      assert.deepEqual(Object.keys(f.range.start).sort(), ['character', 'line']);
      assert.ok(['error', 'warning', 'information', 'hint'].includes(f.severity));
      assert.equal(typeof f.code, 'string');
      assert.equal(f.file, 'bad/policy.yaml');
    }
    const typo = findings.find((f) => f.code === 'schema-unknown-field');
    assert.deepEqual(typo?.range, {
      start: { line: BAD.split('\n').findIndex((l) => l.includes('backgrond')), character: 2 },
      end: { line: BAD.split('\n').findIndex((l) => l.includes('backgrond')), character: 2 + 'backgrond'.length },
    });
    assert.equal(typo?.severity, 'error');
    assert.equal(findings.find((f) => f.code === 'policy-tlog-disabled')?.severity, 'warning');
  });

  it('prints an empty JSON array and exits 0 when nothing is found', () => {
    const r = check('check', 'good', '--format=json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), []);
  });

  it('recurses into folders, checking only *.yaml and *.yml and skipping hidden folders', () => {
    const { code, findings } = json('check', 'tree');
    assert.equal(code, 1);
    const files = [...new Set(findings.map((f) => f.file))].sort();
    assert.deepEqual(files, [path.join('tree', 'nested', 'deeper', 'inner.yml'), path.join('tree', 'top.yaml')]);
  });

  it('checks several paths in one run and counts every file', () => {
    const r = check('check', 'good', 'bad/policy.yaml', 'empty');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /2 file\(s\) checked: 1 error\(s\)/);
  });

  it('exits 0 for a folder without YAML files', () => {
    const r = check('check', 'empty');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /0 file\(s\) checked/);
  });

  it('exits 2 with a message for a path it cannot read', () => {
    const r = check('check', 'does/not/exist.yaml');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /does\/not\/exist\.yaml/);
    assert.match(r.stderr, /ENOENT|cannot read|no such/i);
    assert.equal(r.stdout, '', 'no partial report on stdout');

    const notDir = check('check', 'good/policy.yaml/child.yaml');
    assert.equal(notDir.code, 2);
    assert.match(notDir.stderr, /child\.yaml/);
  });

  it('exits 2 on usage errors', () => {
    for (const args of [[], ['check'], ['lint', 'good'], ['check', 'good', '--format', 'xml'], ['check', 'good', '--format'], ['check', '--strict', 'good']]) {
      const r = check(...args);
      assert.equal(r.code, 2, `args ${JSON.stringify(args)}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout + r.stderr, /usage/i, `usage shown for ${JSON.stringify(args)}`);
    }
    const help = check('--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /check PATH/);
  });

  it('exits 0 for a valid policy written with anchors, aliases and merge keys, and 1 for an alias bomb', () => {
    const aliased = readFileSync(path.join(ROOT, 'test', 'fixtures', 'policies', 'aliases-and-merge-keys.yaml'), 'utf8');
    write('aliases/policy.yaml', aliased);
    const r = check('check', 'aliases/policy.yaml');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const bomb = ['l0: &l0 [a, a, a, a, a, a, a, a, a, a]', ...Array.from({ length: 8 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]`)];
    write('aliases/bomb.yaml', GOOD.replace('metadata:\n', `metadata:\n  annotations:\n${bomb.map((l) => `    ${l}`).join('\n')}\n`).replace('background: false', 'backgrond: false'));
    const { code, findings } = json('check', 'aliases/bomb.yaml');
    assert.equal(code, 1);
    assert.deepEqual(findings.map((f) => f.code).sort(), ['schema-unknown-field', 'yaml-excessive-aliasing']);
  });

  it('reports malformed YAML as findings instead of crashing', () => {
    const { code, findings } = json('check', 'malformed/broken.yaml');
    assert.equal(code, 1);
    const syntax = findings.filter((f) => f.code === 'yaml-syntax');
    assert.ok(syntax.length > 0, JSON.stringify(findings));
    assert.ok(syntax.every((f) => f.range.start.line >= 3), 'syntax errors point at the broken lines, not the top');
    assert.ok(!findings.some((f) => f.code === 'internal-error'), 'no rule crashed');
  });

  it('finishes a 5 MB multi-document file and reports a problem at its very end', function () {
    this.timeout(180_000);
    const manifests: string[] = [];
    let size = 0;
    for (let i = 0; size < 5 * 1024 * 1024; i++) {
      const doc = yaml`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app-${i}
          namespace: team-${i % 40}
          labels: {app: app-${i}, tier: backend}
        spec:
          replicas: 2
          selector:
            matchLabels: {app: app-${i}}
          template:
            metadata:
              labels: {app: app-${i}}
            spec:
              containers:
                - name: app
                  image: ghcr.io/acme/app-${i}@sha256:${(i.toString(16) + 'a'.repeat(64)).slice(0, 64)}
                  ports: [{containerPort: 8080}]
                  env:
                    - {name: MODE, value: production}
                    - {name: INDEX, value: "${i}"}
                  resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}
      `;
      manifests.push(doc);
      size += doc.length + 4;
    }
    const text = `${manifests.join('---\n')}---\n${BAD}`;
    write('huge/all.yaml', text);
    const started = Date.now();
    const { code, findings } = json('check', 'huge/all.yaml');
    const elapsed = Date.now() - started;
    assert.equal(code, 1);
    const typo = findings.find((f) => f.code === 'schema-unknown-field');
    assert.equal(typo?.range.start.line, text.split('\n').findIndex((l) => l.includes('backgrond')), 'error found in the last document');
    // Generous: about 6 s on an idle 2-core machine, several times that when it is shared.
    assert.ok(elapsed < 150_000, `took ${elapsed} ms`);
  });
});
