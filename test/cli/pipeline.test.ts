// The CLI as the last step of a pipeline: a slow reader (`| jq`) must still receive every byte, and a file
// the CLI did not check must never pass silently.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CLI, ensureBuilt } from '../lsp/harness';

/** A Pod with `count` containers on `:latest`: several findings each, so megabytes of output. */
function bigManifest(count: number): string {
  const containers = Array.from({ length: count }, (_, i) => `    - name: c${i}\n      image: registry.example.com/team/app-${i}:latest\n`).join('');
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n${containers}`;
}

/**
 * Runs the CLI with stdout on a pipe nobody reads for `stallMs` — the kernel's pipe buffer fills, as it does
 * in front of a busy `jq` — then reads everything.
 */
function runBehindSlowReader(args: string[], cwd: string, stallMs = 1500): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), stallMs);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
  });
}

describe('CLI in a pipeline', function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    ensureBuilt();
    dir = mkdtempSync(path.join(tmpdir(), 'image-trust-cli-pipe-'));
    writeFileSync(path.join(dir, 'big.yaml'), bigManifest(3000));
    writeFileSync(path.join(dir, 'small.yaml'), bigManifest(1));
    // Sparse: 17 MiB on paper, nothing on disk.
    writeFileSync(path.join(dir, 'huge.yaml'), '');
    truncateSync(path.join(dir, 'huge.yaml'), 17 * 1024 * 1024);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--format json delivers the whole array to a reader that is slower than the CLI', async () => {
    const r = await runBehindSlowReader(['check', 'big.yaml', '--format', 'json'], dir);
    assert.ok(r.stdout.length > 1024 * 1024, `expected megabytes of JSON, got ${r.stdout.length} bytes`);
    const findings = JSON.parse(r.stdout.toString('utf8')) as { file: string; code: string }[];
    assert.equal(findings.filter((f) => f.code === 'image-latest-tag').length, 3000);
    assert.equal(r.code, 0, r.stderr);
  });

  it('text output ends with its summary line behind a slow reader', async () => {
    const r = await runBehindSlowReader(['check', 'big.yaml'], dir);
    const text = r.stdout.toString('utf8');
    assert.equal(text.split('\n').filter((l) => l.includes('[image-latest-tag]')).length, 3000);
    assert.match(text, /1 file\(s\) checked: 0 error\(s\), \d+ warning\(s\)/);
  });

  it('a file skipped for its size is an error finding (JSON), a stderr line, and exit 1', async () => {
    const r = await runBehindSlowReader(['check', '.', '--format', 'json'], dir, 0);
    const findings = JSON.parse(r.stdout.toString('utf8')) as { file: string; code: string; severity: string; message: string }[];
    const skipped = findings.filter((f) => f.code === 'file-too-large');
    assert.deepEqual(skipped.map((f) => [f.file, f.severity]), [['huge.yaml', 'error']]);
    assert.match(skipped[0].message, /not checked: the file is 17825792 bytes, larger than the 16 MiB/);
    assert.match(r.stderr, /skipped huge\.yaml: not checked/);
    assert.equal(r.code, 1);
  });

  it('the text summary counts the skipped file apart from the checked ones', async () => {
    const r = await runBehindSlowReader(['check', 'huge.yaml', 'small.yaml'], dir, 0);
    const text = r.stdout.toString('utf8');
    assert.match(text, /^huge\.yaml:1:1: error \[file-too-large\] not checked/m);
    assert.match(text, /1 file\(s\) checked, 1 skipped: 1 error\(s\)/);
    assert.equal(r.code, 1);
  });
});
