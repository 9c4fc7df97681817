// Image lists and SBOMs in the editor, over the protocol with the bundled server and the real engine: the loopback
// registry holds 20 images (10 signed with the release key, 5 unsigned, 5 signed by another key; real cosign 2.5.0).
// "Verify all (20)" → one diagnostic per line with the exact verdict; "Pin verified images (10)" → the exact edits;
// an SPDX SBOM gets "Verify 20 images of this SBOM".
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeLens, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { startServer, textIn } from './harness';
import type { LspClient } from '../support/lspClient';
import { Cosign, cosignBinary, CosignKey } from '../support/cosign';
import { buildImage, BuiltImage, missingTools, pushImage, RunningRegistry, startRegistry, tempDir } from '../support/registry';

const missing = missingTools();
const cosign = missing.length ? {} : cosignBinary();
const NAMES = Array.from({ length: 20 }, (_, i) => `component-${String(i + 1).padStart(2, '0')}`);

describe('LSP: image list and SBOM verification (real engine, real registry, real cosign)', function () {
  this.timeout(300_000);
  if (missing.length > 0 || !cosign.path) {
    const why = missing.length ? `missing ${missing.join(', ')} (scripts/test-deps.sh)` : `cosign unavailable: ${cosign.reason}`;
    it(`SKIPPED: ${why}`, function () {
      console.log(`      SKIPPED: ${why}`);
      this.skip();
    });
    return;
  }

  let reg: RunningRegistry;
  let client: LspClient;
  let key: CosignKey;
  let work: string;
  const images: BuiltImage[] = [];
  const refs: string[] = [];
  const edits: TextEdit[][] = [];

  before(async function () {
    work = tempDir('image-trust-lsp-imagelist-');
    reg = await startRegistry();
    const c = new Cosign(cosign.path!, work);
    key = c.key('release', 'ecdsa-p256');
    const other = c.key('other', 'ecdsa-p256');
    for (const name of NAMES) {
      const image = buildImage(work, { seed: `lsp-${name}`, ref: 'v1.29.0' });
      images.push(image);
      refs.push(`${reg.host}/k8s/${name}:v1.29.0`);
      await pushImage(image, refs[refs.length - 1], { ref: 'v1.29.0' });
    }
    for (let i = 0; i < 20; i++) {
      if (i < 10) await c.sign(key, `${reg.host}/k8s/${NAMES[i]}@${images[i].digest}`);
      else if (i >= 15) await c.sign(other, `${reg.host}/k8s/${NAMES[i]}@${images[i].digest}`);
    }
    client = await startServer({
      workspaceFolders: [pathToFileURL(work).toString()],
      configuration: { imageTrust: { verify: { timeoutSeconds: 60, concurrency: 4 } } },
      initializationOptions: { globalStoragePath: path.join(work, 'storage') },
    });
    client.handleServerRequest('window/showMessageRequest', () => null);
    client.handleServerRequest('workspace/applyEdit', (p: { edit: { changes: Record<string, TextEdit[]> } }) => {
      edits.push(Object.values(p.edit.changes)[0]);
      return { applied: true };
    });
  });
  after(async () => {
    await client?.stop();
    await reg?.stop();
  });

  const listText = () => ['# control-plane images', ...refs.slice(0, 10), '', '# the rest', ...refs.slice(10), ''].join('\n');
  const lineOf = (text: string, ref: string) => text.split('\n').indexOf(ref);

  it('"Verify all (20)", per-line results, then "Pin verified images (10)" writes name:tag@digest exactly', async () => {
    const uri = pathToFileURL(path.join(work, 'images.txt')).toString();
    const text = listText();
    client.didOpen(uri, text, 'plaintext');
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual(lenses.map((l) => l.command?.title), ['Verify all (20)']);
    assert.deepEqual(lenses[0].command?.arguments, [uri, 20]);

    const published = client.waitForDiagnostics(uri, (d) => d.diagnostics.length === 20, 120_000);
    const result = await client.request<{ total: number; verified: number; failed: number; errors: number }>('imageTrust/verifyImageList', {
      uri, spec: { kind: 'key', publicKeyPem: key.publicKeyPem, ignoreTlog: true },
    });
    assert.deepEqual({ total: result.total, verified: result.verified, failed: result.failed, errors: result.errors }, { total: 20, verified: 10, failed: 10, errors: 0 });

    const diagnostics = (await published).diagnostics;
    const at = (i: number): Diagnostic => diagnostics.find((d) => d.range.start.line === lineOf(text, refs[i]))!;
    refs.forEach((ref, i) => {
      const d = at(i);
      assert.ok(d, ref);
      assert.equal(textIn(text, d.range), ref);
      assert.equal(d.source, 'image-trust');
      if (i < 10) {
        assert.equal(d.code, 'image-list-verified', d.message);
        assert.equal(d.severity, 3);
        assert.ok(d.message.includes(images[i].digest), d.message);
      } else {
        assert.equal(d.code, 'image-list-not-verified', `${ref}: ${d.message}`);
        assert.equal(d.severity, 1);
        if (i < 15) assert.match(d.message, /no signatures/i);
        else assert.doesNotMatch(d.message, /no signatures/i);
      }
    });

    const after = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual(after.map((l) => l.command?.title), ['Verify all (20)', 'Pin verified images (10)']);
    const pinned = await client.request<{ pinned: number }>('workspace/executeCommand', { command: 'imageTrust.pinImageList', arguments: after[1].command!.arguments });
    assert.equal(pinned.pinned, 10);
    assert.equal(edits.length, 1);
    assert.deepEqual(
      edits[0].map((e) => [e.range.start.line, textIn(text, e.range), e.newText]),
      refs.slice(0, 10).map((ref, i) => [lineOf(text, ref), ref, `${ref}@${images[i].digest}`]),
    );

    // Once written back, the pinned lines keep their result and nothing is left to pin.
    let newText = text;
    for (const [i, ref] of refs.slice(0, 10).entries()) newText = newText.replace(`${ref}\n`, `${ref}@${images[i].digest}\n`);
    const republished = client.waitForDiagnostics(uri, () => true, 10_000);
    client.setText(uri, newText);
    const afterPin = (await republished).diagnostics;
    assert.equal(afterPin.filter((d) => d.code === 'image-list-verified').length, 10);
    assert.equal(afterPin.filter((d) => d.code === 'image-list-not-verified').length, 10);
    const final = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual(final.map((l) => l.command?.title), ['Verify all (20)']);
  });

  it('an SPDX JSON SBOM gets "Verify 20 images of this SBOM", and its results land on the package names', async () => {
    const uri = pathToFileURL(path.join(work, 'release.spdx.json')).toString();
    const packages = refs.flatMap((ref, i) => [{ name: ref, SPDXID: `SPDXRef-Package-${NAMES[i]}` }, { name: `sha256:${'ab'.repeat(32)}`, SPDXID: `SPDXRef-Package-sha256-${i}` }]);
    const text = JSON.stringify({ spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'release', packages }, null, 2);
    client.didOpen(uri, text, 'json');
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual(lenses.map((l) => l.command?.title), ['Verify 20 images of this SBOM']);
    const published = client.waitForDiagnostics(uri, (d) => d.diagnostics.length === 20, 120_000);
    const result = await client.request<{ verified: number; failed: number }>('imageTrust/verifyImageList', { uri, spec: { kind: 'key', publicKeyPem: key.publicKeyPem, ignoreTlog: true } });
    assert.deepEqual([result.verified, result.failed], [10, 10]);
    const diagnostics = (await published).diagnostics;
    for (const [i, ref] of refs.entries()) {
      const d = diagnostics.find((x) => textIn(text, x.range) === ref);
      assert.equal(d?.code, i < 10 ? 'image-list-verified' : 'image-list-not-verified', ref);
    }
    // No pinning in an SBOM: it describes a release, it is not a deployment input.
    assert.deepEqual((await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } })).map((l) => l.command?.title), ['Verify 20 images of this SBOM']);
  });
});
