// Runs inside the extension host with the real `vscode` API: the extension from the development path must
// publish the table's diagnostics (with exact ranges), stay silent on plain YAML, and answer hovers/code actions.
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');
const { EXPECTED_PROBLEMS, POLICY_FILE, BROKEN_FILE, PLAIN_FILE, PENDING_FEATURES } = require('../expectations.cjs');
const { log, workspaceUri, open, codeOf, waitForDiagnostics, hoverText, expand } = require('./support');

const EXTENSION_ID = 'image-trust.image-trust';

describe('Image Trust in the extension host', () => {
  it('runs from the development path (not from an installed VSIX)', async () => {
    await open(POLICY_FILE); // activation is onLanguage:yaml
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    assert.equal(path.resolve(ext.extensionUri.fsPath), path.resolve(__dirname, '..', '..', '..'));
    const api = await ext.activate();
    assert.equal(ext.isActive, true);
    // Activation must stay small: it returns before the server is up. The figures are printed, not timed:
    // speed is reported, not asserted, on a shared machine.
    assert.equal(typeof api.activationMs, 'number');
    const serverMs = await api.serverReady;
    log(`activation: activate() took ${api.activationMs.toFixed(1)} ms; language server ready ${serverMs.toFixed(0)} ms after activation began`);
  });

  describe('diagnostics from the table in test/e2e/expectations.cjs', () => {
    for (const row of EXPECTED_PROBLEMS) {
      it(`${row.file}: ${row.code}`, async function () {
        const doc = await open(row.file);
        if (row.pending) {
          // Wait for the file's diagnostics (they come in one message) before deciding the code is absent.
          const diags = await waitForDiagnostics(doc.uri, (d) => d.length > 0).catch(() => []);
          const shown = diags.some((d) => codeOf(d) === row.code);
          log(shown
            ? `PENDING ${row.code} ALREADY SHOWS: delete its pending mark in test/e2e/expectations.cjs`
            : `pending ${row.code}: ${row.pending}`);
          this.skip();
        }
        const diags = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === row.code), 30_000, row.code);
        const hits = diags.filter((d) => codeOf(d) === row.code);
        if (row.underlines !== undefined) {
          const texts = hits.map((d) => doc.getText(d.range));
          const expected = expand(row.underlines);
          assert.ok(texts.includes(expected), `${row.code} underlines ${JSON.stringify(texts)}, expected ${JSON.stringify(expected)}`);
        }
        if (row.line !== undefined) {
          const lines = hits.map((d) => d.range.start.line + 1);
          assert.ok(lines.includes(row.line), `${row.code} is on line(s) ${lines}, expected ${row.line}`);
        }
        for (const d of hits) {
          assert.ok(!d.range.isEmpty || row.code === 'yaml-syntax', `${row.code} has an empty range`);
          assert.ok(d.range.end.line - d.range.start.line < 3, `${row.code} spans ${d.range.end.line - d.range.start.line + 1} lines: too wide`);
          assert.ok(d.message.length > 20, `${row.code} message is too short to say what to do: ${d.message}`);
        }
      });
    }
  });

  it(`says nothing about plain YAML (${PLAIN_FILE})`, async () => {
    const plain = await open(PLAIN_FILE);
    // Sentinel: a file opened later gets its diagnostics after any for the plain file were sent.
    const broken = await open(BROKEN_FILE);
    await waitForDiagnostics(broken.uri, (d) => d.length > 0, 30_000, 'the sentinel file');
    const all = vscode.languages.getDiagnostics(plain.uri);
    assert.deepEqual(all.map((d) => `${d.source}(${codeOf(d)}) ${d.message}`), []);
  });

  it('hover on verifyImages explains the field', async function () {
    if (PENDING_FEATURES.hover) {
      log(`pending hover: ${PENDING_FEATURES.hover}`);
      this.skip();
    }
    const uri = workspaceUri(POLICY_FILE);
    await open(POLICY_FILE);
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, new vscode.Position(16, 8));
    const text = hoverText(hovers);
    assert.match(text, /verifyImages/);
    assert.match(text, /signature/i);
  });

  it('offers a quick fix for the misspelt key', async function () {
    if (PENDING_FEATURES.quickFix) {
      log(`pending quick fix: ${PENDING_FEATURES.quickFix}`);
      this.skip();
    }
    const doc = await open(POLICY_FILE);
    const diags = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'schema-unknown-field'));
    const diag = diags.find((x) => codeOf(x) === 'schema-unknown-field');
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, diag.range);
    const fix = (actions ?? []).find((a) => a.edit && /verifyDigest\b/.test(a.title));
    assert.ok(fix, `no quick fix naming verifyDigest; got ${JSON.stringify((actions ?? []).map((a) => a.title))}`);
    const edits = fix.edit.get(doc.uri);
    assert.deepEqual(edits.map((e) => e.newText), ['verifyDigest']);
    assert.equal(doc.getText(edits[0].range), 'verifyDigests');
  });

  it('offers imageReferences and attestors in a new verifyImages entry', async function () {
    if (PENDING_FEATURES.completion) {
      log(`pending completion: ${PENDING_FEATURES.completion}`);
      this.skip();
    }
    const doc = await open(POLICY_FILE);
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc.lineAt(16); // `      verifyImages:`
    await editor.edit((e) => e.insert(line.range.end, '\n        - '));
    try {
      const list = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(17, 10));
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      for (const key of ['imageReferences', 'attestors']) assert.ok(labels.includes(key), `no ${key} among ${JSON.stringify(labels.slice(0, 30))}`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('completes keys in a verifyImages entry', async function () {
    if (PENDING_FEATURES.completion) {
      log(`pending completion: ${PENDING_FEATURES.completion}`);
      this.skip();
    }
    const doc = await open(POLICY_FILE);
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc.lineAt(20); // `          verifyDigests: true`
    await editor.edit((e) => e.insert(line.range.end, '\n          '));
    try {
      const list = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(21, 10));
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      assert.ok(labels.includes('mutateDigest'), `no mutateDigest among ${JSON.stringify(labels.slice(0, 20))}`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('every diagnostic on the policy file carries a stable code', async () => {
    const doc = await open(POLICY_FILE);
    const diags = await waitForDiagnostics(doc.uri, (d) => d.length > 0);
    for (const d of diags) assert.match(codeOf(d), /^[a-z]+(-[a-z0-9]+)+$/, `odd code for: ${d.message}`);
  });
});
