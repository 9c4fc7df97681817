import { strict as assert } from 'node:assert';
import { service, textAt, validate, withCode, yaml } from '../../../support/service';

const DEFAULT_ATTESTORS = ['attestors:', '  - entries:', '      - keys:', '          publicKeys: "k8s://ns/key"'];
/** A ClusterPolicy whose one verifyImages entry has these lines (each at the entry's indentation). */
const policy = (...entryLines: string[]) =>
  [
    'apiVersion: kyverno.io/v1',
    'kind: ClusterPolicy',
    'metadata:',
    '  name: check-images',
    'spec:',
    '  rules:',
    '    - name: verify',
    '      match:',
    '        any:',
    '          - resources:',
    '              kinds: [Pod]',
    '      verifyImages:',
    ...[...entryLines, ...DEFAULT_ATTESTORS].map((l, i) => (i === 0 ? '        - ' : '          ') + l),
    '',
  ].join('\n');

describe('rule schema-unknown-field', () => {
  it('reports a misspelled key on the key itself, suggesting the plural it meant', () => {
    const text = policy('imageReference: ["ghcr.io/org/*"]');
    const [d, ...rest] = withCode(validate(text), 'schema-unknown-field');
    assert.equal(rest.length, 0);
    assert.equal(d.severity, 1);
    assert.equal(textAt(text, d), 'imageReference');
    assert.match(d.message, /Did you mean `imageReferences`\?/);
  });

  it('suggests the right case and small typos', () => {
    const text = policy('imageReferences: ["ghcr.io/org/*"]', 'MutateDigest: false', 'verifyDigst: true');
    const found = withCode(validate(text), 'schema-unknown-field');
    assert.deepEqual(found.map((d) => textAt(text, d)), ['MutateDigest', 'verifyDigst']);
    assert.match(found[0].message, /Did you mean `mutateDigest`\?/);
    assert.match(found[1].message, /Did you mean `verifyDigest`\?/);
  });

  it('lists allowed fields when nothing is close', () => {
    const text = policy('imageReferences: ["ghcr.io/org/*"]', 'banana: 1');
    const [d] = withCode(validate(text), 'schema-unknown-field');
    assert.equal(textAt(text, d), 'banana');
    assert.doesNotMatch(d.message, /Did you mean/);
    assert.match(d.message, /Allowed here: .*`attestors`/);
  });

  it('says where a known field belongs when it is indented under the wrong map', () => {
    // Appended at the indentation of the attestor set's fields, one level too deep.
    const text = `${policy('imageReferences: ["ghcr.io/org/*"]')}              mutateDigest: false\n`;
    const [d] = withCode(validate(text), 'schema-unknown-field');
    assert.equal(textAt(text, d), 'mutateDigest');
    assert.match(d.message, /It belongs under `rules\[0\]\.verifyImages\[0\]`; check the indentation/);
  });

  it('offers a quick fix that renames the key', () => {
    const text = policy('imageReference: ["ghcr.io/org/*"]');
    const svc = service();
    const file = svc.parse('file:///p.yaml', text);
    const diags = withCode(svc.doValidation(file), 'schema-unknown-field');
    const [action] = svc.doCodeActions(file, diags[0].range, diags);
    assert.ok(action, 'expected a quick fix');
    const [edit] = action.edit!.changes['file:///p.yaml'];
    assert.equal(edit.newText, 'imageReferences');
    assert.equal(textAt(text, edit), 'imageReference');
  });

  it('also checks ImageValidatingPolicy and ClusterImagePolicy', () => {
    const ivp = yaml`
      apiVersion: policies.kyverno.io/v1beta1
      kind: ImageValidatingPolicy
      metadata:
        name: ivp
      spec:
        validationActions: [Deny]
        matchImageReference:
          - glob: "ghcr.io/*"
    `;
    const [d] = withCode(validate(ivp), 'schema-unknown-field');
    assert.equal(textAt(ivp, d), 'matchImageReference');
    assert.match(d.message, /`matchImageReferences`/);
    const cip = yaml`
      apiVersion: policy.sigstore.dev/v1beta1
      kind: ClusterImagePolicy
      metadata:
        name: cip
      spec:
        images:
          - glob: "ghcr.io/*"
        authorities:
          - keyles:
              url: https://fulcio.sigstore.dev
    `;
    const [c] = withCode(validate(cip), 'schema-unknown-field');
    assert.equal(textAt(cip, c), 'keyles');
    assert.match(c.message, /Did you mean `keyless`\?/);
  });

  it('does not report valid keys, open maps (annotations) or preserve-unknown-fields objects', () => {
    const text = policy('imageReferences: ["ghcr.io/org/*"]', 'annotations:', '  anything-goes: "yes"', 'mutateDigest: false');
    assert.deepEqual(withCode(validate(text), 'schema-unknown-field'), []);
  });

  it('stays quiet for YAML that is not a policy', () => {
    assert.deepEqual(withCode(validate('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\nbogus: 1\n'), 'schema-unknown-field'), []);
  });
});
