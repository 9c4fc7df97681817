// The manifest and verification features through the real `vscode` API, on the Deployment and policy run.mjs
// generated for this run (lib/supplyChain.mjs): code lenses with their commands, the image hover, the
// "Pin … to its current digest" code action, and running the lens and pin commands against the loopback
// registry (signed by the real cosign). Tests that need the registry or the signature are skipped, with the
// reason logged, when run.mjs could not set them up.
'use strict';
const assert = require('node:assert/strict');
const vscode = require('vscode');
const { SUPPLY_CHAIN, MANIFEST_FILE, PENDING_FEATURES } = require('../expectations.cjs');
const { log, open, codeOf, waitForDiagnostics, hoverText, facts } = require('./support');

/** LSP-shaped range argument (commands carry plain JSON) → vscode.Range. */
const toRange = (r) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

describe('Image Trust on a manifest (generated supply chain)', () => {
  let doc;
  const f = () => facts();
  const lenses = async (uri) => (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri, 100)) ?? [];
  const lensFor = (all, image) => all.find((l) => l.command && doc.getText(l.range) === image);
  const skipUnless = (ctx, ...reasons) => {
    const why = reasons.find(Boolean);
    if (why) {
      log(`pending: ${why}`);
      ctx.skip();
    }
  };

  before(async () => {
    doc = await open(MANIFEST_FILE);
    // image-registry-not-allowed needs the workspace policies indexed: after it, lenses and hovers see them too.
    await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'image-registry-not-allowed'), 30_000, 'image-registry-not-allowed');
  });

  it('code lenses: "Verify signature" above every image, running imageTrust.verifyImage(uri, range, image)', async function () {
    skipUnless(this, PENDING_FEATURES.verifyLens);
    const all = await lenses(doc.uri);
    const images = [f().images.signed, f().images.unsigned, 'nginx:latest', 'busybox'];
    for (const image of images) {
      const lens = lensFor(all, image);
      assert.ok(lens, `no lens on ${image}; lenses: ${JSON.stringify(all.map((l) => [doc.getText(l.range), l.command?.title]))}`);
      assert.equal(lens.command.title, 'Verify signature');
      assert.equal(lens.command.command, 'imageTrust.verifyImage');
      const [uri, range, arg] = lens.command.arguments;
      assert.equal(uri, doc.uri.toString());
      assert.equal(arg, image);
      assert.equal(doc.getText(toRange(range)), image);
    }
    assert.equal(all.length, images.length, `expected one lens per image, got ${all.map((l) => l.command?.title)}`);
  });

  it('code lens on the policy: "Verify 2 matching workspace images", running imageTrust.verifyRule', async function () {
    skipUnless(this, PENDING_FEATURES.verifyLens);
    const policy = await open(SUPPLY_CHAIN.policyFile);
    const all = await lenses(policy.uri);
    const lens = all.find((l) => l.command?.command === 'imageTrust.verifyRule');
    assert.ok(lens, `no verifyRule lens; lenses: ${JSON.stringify(all.map((l) => l.command?.title))}`);
    assert.equal(lens.command.title, 'Verify 2 matching workspace images');
    assert.equal(policy.getText(lens.range), 'imageReferences');
    const [ref] = lens.command.arguments;
    assert.deepEqual({ ...ref, uri: undefined }, { uri: undefined, docIndex: 0, ruleIndex: 0, entryIndex: 0 });
    assert.equal(ref.uri, policy.uri.toString());
    await open(MANIFEST_FILE);
  });

  it('hover on an image: normalised reference, covering rule with Enforce and its attestors', async function () {
    skipUnless(this, PENDING_FEATURES.manifestHover);
    const pos = new vscode.Position(f().lines.signed - 1, f().imageColumn + 3);
    const text = hoverText(await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, pos));
    assert.ok(text.includes(`Kyverno matches it as \`${f().images.signed}\``), text);
    const rule = text.split('\n').find((l) => l.includes(`\`${SUPPLY_CHAIN.policyName}\` / \`${SUPPLY_CHAIN.ruleName}\``));
    assert.ok(rule, `no line for the covering rule in: ${text}`);
    assert.match(rule, /— Enforce(, [^—]+)? — keys \(1 key\)$/);
    assert.ok(rule.includes(`(\`${f().host}/*\`)`), rule);
    assert.match(text, /Not pinned: the tag `v1`/);
  });

  it('code action: "Pin … to its current digest" on a tag-only image, running imageTrust.pinDigest', async function () {
    skipUnless(this, PENDING_FEATURES.pinDigest);
    const image = f().images.signed;
    const diags = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'image-not-pinned' && doc.getText(x.range) === image));
    const diag = diags.find((x) => codeOf(x) === 'image-not-pinned' && doc.getText(x.range) === image);
    assert.equal(diag.severity, vscode.DiagnosticSeverity.Hint);
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, diag.range)) ?? [];
    const pin = actions.find((a) => a.command?.command === 'imageTrust.pinDigest');
    assert.ok(pin, `no pin action; got ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(pin.title, `Pin ${image} to its current digest (asks the registry)`);
    assert.equal(pin.kind?.value, 'quickfix');
    assert.equal(pin.edit, undefined, 'pinning needs the registry: the action must carry a command, not an edit');
    const [uri, range, arg] = pin.command.arguments;
    assert.deepEqual([uri, doc.getText(toRange(range)), arg], [doc.uri.toString(), image, image]);
  });

  it('the lens command verifies the signed image, fails the unsigned one, and image-signature-failed follows', async function () {
    this.timeout(120_000);
    skipUnless(this, PENDING_FEATURES.verifyLens, f().pending.registry, f().pending.signature);
    const before = await lenses(doc.uri);
    const run = (image) => {
      const lens = lensFor(before, image);
      return vscode.commands.executeCommand(lens.command.command, ...lens.command.arguments);
    };
    const ok = await run(f().images.signed);
    assert.equal(ok.covered, true, JSON.stringify(ok));
    assert.equal(ok.results.length, 1);
    assert.equal(ok.results[0].action, 'Enforce');
    assert.equal(ok.results[0].outcome.verdict, 'verified', ok.results[0].outcome.summary);
    assert.equal(ok.results[0].outcome.digest, f().digests.signed);

    const bad = await run(f().images.unsigned);
    assert.equal(bad.results[0].outcome.verdict, 'failed', bad.results[0].outcome.summary);
    const diags = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'image-signature-failed'), 30_000, 'image-signature-failed');
    const failed = diags.filter((x) => codeOf(x) === 'image-signature-failed');
    assert.deepEqual(failed.map((d) => doc.getText(d.range)), [f().images.unsigned]);
    assert.equal(failed[0].severity, vscode.DiagnosticSeverity.Error);

    const after = await lenses(doc.uri);
    assert.equal(lensFor(after, f().images.signed).command.title, ok.results[0].outcome.summary);
    assert.match(lensFor(after, f().images.signed).command.title, /^✓/);
    assert.match(lensFor(after, f().images.unsigned).command.title, /^✗/);
    assert.equal(lensFor(after, 'nginx:latest').command.title, 'Verify signature');
  });

  it('the pin command rewrites the image to the digest the registry serves', async function () {
    this.timeout(60_000);
    skipUnless(this, PENDING_FEATURES.pinDigest, f().pending.registry);
    const image = f().images.signed;
    const editor = await vscode.window.showTextDocument(doc);
    const range = doc.getText().indexOf(image);
    const start = doc.positionAt(range);
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(start, start.translate(0, image.length)));
    const pin = actions.find((a) => a.command?.command === 'imageTrust.pinDigest');
    try {
      const outcome = await vscode.commands.executeCommand(pin.command.command, ...pin.command.arguments);
      assert.equal(outcome?.applied, true, JSON.stringify(outcome));
      const line = doc.lineAt(f().lines.signed - 1).text.trim();
      assert.equal(line, `image: ${image}@${f().digests.signed}`);
      assert.equal(doc.getText().split('@sha256:').length, 2, 'only the one image may be pinned');
    } finally {
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });
});
