// The one workspace walker: each limit stops or skips exactly where it says, and the report says so.
import { strict as assert } from 'node:assert';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createWorkspaceFiles } from '../../../server/src/workspaceFiles';
import { walkWorkspace, WalkLimits, WalkReport } from '../../../server/src/workspaceWalker';
import { tempDir } from '../../support/registry';

const LOOSE: WalkLimits = { maxFiles: 100, maxFileBytes: 1024, maxTotalBytes: 1024 * 1024, maxDepth: 10 };

function tree(files: Record<string, string>): string {
  const root = tempDir('image-trust-walk-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

async function walk(root: string, limits: WalkLimits, accept = (n: string) => n.endsWith('.yaml')) {
  const report = new WalkReport(limits);
  const files: string[] = [];
  for await (const f of walkWorkspace([root], { accept, limits, report })) files.push(path.relative(root, f.file));
  return { files, report };
}

describe('workspace walker', () => {
  it('yields matching files in sorted order, skipping dependency, VCS and build folders', async () => {
    const root = tree({ 'b.yaml': 'x', 'a/z.yaml': 'x', 'a/y.txt': 'x', 'node_modules/m.yaml': 'x', '.git/g.yaml': 'x', 'dist/d.yaml': 'x' });
    const { files, report } = await walk(root, LOOSE);
    assert.deepEqual(files, ['a/z.yaml', 'b.yaml']);
    assert.equal(report.complete, true);
    assert.deepEqual(report.describe('YAML files'), []);
  });

  it('stops after maxFiles and says the rest was not searched', async () => {
    const root = tree(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}.yaml`, 'x'])));
    const { files, report } = await walk(root, { ...LOOSE, maxFiles: 3 });
    assert.deepEqual(files, ['f0.yaml', 'f1.yaml', 'f2.yaml']);
    assert.equal(report.stopped, 'files');
    assert.deepEqual(report.describe('YAML files'), ['Stopped after 3 YAML files: the rest of the workspace was not searched.']);
  });

  it('exactly maxFiles files is not a limit hit', async () => {
    const root = tree({ 'a.yaml': 'x', 'b.yaml': 'x' });
    const { files, report } = await walk(root, { ...LOOSE, maxFiles: 2 });
    assert.equal(files.length, 2);
    assert.equal(report.complete, true);
  });

  it('skips (and names) files over maxFileBytes, and stops at maxTotalBytes', async () => {
    const root = tree({ 'a.yaml': 'x'.repeat(600), 'b.yaml': 'x'.repeat(2000), 'c.yaml': 'x'.repeat(600), 'd.yaml': 'x' });
    const { files, report } = await walk(root, { ...LOOSE, maxTotalBytes: 1000 });
    assert.deepEqual(files, ['a.yaml']);
    assert.deepEqual(report.tooLarge.map((f) => path.basename(f)), ['b.yaml']);
    assert.equal(report.stopped, 'bytes');
    assert.deepEqual(report.describe('YAML files'), [
      'Stopped after 600 bytes of YAML files (the limit is 1000 bytes): the rest of the workspace was not searched.',
      'Skipped 1 of the YAML files larger than 1 KiB (b.yaml).',
    ]);
  });

  it('does not enter folders deeper than maxDepth, and counts them', async () => {
    const root = tree({ 'a/b/c/deep.yaml': 'x', 'a/shallow.yaml': 'x' });
    const { files, report } = await walk(root, { ...LOOSE, maxDepth: 2 });
    assert.deepEqual(files, ['a/shallow.yaml']);
    assert.equal(report.tooDeep, 1);
    assert.deepEqual(report.describe('YAML files'), ['Did not enter 1 folder(s) nested deeper than 2 levels.']);
  });

  it('does not follow symbolic links, so a link cycle ends', async () => {
    const root = tree({ 'a/x.yaml': 'x' });
    symlinkSync(root, path.join(root, 'a', 'loop'));
    const { files } = await walk(root, LOOSE);
    assert.deepEqual(files, ['a/x.yaml']);
  });

  it('the *.pub search logs the limit it hit', async () => {
    const root = tree({ 'k1.pub': 'a', 'k2.pub': 'b', 'k3.pub': 'c' });
    const lines: string[] = [];
    const ws = createWorkspaceFiles(() => [pathToFileURL(root).toString()], (l) => lines.push(l), { ...LOOSE, maxFiles: 2 });
    const found = await ws.findFiles('**/*.pub');
    assert.deepEqual(found.map((f) => f.text), ['a', 'b']);
    assert.deepEqual(lines, ['image-trust: workspace search for **/*.pub: Stopped after 2 **/*.pub files: the rest of the workspace was not searched.']);
  });
});
