import { strict as assert } from 'node:assert';
import { entry, found, verifyPolicy } from './helpers';

const CODE = 'policy-no-attestors';

describe('rule policy-no-attestors', () => {
  it('reports an entry without attestors or attestations on its imageReferences key', () => {
    const text = verifyPolicy(entry('imageReferences: ["ghcr.io/myorg/*"]\nmutateDigest: true', false));
    const [d, ...rest] = found(text, CODE);
    assert.equal(rest.length, 0);
    assert.equal(d.text, 'imageReferences');
    assert.equal(d.severity, 2);
    assert.match(d.message, /no attestors and no attestations, so no signature is checked/);
    assert.match(d.message, /Add attestors/);
  });

  it('reports empty lists and the deprecated image field alone', () => {
    const empty = verifyPolicy(entry('imageReferences: ["ghcr.io/myorg/*"]\nattestors: []\nattestations: []', false));
    assert.equal(found(empty, CODE)[0]?.text, 'imageReferences');
    const legacy = verifyPolicy('- image: "ghcr.io/myorg/*"\n  mutateDigest: true');
    assert.equal(found(legacy, CODE)[0]?.text, 'image');
  });

  it('does not report entries with attestors, attestations, or a deprecated key/issuer', () => {
    const text = verifyPolicy([
      entry('imageReferences: ["ghcr.io/a/*"]'),
      entry('imageReferences: ["ghcr.io/b/*"]\nattestations:\n  - type: https://slsa.dev/provenance/v1', false),
      '- image: "ghcr.io/c/*"\n  key: "k8s://kyverno/cosign-key"',
      '- image: "ghcr.io/d/*"\n  issuer: https://accounts.google.com\n  subject: alice@company.com',
    ].join('\n'));
    assert.deepEqual(found(text, CODE), []);
  });
});
