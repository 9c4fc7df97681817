// Completion, hover and code actions over the protocol, as an editor requests them.
import { strict as assert } from 'node:assert';
import type { CodeAction, Diagnostic, MarkupContent, TextEdit } from 'vscode-languageserver-protocol';
import { applyChange, LspClient } from '../support/lspClient';
import { cursor, yaml } from '../support/service';
import { docUri, startServer, textIn } from './harness';

/** Opens `text` and waits for its first diagnostics, so later requests see a parsed, validated document. */
async function open(client: LspClient, name: string, text: string): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
  const uri = docUri(name);
  const published = client.waitForDiagnostics(uri);
  client.didOpen(uri, text);
  return { uri, diagnostics: (await published).diagnostics };
}

function markdown(contents: unknown): string {
  const c = contents as MarkupContent | string | { value: string } | (string | { value: string })[];
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
  return c.value;
}

/** Applies a code action's workspace edit for `uri` to `text` (edits applied from the end backwards). */
function applyEdits(text: string, uri: string, action: CodeAction): string {
  const edits: TextEdit[] = [...(action.edit?.changes?.[uri] ?? [])];
  for (const change of action.edit?.documentChanges ?? []) {
    if ('textDocument' in change && change.textDocument.uri === uri) edits.push(...(change.edits as TextEdit[]));
  }
  assert.ok(edits.length > 0, `action "${action.title}" edits ${uri}`);
  edits.sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
  return edits.reduce((t, e) => applyChange(t, { range: e.range, text: e.newText }), text);
}

const AUDIT_POLICY = yaml`
  apiVersion: kyverno.io/v1
  kind: ClusterPolicy
  metadata:
    name: audit-signatures
  spec:
    validationFailureAction: Audit
    background: false
    rules:
      - name: verify
        match:
          any:
            - resources:
                kinds: [Pod]
        verifyImages:
          - imageReferences:
              - "registry.example.com/*"
            attestors:
              - entries:
                  - keys:
                      publicKeys: "k8s://security/cosign-public-key"
`;

describe('LSP: completion, hover and code actions', function () {
  this.timeout(30_000);
  let client: LspClient;

  before(async () => {
    client = await startServer();
  });
  after(async () => {
    await client?.stop();
  });

  it('completes imageReferences and attestors inside a verifyImages entry', async () => {
    const { text, position } = cursor(yaml`
      apiVersion: kyverno.io/v1
      kind: ClusterPolicy
      metadata:
        name: complete-me
      spec:
        rules:
          - name: verify
            match:
              any:
                - resources:
                    kinds: [Pod]
            verifyImages:
              - failureAction: Enforce
                |
    `);
    const { uri } = await open(client, 'completion.yaml', text);
    const items = await client.completionItems(uri, position);
    const labels = items.map((i) => i.label);
    assert.ok(labels.includes('imageReferences'), `imageReferences offered: ${labels.join(', ')}`);
    assert.ok(labels.includes('attestors'), `attestors offered: ${labels.join(', ')}`);
    assert.ok(!labels.includes('failureAction'), 'a key already present is not offered again');
    assert.ok(!labels.includes('apiVersion') && !labels.includes('match'), 'only keys of a verifyImages entry');
    client.didClose(uri);
  });

  it('answers completion right after an incremental edit with the edited text', async () => {
    const base = yaml`
      apiVersion: kyverno.io/v1
      kind: ClusterPolicy
      metadata:
        name: complete-after-edit
      spec:
        rules:
          - name: verify
            match:
              any:
                - resources:
                    kinds: [Pod]
            verifyImages:
              - imageReferences: ["ghcr.io/acme/*"]
    `;
    const { uri } = await open(client, 'completion-edit.yaml', base);
    // Type a new key line inside the entry, then ask at its end without waiting for diagnostics.
    const lines = base.split('\n');
    const last = lines.findIndex((l) => l.includes('imageReferences'));
    const indent = ' '.repeat(lines[last].indexOf('imageReferences'));
    const eol = { line: last, character: lines[last].length };
    client.replace(uri, { start: eol, end: eol }, `\n${indent}att`);
    const items = await client.completionItems(uri, { line: last + 1, character: indent.length + 3 });
    assert.ok(items.some((i) => i.label === 'attestors'), `attestors offered after the edit: ${items.map((i) => i.label).join(', ')}`);
    client.didClose(uri);
  });

  it('hovers mutateDigest with markdown that states its default', async () => {
    const text = AUDIT_POLICY.replace(/^( *)attestors:/m, '$1mutateDigest: true\n$1attestors:');
    const { uri } = await open(client, 'hover.yaml', text);
    const line = text.split('\n').findIndex((l) => l.includes('mutateDigest'));
    const character = text.split('\n')[line].indexOf('mutateDigest') + 3;
    const hover = await client.hover(uri, { line, character });
    assert.ok(hover, 'hover answered');
    assert.equal((hover.contents as MarkupContent).kind, 'markdown');
    const md = markdown(hover.contents);
    assert.match(md, /mutateDigest/);
    assert.match(md, /default/i);
    assert.match(md, /true/);
    if (hover.range) assert.equal(textIn(text, hover.range), 'mutateDigest');

    // Nothing to say on a blank line outside any key.
    const blank = await client.hover(uri, { line: text.split('\n').length - 1, character: 0 });
    assert.ok(!blank || markdown(blank.contents).trim() === '', 'no hover on an empty line');
    client.didClose(uri);
  });

  it('offers a quick fix for an unknown field that, applied, clears the diagnostic', async () => {
    const text = AUDIT_POLICY.replace('validationFailureAction: Audit', 'validationFailureAction: Enforce').replace('attestors:', 'atestors:');
    const { uri, diagnostics } = await open(client, 'fix-typo.yaml', text);
    const typo = diagnostics.find((d) => d.code === 'schema-unknown-field');
    assert.ok(typo, `schema-unknown-field reported: ${JSON.stringify(diagnostics.map((d) => d.code))}`);
    assert.equal(textIn(text, typo.range), 'atestors');

    // The diagnostic travels back exactly as published (including its data), as VS Code sends it.
    const actions = (await client.codeAction(uri, typo.range, [typo])) as CodeAction[];
    const fix = actions.find((a) => a.kind === 'quickfix' && a.edit);
    assert.ok(fix, `quick fix offered: ${JSON.stringify(actions)}`);
    assert.match(fix.title, /attestors/);
    const fixed = applyEdits(text, uri, fix);
    assert.match(fixed, /^\s+attestors:$/m);

    const published = client.waitForDiagnostics(uri, (p) => !p.diagnostics.some((d) => d.code === 'schema-unknown-field'));
    client.setText(uri, fixed);
    await published;
    client.didClose(uri);
  });

  it('offers no code action for diagnostics of rules without a fix', async () => {
    const { uri } = await open(client, 'no-fix.yaml', AUDIT_POLICY);
    const made = { range: { start: { line: 5, character: 2 }, end: { line: 5, character: 10 } }, message: 'x', code: 'no-such-rule', source: 'image-trust' };
    const actions = await client.codeAction(uri, made.range, [made]);
    assert.deepEqual(actions ?? [], []);
    client.didClose(uri);
  });

  it('reports Audit with the default mutateDigest and fixes it over the protocol', async () => {
    const { uri, diagnostics } = await open(client, 'fix-audit.yaml', AUDIT_POLICY);
    const audit = diagnostics.find((d) => d.code === 'policy-mutate-digest-audit');
    assert.ok(audit, `policy-mutate-digest-audit reported: ${JSON.stringify(diagnostics.map((d) => d.code))}`);
    const actions = (await client.codeAction(uri, audit.range, [audit])) as CodeAction[];
    const fix = actions.find((a) => a.kind === 'quickfix' && a.edit);
    assert.ok(fix, `quick fix offered: ${JSON.stringify(actions)}`);

    const published = client.waitForDiagnostics(uri, (p) => !p.diagnostics.some((d) => d.code === 'policy-mutate-digest-audit'));
    client.setText(uri, applyEdits(AUDIT_POLICY, uri, fix));
    const after = await published;
    assert.ok(!after.diagnostics.some((d) => d.code === 'yaml-syntax' || d.code === 'schema-unknown-field'), 'the fix leaves valid YAML');
    client.didClose(uri);
  });
});
