import { strict as assert } from 'node:assert';
import { validate, withCode, yaml } from '../../support/service';

describe('rule yaml-syntax', () => {
  it('reports a parse error inside a policy document, on the offending text', () => {
    const text = yaml`
      apiVersion: kyverno.io/v1
      kind: ClusterPolicy
      metadata:
        name: broken
      spec:
        rules: [unclosed
    `;
    const found = withCode(validate(text), 'yaml-syntax');
    assert.ok(found.length >= 1, 'expected a yaml-syntax diagnostic');
    assert.equal(found[0].severity, 1);
    assert.ok(found[0].range.start.line >= 5, `range starts at line ${found[0].range.start.line}`);
  });

  it('stays quiet on YAML that is not a policy or manifest (leaves it to other YAML tools)', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\ndata: [unclosed\n';
    assert.deepEqual(withCode(validate(text), 'yaml-syntax'), []);
  });

  it('does not report a well-formed policy', () => {
    const text = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: ok\nspec:\n  rules: []\n';
    assert.deepEqual(withCode(validate(text), 'yaml-syntax'), []);
  });
});
