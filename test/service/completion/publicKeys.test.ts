import { strict as assert } from 'node:assert';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { cursor, service, textAt } from '../../support/service';
import type { WorkspaceFiles } from '../../../server/src/service/languageService';

const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const PEM_LINES = PEM.trim().split('\n');
const FINGERPRINT = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');

function fakeWorkspace(files: { uri: string; text: string }[]): WorkspaceFiles & { patterns: string[] } {
  const patterns: string[] = [];
  return { patterns, findFiles: async (pattern) => (patterns.push(pattern), files) };
}

const HEAD = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: p
spec:
  rules:
    - name: r
      verifyImages:
        - imageReferences: ["ghcr.io/x/*"]
          attestors:
            - entries:
                - keys:
`;

async function complete(textWithMarker: string, workspace: WorkspaceFiles) {
  const svc = service({ workspace });
  const { text, position } = cursor(textWithMarker, '^');
  return { text, list: await svc.doComplete(svc.parse('file:///ws/policy.yaml', text), position) };
}

/** Applies a completion's text edit to `text`. */
function apply(text: string, edit: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }) {
  const covered = textAt(text, edit);
  const lines = text.split('\n');
  const start = lines.slice(0, edit.range.start.line).reduce((n, l) => n + l.length + 1, 0) + edit.range.start.character;
  return text.slice(0, start) + edit.newText + text.slice(start + covered.length);
}

describe('completion of publicKeys from workspace *.pub files', () => {
  const files = [
    { uri: 'file:///ws/keys/cosign.pub', text: PEM },
    { uri: 'file:///ws/notes.pub', text: 'not a key' },
  ];

  it('inserts the key as a |- block scalar indented two spaces deeper than the key', async () => {
    const ws = fakeWorkspace(files);
    const { text, list } = await complete(HEAD + '                    publicKeys: ^\n', ws);
    assert.deepEqual(ws.patterns, ['**/*.pub']);
    assert.deepEqual(list.items.map((i) => i.label), ['cosign.pub'], 'files without a PEM public key are not offered');
    const it0 = list.items[0];
    assert.match(it0.detail!, /ECDSA P-256/);
    assert.match(it0.detail!, new RegExp(FINGERPRINT.slice(0, 16)));
    const expected = '|-\n' + PEM_LINES.map((l) => ' '.repeat(22) + l).join('\n');
    assert.equal(it0.textEdit!.newText, expected);
    const result = apply(text, it0.textEdit!);
    assert.equal(result, HEAD + '                    publicKeys: |-\n' + PEM_LINES.map((l) => ' '.repeat(22) + l).join('\n') + '\n');
    assert.equal((it0 as { insertTextMode?: number }).insertTextMode, 1, 'indentation is absolute: the client must not re-indent');
  });

  it('replaces an existing block header typed on the key line', async () => {
    const { text, list } = await complete(HEAD + '                    publicKeys: |-^\n', fakeWorkspace(files));
    const result = apply(text, list.items[0].textEdit!);
    assert.equal(result, HEAD + '                    publicKeys: |-\n' + PEM_LINES.map((l) => ' '.repeat(22) + l).join('\n') + '\n');
  });

  it('adds the space a header needs right after the colon', async () => {
    const { text, list } = await complete(HEAD + '                    publicKeys:^\n', fakeWorkspace(files));
    const result = apply(text, list.items[0].textEdit!);
    assert.ok(result.endsWith('                    publicKeys: |-\n' + PEM_LINES.map((l) => ' '.repeat(22) + l).join('\n') + '\n'));
  });

  it('fills an empty block scalar from the line below the header', async () => {
    const { text, list } = await complete(HEAD + '                    publicKeys: |\n                      ^\n', fakeWorkspace(files));
    assert.equal(list.items.length, 1);
    const result = apply(text, list.items[0].textEdit!);
    assert.equal(result, HEAD + '                    publicKeys: |\n' + PEM_LINES.map((l) => ' '.repeat(22) + l).join('\n') + '\n');
  });

  it('offers keys for every public-key field the policy model lists (rekor.pubkey, IVP ctlog keys), not for look-alikes', async () => {
    const rekor = await complete(HEAD + '                    rekor:\n                      pubkey: ^\n', fakeWorkspace(files));
    assert.deepEqual(rekor.list.items.map((i) => i.label), ['cosign.pub']);
    const ivp = 'apiVersion: policies.kyverno.io/v1\nkind: ImageValidatingPolicy\nspec:\n  attestors:\n    - name: a\n      cosign:\n        ctlog:\n          rekorPubKey: ^\n';
    assert.deepEqual((await complete(ivp, fakeWorkspace(files))).list.items.map((i) => i.label), ['cosign.pub']);
    // A condition's `key` holds no key material.
    const condition = HEAD.replace(/ {10}attestors:[\s\S]*$/, '          attestations:\n            - conditions:\n                - all:\n                    - key: ^\n');
    assert.ok(!(await complete(condition, fakeWorkspace(files))).list.items.some((i) => i.label === 'cosign.pub'));
  });

  it('offers nothing for other fields or without a workspace', async () => {
    const other = await complete(HEAD + '                    kms: ^\n', fakeWorkspace(files));
    assert.deepEqual(other.list.items, []);
    const svc = service();
    const { text, position } = cursor(HEAD + '                    publicKeys: ^\n', '^');
    assert.deepEqual((await svc.doComplete(svc.parse('file:///ws/p.yaml', text), position)).items, []);
  });
});
