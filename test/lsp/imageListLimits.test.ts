// "Verify all (N)" keeps to imageTrust.verify.concurrency and stops when cancelled. The registry is a SLOW STAND-IN
// on 127.0.0.1 (a real registry cannot be told to be slow): every request waits before answering 404, and it counts
// how many are in flight at once. The bundled server and the real engine do the rest.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { startServer } from './harness';
import type { LspClient } from '../support/lspClient';
import { serve, tempDir } from '../support/registry';

const KEY = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEzbQPV0IzbS6QMH0bbZ4pTJy+5HXR\nxvhKm8J8e8d7Cd2ZMlJOM5vJkP79Or4mbqFlwBxNYJaVmdlkhkEDAUAT3g==\n-----END PUBLIC KEY-----\n';

describe('LSP: image-list verification limits (slow registry stand-in)', function () {
  this.timeout(120_000);
  let client: LspClient;
  let registry: Awaited<ReturnType<typeof serve>>;
  let inFlight = 0;
  let maxInFlight = 0;
  let requests = 0;
  let delayMs = 600;

  before(async () => {
    registry = await serve((req, res) => {
      requests++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }));
      }, delayMs);
    });
    const work = tempDir('image-trust-lsp-imagelist-limits-');
    client = await startServer({
      workspaceFolders: [pathToFileURL(work).toString()],
      configuration: { imageTrust: { verify: { concurrency: 2, timeoutSeconds: 60 } } },
      initializationOptions: { globalStoragePath: path.join(work, 'storage') },
    });
    client.handleServerRequest('window/showMessageRequest', () => null);
  });
  after(async () => {
    await client?.stop();
    await registry?.close();
  });

  const host = () => `127.0.0.1:${registry.port}`;
  const list = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${host()}/k8s/image-${i}:${tag}`).join('\n') + '\n';

  it('never has more images in flight than imageTrust.verify.concurrency', async () => {
    const uri = pathToFileURL(path.join(tempDir('image-trust-lsp-il-'), 'images.txt')).toString();
    client.didOpen(uri, list(6, 'v1'), 'plaintext');
    maxInFlight = 0;
    const result = await client.request<{ total: number; errors: number; failed: number }>('imageTrust/verifyImageList', { uri, spec: { kind: 'key', publicKeyPem: KEY, ignoreTlog: true } });
    assert.equal(result.total, 6);
    assert.equal(result.errors + result.failed, 6);
    assert.ok(requests >= 6, `${requests} registry requests`);
    assert.ok(maxInFlight >= 1 && maxInFlight <= 2, `max in flight ${maxInFlight}`);
  });

  it('cancelling stops the run: it answers at once and records no result', async () => {
    delayMs = 5_000;
    const uri = pathToFileURL(path.join(tempDir('image-trust-lsp-il-'), 'images.txt')).toString();
    client.didOpen(uri, list(6, 'v2'), 'plaintext');
    const before = requests;
    const source = new CancellationTokenSource();
    const connection = (client as unknown as { connection: MessageConnection }).connection;
    const started = Date.now();
    const pending = connection.sendRequest('imageTrust/verifyImageList', { uri, spec: { kind: 'key', publicKeyPem: KEY, ignoreTlog: true } }, source.token)
      .then((v: unknown) => v, (e: unknown) => e) as Promise<{ cancelled?: boolean; code?: number }>;
    while (requests === before) await new Promise((r) => setTimeout(r, 20));
    source.cancel();
    const answer = await pending;
    assert.ok(answer.cancelled === true || answer.code === -32800, JSON.stringify(answer));
    assert.ok(Date.now() - started < 4_000, `answered after ${Date.now() - started} ms`);
    // No result was recorded, so no diagnostics were published for the list.
    assert.equal(client.diagnostics(uri)?.diagnostics.length ?? 0, 0);
  });
});
