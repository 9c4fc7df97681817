// "Pin all images" over a whole workspace: it once went through the walker made for `*.pub` files (200 files
// at most) and silently left the rest of a larger repository unpinned. Against a real registry.
import { strict as assert } from 'node:assert';
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ApplyWorkspaceEditParams } from 'vscode-languageserver-protocol';
import { startServer } from '../lsp/harness';
import type { LspClient } from '../support/lspClient';
import { buildImage, BuiltImage, missingTools, pushImage, RunningRegistry, startRegistry, tempDir } from '../support/registry';

const missing = missingTools();

const pod = (name: string, image: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: app\n      image: ${image}\n`;

describe('LSP: pin all images in a large workspace (real registry)', function () {
  this.timeout(120_000);
  if (missing.length > 0) {
    it(`SKIPPED: needs ${missing.join(', ')} (run scripts/test-deps.sh as root)`, function () {
      console.log(`  workspace pinning tests skipped: missing ${missing.join(', ')}; install them with scripts/test-deps.sh`);
      this.skip();
    });
    return;
  }

  let reg: RunningRegistry;
  let client: LspClient;
  let web: BuiltImage;
  let workspace: string;
  const edits: ApplyWorkspaceEditParams[] = [];
  const shown: string[] = [];

  before(async () => {
    const work = tempDir();
    web = buildImage(work, { seed: 'many' });
    reg = await startRegistry();
    await pushImage(web, `${reg.host}/demo/web:1.0`);
    workspace = path.join(work, 'ws');
    // 251 manifests in nested folders, as in the report: more than any walker limit meant for key files.
    for (let i = 0; i < 251; i++) {
      const dir = path.join(workspace, `team-${i % 7}`, `svc-${i}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, i % 10 === 0 ? 'pod.yml' : 'pod.yaml'), pod(`p${i}`, `${reg.host}/demo/web:1.0`));
    }
    // One manifest larger than any file pinning reads (sparse: no disk used).
    writeFileSync(path.join(workspace, 'generated.yaml'), '');
    truncateSync(path.join(workspace, 'generated.yaml'), 5 * 1024 * 1024);
    client = await startServer({ workspaceFolders: [pathToFileURL(workspace).toString()], configuration: { imageTrust: {} } });
    client.handleServerRequest('workspace/applyEdit', (params: ApplyWorkspaceEditParams) => {
      edits.push(params);
      return { applied: true };
    });
    client.handleServerRequest('window/showMessageRequest', (p: { message: string }) => {
      shown.push(p.message);
      return null;
    });
  });
  after(async () => {
    await client?.stop();
    await reg?.stop();
  });

  it('pins every one of 251 manifests, and names the file it skipped for its size', async () => {
    const result = await client.request<{ applied: boolean; pinned: { uri: string }[]; notSearched?: string[] }>(
      'workspace/executeCommand', { command: 'imageTrust.pinAllDigests', arguments: [] });
    assert.equal(result.applied, true);
    assert.equal(edits.length, 1);
    const changed = Object.keys(edits[0].edit.changes ?? {});
    assert.equal(changed.length, 251);
    assert.equal(new Set(result.pinned.map((p) => p.uri)).size, 251);
    for (const uri of changed) assert.deepEqual(edits[0].edit.changes![uri].map((e) => e.newText), [`${reg.host}/demo/web:1.0@${web.digest}`]);
    assert.deepEqual(result.notSearched, ['Skipped 1 of the YAML files larger than 4 MiB (generated.yaml).']);
    assert.ok(shown.includes('Pinned 251 image(s) in 251 file(s). Skipped 1 of the YAML files larger than 4 MiB (generated.yaml).'), shown.join('\n'));
  });
});
