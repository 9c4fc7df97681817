import { strict as assert } from 'node:assert';
import { cursor, service, yaml } from '../../support/service';
import type { CompletionItem, CompletionList } from '../../../server/src/service/types';
import type { WorkspaceFiles } from '../../../server/src/service/languageService';

async function complete(textWithMarker: string, workspace?: WorkspaceFiles): Promise<CompletionList> {
  const svc = service({ workspace });
  const { text, position } = cursor(textWithMarker);
  return svc.doComplete(svc.parse('file:///ws/policy.yaml', text), position);
}
const labels = (l: CompletionList) => l.items.map((i) => i.label);
const item = (l: CompletionList, label: string): CompletionItem => {
  const found = l.items.find((i) => i.label === label);
  assert.ok(found, `no completion "${label}" in ${labels(l).join(', ')}`);
  return found;
};

const HEAD = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: p\n';

describe('completion', () => {
  it('offers spec fields at the top level of spec, without the ones already present', async () => {
    const list = await complete(HEAD + 'spec:\n  background: false\n  |\n  rules: []\n');
    assert.ok(labels(list).includes('validationFailureAction'));
    assert.ok(labels(list).includes('webhookConfiguration'));
    assert.ok(!labels(list).includes('background'), 'background is already set');
    assert.ok(!labels(list).includes('rules'), 'rules follows the cursor and is already set');
    const vfa = item(list, 'validationFailureAction');
    assert.match(vfa.documentation!.value, /Enforce/);
    assert.match(vfa.detail!, /default "Audit"/);
  });

  it('offers imageReferences and attestors inside a verifyImages entry, with our docs and snippet insertions', async () => {
    const list = await complete(HEAD + yaml`
      spec:
        rules:
          - name: r
            match:
              any:
                - resources:
                    kinds: [Pod]
            verifyImages:
              - failureAction: Enforce
                |
    `);
    const refs = item(list, 'imageReferences');
    assert.match(refs.documentation!.value, /normalised/);
    assert.equal(refs.textEdit!.newText, 'imageReferences:\n            - $0');
    assert.equal(item(list, 'attestors').textEdit!.newText, 'attestors:\n            - $0');
    assert.equal(item(list, 'mutateDigest').textEdit!.newText, 'mutateDigest: ${1|true,false|}');
    assert.equal(item(list, 'type').textEdit!.newText, 'type: ${1|Cosign,SigstoreBundle,Notary|}');
    assert.ok(!labels(list).includes('failureAction'));
    // Deprecated fields sort after the others.
    assert.ok(item(list, 'image').sortText! > item(list, 'imageReferences').sortText!);
  });

  it('completes a partially typed key and replaces only the typed word', async () => {
    const list = await complete(HEAD + 'spec:\n  rules:\n    - name: r\n      verifyImages:\n        - mut|\n');
    const md = item(list, 'mutateDigest');
    assert.deepEqual(md.textEdit!.range, { start: { line: 8, character: 10 }, end: { line: 8, character: 13 } });
  });

  it('offers keyless fields inside keyless, including under attestations and a nested attestor', async () => {
    const keyless = await complete(HEAD + yaml`
      spec:
        rules:
        - name: r
          verifyImages:
          - attestors:
            - entries:
              - keyless:
                  subject: "x"
                  |
    `);
    assert.ok(labels(keyless).includes('issuer'));
    assert.ok(labels(keyless).includes('rekor'));
    assert.ok(!labels(keyless).includes('subject'));
    const nested = await complete(HEAD + yaml`
      spec:
        rules:
        - name: r
          verifyImages:
          - attestations:
            - type: https://slsa.dev/provenance/v1
              attestors:
              - entries:
                - attestor:
                    entries:
                    - keyless:
                        |
    `);
    assert.ok(labels(nested).includes('subjectRegExp'), labels(nested).join(','));
  });

  it('offers enum values at value positions', async () => {
    const fa = await complete(HEAD + 'spec:\n  rules:\n    - name: r\n      verifyImages:\n        - failureAction: |\n');
    assert.deepEqual(labels(fa).sort(), ['Audit', 'Enforce']);
    const type = await complete(HEAD + 'spec:\n  rules:\n    - name: r\n      verifyImages:\n        - type: Co|\n');
    assert.deepEqual(labels(type), ['Cosign', 'SigstoreBundle', 'Notary']);
    assert.deepEqual(item(type, 'Cosign').textEdit!.range, { start: { line: 8, character: 16 }, end: { line: 8, character: 18 } });
    const vfa = await complete(HEAD + 'spec:\n  validationFailureAction: |\n');
    assert.deepEqual(labels(vfa), ['Audit', 'Enforce'], 'lowercase variants are deprecated and not offered');
    const bool = await complete(HEAD + 'spec:\n  background: |\n');
    assert.deepEqual(labels(bool), ['true', 'false']);
  });

  it('offers attestor kinds and snippets after "- " in entries', async () => {
    const list = await complete(HEAD + yaml`
      spec:
        rules:
          - name: r
            verifyImages:
              - imageReferences: ["ghcr.io/x/*"]
                attestors:
                  - entries:
                      - |
    `);
    for (const l of ['keys', 'certificates', 'keyless', 'attestor', 'keys attestor', 'certificates attestor', 'keyless attestor']) item(list, l);
    const keyless = item(list, 'keyless attestor');
    assert.equal(keyless.insertTextFormat, 2);
    assert.equal(
      keyless.textEdit!.newText,
      [
        'keyless:',
        '                    subject: "${1:https://github.com/my-org/my-repo/.github/workflows/release.yaml@refs/heads/main}"',
        '                    issuer: ${2:https://token.actions.githubusercontent.com}',
        '                    rekor:',
        '                      url: ${3:https://rekor.sigstore.dev}$0',
      ].join('\n'),
    );
    assert.match(item(list, 'keys attestor').textEdit!.newText, /^keys:\n {20}publicKeys: \|-\n {22}-----BEGIN PUBLIC KEY-----\n {22}\$\{1:/);
  });

  it('offers a whole verifyImages rule under spec.rules, with tab stops', async () => {
    const list = await complete(HEAD + 'spec:\n  rules:\n    - |\n');
    const rule = item(list, 'verifyImages rule');
    const text = rule.textEdit!.newText;
    assert.ok(text.startsWith('name: ${1:verify-image-signatures}\n      match:\n'), text);
    assert.match(text, /\n {6}verifyImages:\n {8}- imageReferences:\n {12}- "\$\{2:ghcr\.io\/my-org\/\*\}"\n {10}failureAction: \$\{3\|Enforce,Audit\|\}/);
    // Under `rules:` without a dash yet, the snippet brings the dash.
    const bare = await complete(HEAD + 'spec:\n  rules:\n    |\n');
    assert.ok(item(bare, 'verifyImages rule').textEdit!.newText.startsWith('- name: ${1:verify-image-signatures}\n      match:'));
  });

  it('offers keys on an empty line inside a map (indentation decides which map)', async () => {
    const deeper = await complete(HEAD + 'spec:\n  webhookConfiguration:\n    |\n');
    assert.deepEqual(labels(deeper).sort(), ['failurePolicy', 'matchConditions', 'timeoutSeconds']);
    const sibling = await complete(HEAD + 'spec:\n  webhookConfiguration:\n    timeoutSeconds: 10\n  |\n');
    assert.ok(labels(sibling).includes('background'));
    assert.ok(!labels(sibling).includes('webhookConfiguration'));
  });

  it('answers for ImageValidatingPolicy and ClusterImagePolicy too', async () => {
    const ivp = await complete('apiVersion: policies.kyverno.io/v1\nkind: ImageValidatingPolicy\nspec:\n  attestors:\n    - name: a\n      cosign:\n        |\n');
    assert.ok(labels(ivp).includes('keyless'));
    assert.match(item(ivp, 'ctlog').documentation!.value, /Rekor/);
    const cip = await complete('apiVersion: policy.sigstore.dev/v1beta1\nkind: ClusterImagePolicy\nspec:\n  |\n');
    assert.ok(labels(cip).includes('authorities'));
    assert.ok(labels(cip).includes('images'));
  });

  it('returns nothing outside policy documents', async () => {
    assert.deepEqual(labels(await complete('apiVersion: v1\nkind: ConfigMap\ndata:\n  |\n')), []);
    assert.deepEqual(labels(await complete('apiVersion: apps/v1\nkind: Deployment\nspec:\n  |\n')), []);
    // Multi-document: only the policy document answers.
    const multi = await complete('apiVersion: v1\nkind: ConfigMap\ndata:\n  |\n---\n' + HEAD + 'spec:\n  rules: []\n');
    assert.deepEqual(labels(multi), []);
  });
});
