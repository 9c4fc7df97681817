import { strict as assert } from 'node:assert';
import { textAt, validate, withCode, yaml } from '../../../support/service';

describe('rule schema-required', () => {
  it('reports a missing field on the key of the map that lacks it', () => {
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
                attestors:
                  - entries:
                      - keys:
                          secret:
                            name: cosign-pub
    `;
    const [d, ...rest] = withCode(validate(text), 'schema-required');
    assert.equal(rest.length, 0);
    assert.equal(d.severity, 1);
    assert.equal(textAt(text, d), 'secret');
    assert.match(d.message, /`keys\.secret` is missing the required field `namespace`/);
  });

  it('reports a missing top-level field on the first key of the document', () => {
    const text = 'apiVersion: policies.kyverno.io/v1\nkind: ImageValidatingPolicy\nmetadata:\n  name: ivp\n';
    const [d, ...rest] = withCode(validate(text), 'schema-required');
    assert.equal(rest.length, 0);
    assert.equal(textAt(text, d), 'apiVersion');
    assert.match(d.message, /required field `spec`/);
  });

  it('names every missing field of one map in a single diagnostic', () => {
    const text = 'apiVersion: policies.kyverno.io/v1\nkind: ImageValidatingPolicy\nmetadata:\n  name: ivp\nspec:\n  validationActions: [Deny]\n';
    const [d, ...rest] = withCode(validate(text), 'schema-required');
    assert.equal(rest.length, 0);
    assert.equal(textAt(text, d), 'spec');
    assert.match(d.message, /`spec` is missing the required fields `attestors`, `validations`/);
  });

  it('reports a required key written without a value on that key', () => {
    const text = 'apiVersion: policy.sigstore.dev/v1beta1\nkind: ClusterImagePolicy\nmetadata:\n  name: cip\nspec:\n';
    const [d] = withCode(validate(text), 'schema-required');
    assert.equal(textAt(text, d), 'spec');
    assert.match(d.message, /`spec` is required but has no value/);
  });

  it('does not report a complete policy, nor a status-only assertion document', () => {
    const ok = yaml`
      apiVersion: policies.kyverno.io/v1
      kind: ImageValidatingPolicy
      metadata:
        name: ivp
      spec:
        validationActions: [Deny]
        attestors:
          - name: cosign
            cosign:
              key:
                data: "-----BEGIN PUBLIC KEY-----"
        validations:
          - expression: "images.containers.map(i, verifyImageSignatures(i, [attestors.cosign])).all(e, e > 0)"
    `;
    assert.deepEqual(withCode(validate(ok), 'schema-required'), []);
    const assertion = 'apiVersion: policies.kyverno.io/v1beta1\nkind: ImageValidatingPolicy\nmetadata:\n  name: ivp\nstatus:\n  autogen: {}\n';
    assert.deepEqual(withCode(validate(assertion), 'schema-required'), []);
  });
});
