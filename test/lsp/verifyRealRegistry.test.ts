// End to end over the protocol with the REAL engine (server/src/verify/verifyImage.ts, bundled in
// dist/server.js): Debian's docker-registry on loopback, images pushed with skopeo, one signed by the real
// cosign (no transparency log). The lens command, the palette request, the lens summary and the
// `image-signature-failed` diagnostic all come from real registry round trips.
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { startServer, textIn } from './harness';
import type { LspClient } from '../support/lspClient';
import { Cosign, cosignBinary, CosignKey } from '../support/cosign';
import { buildImage, BuiltImage, missingTools, pushImage, RunningRegistry, startRegistry, tempDir } from '../support/registry';

const missing = missingTools();
const cosign = missing.length ? {} : cosignBinary();

describe('LSP: live verification end to end (real engine, real registry, real cosign)', function () {
  this.timeout(120_000);
  if (missing.length > 0 || !cosign.path) {
    const why = missing.length ? `missing ${missing.join(', ')} (scripts/test-deps.sh)` : `cosign unavailable: ${cosign.reason}`;
    it(`SKIPPED: ${why}`, function () {
      console.log(`  LSP end-to-end verification skipped: ${why}`);
      this.skip();
    });
    return;
  }

  let reg: RunningRegistry;
  let client: LspClient;
  let key: CosignKey;
  let signed: BuiltImage;
  let host: string;
  let ws: string;
  const shown: string[] = [];
  const results: { image: string; outcome: { verdict: string; summary: string; digest?: string } }[] = [];

  const indent = (pem: string, n: number) => pem.trim().split('\n').map((l) => ' '.repeat(n) + l).join('\n');
  const policy = () => [
    'apiVersion: kyverno.io/v1',
    'kind: ClusterPolicy',
    'metadata:',
    '  name: check-images',
    'spec:',
    '  rules:',
    '    - name: demo-signed',
    '      match:',
    '        any:',
    '          - resources:',
    '              kinds: [Pod]',
    '      verifyImages:',
    `        - imageReferences: ["${host}/demo/*"]`,
    '          failureAction: Enforce',
    '          attestors:',
    '            - entries:',
    '                - keys:',
    '                    rekor:',
    '                      ignoreTlog: true',
    '                    publicKeys: |-',
    indent(key.publicKeyPem, 22),
    '',
  ].join('\n');
  const pod = (images: string[]) => ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: app', 'spec:', '  containers:',
    ...images.map((image, i) => `    - name: c${i}\n      image: ${image}`), ''].join('\n');

  before(async function () {
    this.timeout(120_000);
    const work = tempDir('image-trust-lsp-verify-');
    reg = await startRegistry();
    host = reg.host;
    signed = buildImage(work, { seed: 'lsp-signed' });
    const unsigned = buildImage(work, { seed: 'lsp-unsigned' });
    await Promise.all([pushImage(signed, `${host}/demo/signed:v1`), pushImage(unsigned, `${host}/demo/unsigned:v1`)]);
    const c = new Cosign(cosign.path!, work);
    key = c.key('lsp', 'ecdsa-p256');
    await c.sign(key, `${host}/demo/signed@${signed.digest}`);
    ws = path.join(work, 'ws');
    mkdirSync(ws);
    writeFileSync(path.join(ws, 'policy.yaml'), policy());
    delete process.env.IMAGE_TRUST_FAKE_VERIFY;
    client = await startServer({
      workspaceFolders: [pathToFileURL(ws).toString()],
      configuration: { imageTrust: { verify: { timeoutSeconds: 60 } } },
      // The TUF cache (and its failed refresh, offline) stays in the test's temp dir, not in ~/.cache.
      initializationOptions: { globalStoragePath: path.join(work, 'storage') },
    });
    client.handleServerRequest('window/showMessageRequest', (p: { message: string }) => {
      shown.push(p.message);
      return null;
    });
    client.handleServerNotification('imageTrust/verificationResult', (p) => results.push(p));
    client.didOpen(pathToFileURL(path.join(ws, 'policy.yaml')).toString(), policy());
  });
  after(async () => {
    await client?.stop();
    await reg?.stop();
  });

  it('the lens command verifies a cosign-signed image, fails an unsigned one under Enforce, and the diagnostic follows', async () => {
    const uri = pathToFileURL(path.join(ws, 'app.yaml')).toString();
    const text = pod([`${host}/demo/signed:v1`, `${host}/demo/unsigned:v1`]);
    client.didOpen(uri, text);
    await client.waitForDiagnostics(uri, () => true, 10_000, { includeLatest: true });
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    const lensFor = (image: string) => lenses.find((l) => textIn(text, l.range) === image)!;

    const ok = await client.request<{ covered: boolean; results: { outcome: { verdict: string; summary: string; digest?: string } }[] }>(
      'workspace/executeCommand', { command: 'imageTrust.verifyImage', arguments: lensFor(`${host}/demo/signed:v1`).command!.arguments });
    assert.equal(ok.covered, true);
    assert.equal(ok.results[0].outcome.verdict, 'verified', ok.results[0].outcome.summary);
    assert.equal(ok.results[0].outcome.digest, signed.digest);
    assert.match(ok.results[0].outcome.summary, /^✓/);

    const failed = client.waitForDiagnostics(uri, (d) => d.diagnostics.some((x) => x.code === 'image-signature-failed'), 60_000);
    const bad = await client.request<{ results: { outcome: { verdict: string; summary: string } }[] }>(
      'workspace/executeCommand', { command: 'imageTrust.verifyImage', arguments: lensFor(`${host}/demo/unsigned:v1`).command!.arguments });
    assert.equal(bad.results[0].outcome.verdict, 'failed', bad.results[0].outcome.summary);
    const diag = (await failed).diagnostics.filter((x) => x.code === 'image-signature-failed');
    assert.deepEqual(diag.map((d) => textIn(text, d.range)), [`${host}/demo/unsigned:v1`]);

    const titles = (await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } })).map((l) => l.command?.title ?? '');
    assert.equal(titles[0], ok.results[0].outcome.summary);
    assert.equal(titles[1], bad.results[0].outcome.summary);
    assert.ok(results.some((r) => r.image === `${host}/demo/signed:v1` && r.outcome.verdict === 'verified'));
  });

  it('the palette request verifies against an ad-hoc key and against a workspace rule by reference', async () => {
    const byKey = await client.request<{ verdict: string; summary: string }>('imageTrust/verify', {
      image: `${host}/demo/signed:v1`, spec: { kind: 'key', publicKeyPem: key.publicKeyPem, ignoreTlog: true },
    });
    assert.equal(byKey.verdict, 'verified', byKey.summary);
    const rules = await client.request<{ label: string; ref: unknown }[]>('imageTrust/listRules', {});
    assert.deepEqual(rules.map((r) => r.label), ['check-images / demo-signed']);
    const byRule = await client.request<{ verdict: string; summary: string }>('imageTrust/verify', { image: `${host}/demo/unsigned:v1`, spec: { kind: 'workspace-rule', ref: rules[0].ref } });
    assert.equal(byRule.verdict, 'failed', byRule.summary);
  });
});
