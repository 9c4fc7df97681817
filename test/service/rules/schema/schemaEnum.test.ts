import { strict as assert } from 'node:assert';
import { service, textAt, validate, withCode, yaml } from '../../../support/service';

describe('rule schema-enum', () => {
  const text = yaml`
    apiVersion: kyverno.io/v1
    kind: ClusterPolicy
    metadata:
      name: check-images
    spec:
      rules:
        - name: verify
          match:
            any:
              - resources:
                  kinds: [Pod]
          verifyImages:
            - imageReferences: ["ghcr.io/org/*"]
              failureAction: enforce
              type: Cosing
  `;

  it('reports a wrongly cased value on the value, listing allowed values and suggesting the right case', () => {
    const found = withCode(validate(text), 'schema-enum');
    assert.deepEqual(found.map((d) => textAt(text, d)), ['enforce', 'Cosing']);
    assert.equal(found[0].severity, 1);
    assert.match(found[0].message, /allowed: `Audit`, `Enforce`/);
    assert.match(found[0].message, /Did you mean `Enforce`\?/);
    assert.match(found[1].message, /Did you mean `Cosign`\?/);
  });

  it('offers a quick fix with the suggested value', () => {
    const svc = service();
    const file = svc.parse('file:///p.yaml', text);
    const [first] = withCode(svc.doValidation(file), 'schema-enum');
    const [action] = svc.doCodeActions(file, first.range, [first]);
    assert.equal(action.edit!.changes['file:///p.yaml'][0].newText, 'Enforce');
  });

  it('reports an unknown IVP validation action on the list item', () => {
    const ivp = yaml`
      apiVersion: policies.kyverno.io/v1beta1
      kind: ImageValidatingPolicy
      metadata:
        name: ivp
      spec:
        validationActions: [test]
    `;
    const [d] = withCode(validate(ivp), 'schema-enum');
    assert.equal(textAt(ivp, d), 'test');
    assert.match(d.message, /`spec\.validationActions\[0\]` does not accept `test`; allowed: `Deny`, `Audit`, `Warn`/);
  });

  it('reports a kyverno.io version that does not serve ClusterPolicy', () => {
    const v2 = 'apiVersion: kyverno.io/v2\nkind: ClusterPolicy\nmetadata:\n  name: x\nspec:\n  rules: []\n';
    const [d] = withCode(validate(v2), 'schema-enum');
    assert.equal(textAt(v2, d), 'kyverno.io/v2');
    assert.match(d.message, /kyverno\.io\/v1/);
  });

  it('does not report allowed values', () => {
    const ok = text.replace('enforce', 'Enforce').replace('Cosing', 'Cosign');
    assert.deepEqual(withCode(validate(ok), 'schema-enum'), []);
  });
});
