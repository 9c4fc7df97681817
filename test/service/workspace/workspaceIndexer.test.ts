// The adapter half of the index (server/src/workspaceIndexer.ts), on a real temp folder: the scan, its
// caps and skipped folders, watched-file events, and open documents shadowing their disk copy.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseYamlFile } from '../../../server/src/service/document/yamlFile';
import { WorkspaceIndexer } from '../../../server/src/workspaceIndexer';
import { INDEX_LIMITS } from '../../../server/src/workspaceWalker';
import { fixture } from '../../support/service';

const VERIFY = fixture('workspace/policies/verify.yaml');
const APP = fixture('workspace/manifests/app.yaml');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries an assertion until it holds or `timeoutMs` passes (disk reads finish in the background). */
async function eventually(check: () => void, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (err) {
      if (Date.now() > end) throw err;
      await sleep(10);
    }
  }
}

describe('WorkspaceIndexer (server adapter)', () => {
  let dir: string;
  let calls: number;
  let indexer: WorkspaceIndexer;
  const uri = (rel: string) => pathToFileURL(path.join(dir, rel)).toString();
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  const policyNames = () => indexer.index.policies().map((p) => (p.doc.toJS() as { metadata: { name: string } }).metadata.name);

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'image-trust-index-'));
    calls = 0;
    indexer = new WorkspaceIndexer(() => [pathToFileURL(dir).toString()], () => calls++);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('scans *.yaml / *.yml, skips node_modules, .git and dist, oversized and unrelated files, then revalidates once', async () => {
    write('policies/verify.yaml', VERIFY);
    write('deploy/app.yml', APP);
    write('node_modules/pkg/policy.yaml', VERIFY.replace(/verify-acme/g, 'from-node-modules'));
    write('.git/policy.yaml', VERIFY.replace(/verify-acme/g, 'from-git'));
    write('dist/policy.yaml', VERIFY.replace(/verify-acme/g, 'from-dist'));
    write('big.yaml', VERIFY.replace(/verify-acme/g, 'too-big') + `# ${'x'.repeat(INDEX_LIMITS.maxFileBytes)}\n`);
    write('config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
    await indexer.scan();
    assert.deepEqual(policyNames(), ['verify-acme', 'verify-payments']);
    assert.equal(indexer.index.images().length, 6);
    assert.equal(indexer.index.size, 2);
    await eventually(() => assert.equal(calls, 1, 'one revalidation after the scan'));
    await sleep(50);
    assert.equal(calls, 1, 'and only one');
  });

  it('stops at the file cap, and says so in its log line', async () => {
    const lines: string[] = [];
    indexer = new WorkspaceIndexer(() => [pathToFileURL(dir).toString()], () => calls++, (l) => lines.push(l), undefined, { ...INDEX_LIMITS, maxFiles: 2 });
    for (const n of ['a', 'b', 'c']) write(`${n}.yaml`, VERIFY.replace(/verify-acme/g, `policy-${n}`));
    await indexer.scan();
    assert.equal(indexer.index.size, 2);
    assert.equal(indexer.truncated, true);
    assert.match(lines.join('\n'), /read 2 YAML files, .*Stopped after 2 YAML files: the rest of the workspace was not searched\./);
  });

  it('names the files it skipped for their size', async () => {
    const lines: string[] = [];
    indexer = new WorkspaceIndexer(() => [pathToFileURL(dir).toString()], () => calls++, (l) => lines.push(l), undefined, { ...INDEX_LIMITS, maxFileBytes: 4096 });
    write('small.yaml', VERIFY);
    write('big.yaml', VERIFY.replace(/verify-acme/g, 'too-big') + `# ${'x'.repeat(4096)}\n`);
    await indexer.scan();
    assert.deepEqual(policyNames(), ['verify-acme', 'verify-payments']);
    assert.equal(indexer.truncated, false);
    assert.match(lines.join('\n'), /Skipped 1 of the YAML files larger than 4 KiB \(big\.yaml\)\./);
  });

  it('follows watched-file events: changed, created and deleted files', async () => {
    // A window wide enough that the burst below (with its disk reads) falls in one even on a loaded machine.
    indexer = new WorkspaceIndexer(() => [pathToFileURL(dir).toString()], () => calls++, undefined, 1500);
    write('policies/verify.yaml', VERIFY);
    await indexer.scan();
    await eventually(() => assert.equal(calls, 1));
    calls = 0;
    write('policies/verify.yaml', VERIFY.replace(/verify-acme/g, 'renamed'));
    write('policies/extra.yml', VERIFY.replace(/verify-acme/g, 'extra').replace(/verify-payments/g, 'extra-payments'));
    await indexer.filesChanged([{ uri: uri('policies/verify.yaml'), type: 2 }, { uri: uri('policies/extra.yml'), type: 1 }]);
    assert.deepEqual(policyNames(), ['extra', 'extra-payments', 'renamed', 'verify-payments']);
    unlinkSync(path.join(dir, 'policies/extra.yml'));
    await indexer.filesChanged([{ uri: uri('policies/extra.yml'), type: 3 }, { uri: uri('node_modules/x.yaml'), type: 1 }]);
    assert.deepEqual(policyNames(), ['renamed', 'verify-payments']);
    await eventually(() => assert.equal(calls, 1, 'debounced: one revalidation for the burst'), 5000);
    await sleep(200);
    assert.equal(calls, 1, 'and only one');
  });

  it('lets an open document shadow its disk copy and re-reads the disk when it closes', async () => {
    write('policies/verify.yaml', VERIFY);
    await indexer.scan();
    const u = uri('policies/verify.yaml');
    indexer.documentChanged(parseYamlFile(u, VERIFY.replace(/verify-acme/g, 'editing')));
    assert.deepEqual(policyNames(), ['editing', 'verify-payments']);
    write('policies/verify.yaml', VERIFY.replace(/verify-acme/g, 'saved'));
    indexer.documentClosed(u);
    await eventually(() => assert.deepEqual(policyNames(), ['saved', 'verify-payments']));
  });
});
