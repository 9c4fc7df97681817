// Editors often start a language server in the workspace folder. Ours leaves it at once, so nothing the
// server starts or opens can be found relative to the repository being edited (see credentialHelpers.test.ts).
import { strict as assert } from 'node:assert';
import { readlinkSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LspClient } from '../support/lspClient';
import { tempDir } from '../support/registry';
import { SERVER, startServer } from './harness';

describe('LSP: the server\'s working directory', function () {
  this.timeout(30_000);
  let client: LspClient | undefined;
  after(async () => client?.stop());

  it('is its own folder even when started inside the workspace', async function () {
    if (process.platform !== 'linux') {
      console.log('    skipped: reads /proc/<pid>/cwd, which only Linux has');
      return this.skip();
    }
    const workspace = tempDir('image-trust-ws-');
    client = await startServer({ cwd: workspace, workspaceFolders: [pathToFileURL(workspace).toString()] });
    const cwd = readlinkSync(`/proc/${client.pid}/cwd`);
    assert.notEqual(cwd, realpathSync(workspace));
    assert.equal(cwd, realpathSync(path.dirname(SERVER)));
  });
});
