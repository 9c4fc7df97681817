// Diagnostics over the protocol: what an editor sees after didOpen / didChange / didClose.
import { strict as assert } from 'node:assert';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient, PublishedDiagnostics } from '../support/lspClient';
import { yaml } from '../support/service';
import { docUri, startServer, textIn } from './harness';

const POLICY = yaml`
  apiVersion: kyverno.io/v1
  kind: ClusterPolicy
  metadata:
    name: check-signatures
  spec:
    background: false
    rules:
      - name: verify-keyless
        match:
          any:
            - resources:
                kinds: [Pod]
        verifyImages:
          - imageReferences:
              - "ghcr.io/acme/*"
            failureAction: Enforce
            verifyDigests: true
            attestors:
              - entries:
                  - keyless:
                      subject: "https://github.com/acme/app/.github/workflows/release.yaml@refs/heads/main"
                      issuer: "https://token.actions.githubusercontent.com"
                      rekor:
                        url: https://rekor.sigstore.dev
                        ignoreTlog: true
`;

const byCode = (d: PublishedDiagnostics, code: string): Diagnostic[] => d.diagnostics.filter((x) => x.code === code);
const has = (code: string) => (d: PublishedDiagnostics) => d.diagnostics.some((x) => x.code === code);
const lacks = (code: string) => (d: PublishedDiagnostics) => !d.diagnostics.some((x) => x.code === code);

/** The position of the `occurrence`-th match of `needle` (plus `delta` characters). */
function find(text: string, needle: string, delta = 0, occurrence = 0): { line: number; character: number } {
  let offset = -1;
  for (let i = 0; i <= occurrence; i++) offset = text.indexOf(needle, offset + 1);
  assert.ok(offset >= 0, `"${needle}" not in text`);
  const before = text.slice(0, offset + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

describe('LSP: diagnostics', function () {
  this.timeout(30_000);
  let client: LspClient;

  before(async () => {
    client = await startServer();
  });
  after(async () => {
    await client?.stop();
  });

  it('advertises incremental sync, completion, hover and code actions', () => {
    const caps = client.capabilities;
    const sync = caps.textDocumentSync;
    assert.equal(typeof sync === 'number' ? sync : sync?.change, 2);
    assert.ok(caps.completionProvider);
    assert.ok(caps.hoverProvider);
    assert.ok(caps.codeActionProvider);
  });

  it('publishes diagnostics on open, with codes and exact ranges, for the opened version', async () => {
    const uri = docUri('open.yaml');
    const published = client.waitForDiagnostics(uri);
    client.didOpen(uri, POLICY, 'yaml', 7);
    const d = await published;
    assert.equal(d.version, 7);

    const [typo] = byCode(d, 'schema-unknown-field');
    assert.ok(typo, `schema-unknown-field missing: ${JSON.stringify(d.diagnostics)}`);
    assert.equal(textIn(POLICY, typo.range), 'verifyDigests');
    assert.deepEqual(typo.range.start, find(POLICY, 'verifyDigests'));
    assert.equal(typo.severity, 1);
    assert.match(typo.message, /verifyDigest\b/);

    const [tlog] = byCode(d, 'policy-tlog-disabled');
    assert.ok(tlog, 'policy-tlog-disabled missing');
    assert.equal(textIn(POLICY, tlog.range), 'true');
    assert.equal(tlog.range.start.line, find(POLICY, 'ignoreTlog').line);
    assert.equal(tlog.severity, 2);

    for (const x of d.diagnostics) {
      assert.equal(x.source, 'image-trust', `source of ${x.code}`);
      assert.ok(x.range.start.line > 0, `${x.code} is not on the document start`);
    }
    client.didClose(uri);
  });

  it('updates diagnostics after incremental edits', async () => {
    const uri = docUri('incremental.yaml');
    let published = client.waitForDiagnostics(uri);
    client.didOpen(uri, POLICY);
    await published;

    // ignoreTlog: true -> false (a one-word replacement): the transparency-log warning goes, the typo stays.
    const at = find(POLICY, 'ignoreTlog: true', 'ignoreTlog: '.length);
    published = client.waitForDiagnostics(uri, lacks('policy-tlog-disabled'));
    const v2 = client.replace(uri, { start: at, end: { line: at.line, character: at.character + 4 } }, 'false');
    let d = await published;
    assert.equal(d.version, v2);
    assert.equal(byCode(d, 'schema-unknown-field').length, 1);

    // Delete the stray "s" of verifyDigests: the unknown-field error goes.
    const s = find(client.text(uri)!, 'verifyDigests', 'verifyDigest'.length);
    published = client.waitForDiagnostics(uri, lacks('schema-unknown-field'));
    client.replace(uri, { start: s, end: { line: s.line, character: s.character + 1 } }, '');
    d = await published;
    assert.deepEqual(d.diagnostics.filter((x) => x.severity === 1), [], 'no errors left');

    // Two changes in one notification are applied in order: rename a key, then break the YAML below it.
    const text = client.text(uri)!;
    const bg = find(text, 'background');
    const end = find(text, 'ignoreTlog: false', 'ignoreTlog: false'.length);
    published = client.waitForDiagnostics(uri, (p) => has('yaml-syntax')(p) && has('schema-unknown-field')(p));
    client.didChange(uri, [
      { range: { start: bg, end: { line: bg.line, character: bg.character + 'background'.length } }, text: 'backgroundd' },
      { range: { start: end, end }, text: '\n  extra: [unclosed' },
    ]);
    d = await published;
    const [unknown] = byCode(d, 'schema-unknown-field');
    assert.equal(textIn(client.text(uri)!, unknown.range), 'backgroundd');
    const [syntax] = byCode(d, 'yaml-syntax');
    assert.ok(syntax.range.start.line > end.line, 'syntax error is reported after the edit, not at the top');

    // A full-text change resets everything.
    published = client.waitForDiagnostics(uri, (p) => has('policy-tlog-disabled')(p) && lacks('yaml-syntax')(p));
    client.setText(uri, POLICY);
    d = await published;
    assert.deepEqual(d.diagnostics.map((x) => x.code).sort(), ['policy-tlog-disabled', 'schema-unknown-field']);
    client.didClose(uri);
  });

  it('publishes an empty list for YAML that is not a policy or manifest (no noise next to other YAML tools)', async () => {
    const workflow = yaml`
      name: ci
      on: [push]
      jobs:
        build:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@v4
            - run: npm ci && npm test
    `;
    const compose = yaml`
      services:
        web:
          image: nginx:latest
          ports: ["8080:80"]
    `;
    for (const [name, text] of [['workflow.yaml', workflow], ['compose.yaml', compose]]) {
      const uri = docUri(name);
      const published = client.waitForDiagnostics(uri);
      client.didOpen(uri, text);
      assert.deepEqual((await published).diagnostics, [], name);
      client.didClose(uri);
    }
  });

  it('clears diagnostics when a document closes', async () => {
    const uri = docUri('close.yaml');
    let published = client.waitForDiagnostics(uri);
    client.didOpen(uri, POLICY);
    assert.ok((await published).diagnostics.length > 0);
    published = client.waitForDiagnostics(uri);
    client.didClose(uri);
    assert.deepEqual((await published).diagnostics, []);
  });

  it('reports per document in a multi-document file', async () => {
    const text = `${yaml`
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: unrelated
      data:
        key: value
    `}\n---\n${POLICY}`;
    const uri = docUri('multi.yaml');
    const published = client.waitForDiagnostics(uri);
    client.didOpen(uri, text);
    const d = await published;
    const [typo] = byCode(d, 'schema-unknown-field');
    assert.ok(typo);
    assert.equal(textIn(text, typo.range), 'verifyDigests');
    assert.ok(typo.range.start.line > 7, 'located in the second document');
    client.didClose(uri);
  });

  it('survives malformed input and keeps answering', async () => {
    const uri = docUri('garbage.yaml');
    const garbage = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nspec: {rules: [\n\t- "unterminated\n\u0000\u0001: : :\n  - ]]]\n';
    const published = client.waitForDiagnostics(uri);
    client.didOpen(uri, garbage);
    const d = await published;
    assert.ok(byCode(d, 'yaml-syntax').length > 0, 'syntax errors reported');
    // Hover and completion on broken text answer rather than hang or crash.
    await client.hover(uri, { line: 2, character: 2 });
    await client.completion(uri, { line: 3, character: 1 });
    client.didClose(uri);

    const next = docUri('after-garbage.yaml');
    const again = client.waitForDiagnostics(next);
    client.didOpen(next, POLICY);
    assert.ok((await again).diagnostics.length > 0, 'server still validates after malformed input');
    client.didClose(next);
  });
});

describe('LSP: settings', function () {
  this.timeout(30_000);
  let client: LspClient;

  before(async () => {
    client = await startServer({ configuration: { imageTrust: { severity: { 'policy-tlog-disabled': 'error', 'schema-unknown-field': 'off' } } } });
  });
  after(async () => {
    await client?.stop();
  });

  it('pulls imageTrust settings with workspace/configuration and applies severity overrides', async () => {
    const uri = docUri('settings.yaml');
    // Settings may arrive just after the first validation; what counts is that the document ends up
    // validated with them (an editor opens files right after `initialized`).
    const configured = (p: PublishedDiagnostics) =>
      p.diagnostics.some((x) => x.code === 'policy-tlog-disabled' && x.severity === 1) && lacks('schema-unknown-field')(p);
    let published = client.waitForDiagnostics(uri, configured, 5_000);
    client.didOpen(uri, POLICY);
    let d = await published;
    assert.ok(client.configurationRequests > 0, 'server asked for its settings');
    assert.equal(byCode(d, 'policy-tlog-disabled')[0]?.severity, 1, 'raised to error');
    assert.deepEqual(byCode(d, 'schema-unknown-field'), [], 'turned off');

    // Changing the settings re-validates open documents.
    client.configuration = { imageTrust: { severity: {} } };
    published = client.waitForDiagnostics(uri, has('schema-unknown-field'));
    client.didChangeConfiguration();
    d = await published;
    assert.equal(byCode(d, 'policy-tlog-disabled')[0]?.severity, 2, 'back to warning');
    client.didClose(uri);
  });
});
