// Over the protocol: policies on disk in a workspace folder reach an open manifest's hover and
// diagnostics, and a policy change (watched file, or an open editor buffer) re-runs them.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, MarkupContent } from 'vscode-languageserver-protocol';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import type { LspClient, PublishedDiagnostics } from '../../support/lspClient';
import { fixture } from '../../support/service';
import { startServer } from '../../lsp/harness';

const VERIFY = fixture('workspace/policies/verify.yaml');
const RESTRICT = fixture('workspace/policies/restrict.yaml');
const APP = fixture('workspace/manifests/app.yaml');

/** `line:code` of the coverage diagnostics, e.g. `18:image-not-covered`. */
const coverage = (d: PublishedDiagnostics) =>
  d.diagnostics.filter((x: Diagnostic) => String(x.code).startsWith('image-not-covered') || x.code === 'image-registry-not-allowed').map((x) => `${x.range.start.line}:${x.code}`);
const notCoveredLines = (d: PublishedDiagnostics) => coverage(d).filter((c) => c.endsWith('image-not-covered')).map((c) => Number(c.split(':')[0]));

describe('LSP: workspace policy index', function () {
  this.timeout(60_000);
  let dir: string;
  let client: LspClient;
  let policyUri: string;
  let manifestUri: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'image-trust-ws-'));
    mkdirSync(path.join(dir, 'policies'));
    writeFileSync(path.join(dir, 'policies', 'verify.yaml'), VERIFY);
    writeFileSync(path.join(dir, 'policies', 'restrict.yaml'), RESTRICT);
    policyUri = pathToFileURL(path.join(dir, 'policies', 'verify.yaml')).toString();
    // The manifest exists only in the editor.
    manifestUri = pathToFileURL(path.join(dir, 'manifests', 'app.yaml')).toString();
    client = await startServer({ workspaceFolders: [pathToFileURL(dir).toString()] });
  });

  after(async () => {
    await client?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('checks an open manifest against the policies found on disk', async () => {
    const published = client.waitForDiagnostics(manifestUri, (d) => notCoveredLines(d).length > 0);
    client.didOpen(manifestUri, APP);
    assert.deepEqual(coverage(await published), [
      '13:image-not-covered',
      '18:image-not-covered',
      '20:image-not-covered',
      '18:image-registry-not-allowed',
      '32:image-not-covered',
      '32:image-registry-not-allowed',
      '32:image-registry-not-allowed',
    ]);
  });

  it('shows the covering policy in the manifest hover', async () => {
    const hover = await client.hover(manifestUri, { line: 16, character: 20 });
    const value = (hover!.contents as MarkupContent).value;
    assert.match(value, /- `verify-acme` \/ `check-signature` \(`ghcr\.io\/acme\/\*`\) — Enforce, via autogen — keyless/);
    assert.deepEqual(hover!.range, { start: { line: 16, character: 17 }, end: { line: 16, character: 37 } });
  });

  it('revalidates the manifest when a policy file changes on disk (didChangeWatchedFiles)', async () => {
    writeFileSync(path.join(dir, 'policies', 'verify.yaml'), VERIFY.replace('"ghcr.io/acme/*"', '"ghcr.io/*"'));
    const published = client.waitForDiagnostics(manifestUri, (d) => !notCoveredLines(d).includes(32));
    // The test client does not register watchers; the server handles the notification all the same.
    const connection = (client as unknown as { connection: MessageConnection }).connection;
    await connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: policyUri, type: 2 }] });
    assert.deepEqual(notCoveredLines(await published), [13, 18, 20]);
  });

  it('lets an open policy buffer win over the disk copy, and follows its edits', async () => {
    const dockerHub = VERIFY.replace('"ghcr.io/acme/*"', '"docker.io/*"');
    let published = client.waitForDiagnostics(manifestUri, (d) => !notCoveredLines(d).includes(18));
    client.didOpen(policyUri, dockerHub);
    assert.deepEqual(notCoveredLines(await published), [13, 16, 20, 32], 'nginx is now covered, the ghcr.io images are not');

    published = client.waitForDiagnostics(manifestUri, (d) => notCoveredLines(d).includes(18));
    client.setText(policyUri, VERIFY);
    assert.deepEqual(notCoveredLines(await published), [13, 18, 20, 32]);

    published = client.waitForDiagnostics(manifestUri, (d) => !notCoveredLines(d).includes(32));
    client.didClose(policyUri);
    assert.deepEqual(notCoveredLines(await published), [13, 18, 20], 'closed: back to the widened copy on disk');
  });

  it('re-checks an edited manifest against the indexed policies', async () => {
    const published = client.waitForDiagnostics(manifestUri);
    client.setText(manifestUri, APP.replace('nginx:1.25', 'ghcr.io/acme/proxy:1.25'));
    assert.deepEqual(notCoveredLines(await published), [13, 20]);
  });
});
