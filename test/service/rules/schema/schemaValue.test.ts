import { strict as assert } from 'node:assert';
import { textAt, validate, withCode, yaml } from '../../../support/service';

const policy = (count: number) => yaml`
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
              - count: ${count}
                entries:
                  - keys:
                      publicKeys: "k8s://ns/key"
`;

describe('rule schema-value', () => {
  it('reports an attestor count below the minimum on the value', () => {
    const text = policy(0);
    const [d, ...rest] = withCode(validate(text), 'schema-value');
    assert.equal(rest.length, 0);
    assert.equal(d.severity, 1);
    assert.equal(textAt(text, d), '0');
    assert.match(d.message, /`attestors\[0\]\.count` must be at least 1/);
  });

  it('does not report a count within limits', () => {
    assert.deepEqual(withCode(validate(policy(1)), 'schema-value'), []);
  });
});
