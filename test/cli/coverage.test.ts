// `check` indexes every file it is given first, so manifests are judged against all the policies checked.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { CLI, ensureBuilt } from '../lsp/harness';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

function checkJson(...paths: string[]): { file: string; code: string; message: string; range: { start: { line: number } } }[] {
  const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', ...paths], { encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return JSON.parse(r.stdout);
}

describe('cli check: policy coverage across the checked files', () => {
  before(function () {
    this.timeout(120_000);
    ensureBuilt();
  });

  it('flags only the manifest image that no checked policy covers', () => {
    const rows = checkJson(path.join(EXAMPLES, 'policies'), path.join(EXAMPLES, 'manifests'));
    const notCovered = rows.filter((r) => r.code === 'image-not-covered');
    assert.deepEqual(notCovered.map((r) => path.basename(r.file)), ['web.yaml']);
    assert.match(notCovered[0].message, /fluent-bit/);
  });

  it('says nothing about coverage when no verification policy is checked', () => {
    const rows = checkJson(path.join(EXAMPLES, 'manifests'));
    assert.deepEqual(rows.filter((r) => r.code === 'image-not-covered'), []);
    assert.ok(rows.some((r) => r.code === 'image-latest-tag'), 'the manifest rules still run');
  });

  it('lists findings of a file in document order', () => {
    const rows = checkJson(path.join(EXAMPLES, 'policies', 'common-mistakes.yaml'));
    const lines = rows.map((r) => r.range.start.line);
    assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
  });
});
