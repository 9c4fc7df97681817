// `imageTrust.pinDigest` / `imageTrust.pinAllDigests` over the protocol, against a real registry: the
// server resolves the digest and asks the editor to apply exactly one edit per image.
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ApplyWorkspaceEditParams, CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { startServer } from '../lsp/harness';
import type { LspClient } from '../support/lspClient';
import { buildImage, BuiltImage, missingTools, pushImage, RunningRegistry, startRegistry, tempDir } from '../support/registry';

const missing = missingTools();

describe('LSP: pin image digests against a real registry', function () {
  this.timeout(60_000);
  if (missing.length > 0) {
    it(`SKIPPED: needs ${missing.join(', ')} (run scripts/test-deps.sh as root)`, function () {
      console.log(`  LSP pinning tests skipped: missing ${missing.join(', ')}; install them with scripts/test-deps.sh`);
      this.skip();
    });
    return;
  }

  let reg: RunningRegistry;
  let client: LspClient;
  let web: BuiltImage;
  let multi: BuiltImage;
  let workspace: string;
  const edits: ApplyWorkspaceEditParams[] = [];
  const progress: { value: { kind: string; message?: string } }[] = [];
  let applyResult = { applied: true };
  /** window/showMessageRequest texts (showErrorMessage & co. are requests). */
  const shown: string[] = [];
  const opened: string[] = [];
  const open = (uri: string, text: string) => {
    opened.push(uri);
    client.didOpen(uri, text);
  };

  const deployment = (host: string, images: string[]) => [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    ...images.map((image, i) => `        - name: c${i}\n          image: ${image.replace('HOST', host)}`),
    '',
  ].join('\n');

  before(async () => {
    const work = tempDir();
    web = buildImage(work, { seed: 'web' });
    multi = buildImage(work, { seed: 'multi', platforms: ['linux/amd64', 'linux/arm64'] });
    reg = await startRegistry();
    await Promise.all([pushImage(web, `${reg.host}/demo/web:1.0`), pushImage(multi, `${reg.host}/demo/multi:latest`)]);
    workspace = path.join(work, 'ws');
    mkdirSync(path.join(workspace, 'k8s'), { recursive: true });
    client = await startServer({ workspaceFolders: [pathToFileURL(workspace).toString()], configuration: { imageTrust: {} } });
    client.handleServerRequest('workspace/applyEdit', (params: ApplyWorkspaceEditParams) => {
      edits.push(params);
      return applyResult;
    });
    client.handleServerNotification('$/progress', (p) => progress.push(p));
    client.handleServerRequest('window/showMessageRequest', (p: { message: string }) => {
      shown.push(p.message);
      return null;
    });
  });
  after(async () => {
    await client?.stop();
    await reg?.stop();
  });
  beforeEach(() => {
    edits.length = 0;
    progress.length = 0;
    shown.length = 0;
    applyResult = { applied: true };
  });
  afterEach(() => {
    for (const uri of opened.splice(0)) client.didClose(uri);
  });

  it('advertises the pin commands', () => {
    const commands = client.capabilities.executeCommandProvider?.commands ?? [];
    assert.ok(commands.includes('imageTrust.pinDigest') && commands.includes('imageTrust.pinAllDigests'), JSON.stringify(commands));
  });

  it('the quick-fix command rewrites exactly the image value, keeping tag and quotes', async () => {
    const uri = pathToFileURL(path.join(workspace, 'open.yaml')).toString();
    const text = deployment(reg.host, ['"HOST/demo/web:1.0"']);
    open(uri, text);
    const published = await client.waitForDiagnostics(uri, (d) => d.diagnostics.some((x) => x.code === 'image-not-pinned'), 10_000, { includeLatest: true });
    const diag = published.diagnostics.find((x) => x.code === 'image-not-pinned') as Diagnostic;
    const actions = (await client.codeAction(uri, diag.range, [diag])) as CodeAction[];
    const fix = actions.find((a) => a.command?.command === 'imageTrust.pinDigest');
    assert.ok(fix?.command, JSON.stringify(actions));
    assert.equal(fix.edit, undefined);

    const result = await client.request<{ applied: boolean }>('workspace/executeCommand', { command: fix.command.command, arguments: fix.command.arguments });
    assert.equal(result.applied, true);
    assert.equal(edits.length, 1);
    const line = 9;
    const start = text.split('\n')[line].indexOf('"') + 1;
    assert.deepEqual(edits[0].edit, {
      changes: {
        [uri]: [{
          range: { start: { line, character: start }, end: { line, character: start + `${reg.host}/demo/web:1.0`.length } },
          newText: `${reg.host}/demo/web:1.0@${web.digest}`,
        }],
      },
    });
  });

  it('the quick-fix on a kustomize override adds the digest the registry serves as a digest field', async () => {
    const uri = pathToFileURL(path.join(workspace, 'k8s', 'kustomization.yaml')).toString();
    const text = `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n  - name: ${reg.host}/demo/web\n    newTag: "1.0"\n`;
    open(uri, text);
    const published = await client.waitForDiagnostics(uri, (d) => d.diagnostics.some((x) => x.code === 'image-not-pinned'), 10_000, { includeLatest: true });
    const diag = published.diagnostics.find((x) => x.code === 'image-not-pinned') as Diagnostic;
    const actions = (await client.codeAction(uri, diag.range, [diag])) as CodeAction[];
    const fix = actions.find((a) => a.command?.command === 'imageTrust.pinDigest');
    assert.ok(fix?.command, JSON.stringify(actions));
    const result = await client.request<{ applied: boolean }>('workspace/executeCommand', { command: fix.command.command, arguments: fix.command.arguments });
    assert.equal(result.applied, true);
    assert.deepEqual(edits[0].edit, {
      changes: { [uri]: [{ range: { start: { line: 4, character: 17 }, end: { line: 4, character: 17 } }, newText: `\n    digest: ${web.digest}` }] },
    });
  });

  it('reports an unknown tag with the registry\'s actionable message and applies nothing', async () => {
    const uri = pathToFileURL(path.join(workspace, 'missing.yaml')).toString();
    const image = `${reg.host}/demo/web:9.9`;
    const text = deployment(reg.host, [image]);
    open(uri, text);
    const start = text.indexOf(image);
    const range = { start: { line: 9, character: start - text.lastIndexOf('\n', start) - 1 }, end: { line: 9, character: start - text.lastIndexOf('\n', start) - 1 + image.length } };
    await client.request('workspace/executeCommand', { command: 'imageTrust.pinDigest', arguments: [uri, range, image] });
    assert.equal(edits.length, 0);
    assert.ok(shown.some((m) => /Could not pin .*demo\/web:9\.9.*not found/.test(m)), shown.join('\n'));
  });

  it('"pin all in this file" pins every unpinned image in one edit (multi-platform to the index digest)', async () => {
    const uri = pathToFileURL(path.join(workspace, 'all.yaml')).toString();
    const text = deployment(reg.host, ['HOST/demo/web:1.0', "'HOST/demo/multi'", `HOST/demo/web:1.0@${web.digest}`]);
    open(uri, text);
    const result = await client.request<{ applied: boolean }>('workspace/executeCommand', { command: 'imageTrust.pinAllDigests', arguments: [uri] });
    assert.equal(result.applied, true);
    assert.equal(edits.length, 1);
    const lines = text.split('\n');
    const col = (l: number, s: string) => lines[l].indexOf(s);
    assert.deepEqual(edits[0].edit.changes![uri], [
      { range: { start: { line: 9, character: col(9, reg.host) }, end: { line: 9, character: lines[9].length } }, newText: `${reg.host}/demo/web:1.0@${web.digest}` },
      { range: { start: { line: 11, character: col(11, reg.host) }, end: { line: 11, character: lines[11].length - 1 } }, newText: `${reg.host}/demo/multi:latest@${multi.digest}` },
    ]);
    assert.ok(shown.some((m) => m === 'Pinned 2 image(s) in 1 file(s).'), shown.join('\n'));
  });

  it('the workspace-wide command pins manifests on disk, reports progress and a summary of failures', async () => {
    const good = path.join(workspace, 'k8s', 'deploy.yaml');
    const bad = path.join(workspace, 'k8s', 'broken.yml');
    writeFileSync(good, deployment(reg.host, ['HOST/demo/web:1.0']));
    writeFileSync(bad, deployment(reg.host, ['HOST/demo/gone:1']));
    writeFileSync(path.join(workspace, 'k8s', 'notes.txt'), 'image: nginx\n');
    const result = await client.request<{ applied: boolean; pinned: unknown[]; failed: { image: string; error: { code: string } }[] }>(
      'workspace/executeCommand', { command: 'imageTrust.pinAllDigests', arguments: [], workDoneToken: 'pin-all-1' });
    assert.equal(result.applied, true);
    const changes = edits[0]?.edit.changes ?? {};
    const goodUri = pathToFileURL(good).toString();
    assert.deepEqual(changes[goodUri]?.map((e) => e.newText), [`${reg.host}/demo/web:1.0@${web.digest}`]);
    assert.equal(changes[pathToFileURL(bad).toString()], undefined);
    assert.deepEqual(result.failed.map((f) => [f.image, f.error.code]), [[`${reg.host}/demo/gone:1`, 'not-found']]);
    assert.deepEqual(progress.map((p) => p.value.kind).filter((k, i, a) => a.indexOf(k) === i), ['begin', 'report', 'end']);
    assert.ok(shown.some((m) => /^Pinned \d+ image\(s\) in \d+ file\(s\)\. 1 image\(s\) could not be resolved\. .*demo\/gone:1: .*not found/.test(m)), shown.join('\n'));
  });
});
