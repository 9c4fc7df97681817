import { strict as assert } from 'node:assert';
import { entry, found, verifyPolicy } from './helpers';

describe('rule policy-verification-not-required', () => {
  const CODE = 'policy-verification-not-required';
  it('reports required: false under an enforcing rule, on the value', () => {
    const [d] = found(verifyPolicy(entry('imageReferences: ["ghcr.io/myorg/*"]\nrequired: false')), CODE);
    assert.equal(d.text, 'false');
    assert.equal(d.severity, 2);
    assert.match(d.message, /not verified.*Remove it/);
  });
  it('follows the entry failureAction over the spec (Kyverno: any Enforce entry enforces the rule)', () => {
    const text = verifyPolicy([
      entry('imageReferences: ["ghcr.io/a/*"]\nfailureAction: Enforce'),
      entry('imageReferences: ["ghcr.io/b/*"]\nrequired: false\nmutateDigest: false'),
    ].join('\n'), 'Audit');
    assert.equal(found(text, CODE).length, 1);
  });
  it('does not report under Audit or with required: true', () => {
    assert.deepEqual(found(verifyPolicy(entry('imageReferences: ["ghcr.io/myorg/*"]\nrequired: false\nmutateDigest: false'), 'Audit'), CODE), []);
    assert.deepEqual(found(verifyPolicy(entry('imageReferences: ["ghcr.io/myorg/*"]\nrequired: true')), CODE), []);
  });
});

describe('rule policy-digest-not-verified', () => {
  const CODE = 'policy-digest-not-verified';
  it('warns on verifyDigest: false with mutateDigest: false under Enforce', () => {
    const [d] = found(verifyPolicy(entry('imageReferences: ["ghcr.io/myorg/*"]\nmutateDigest: false\nverifyDigest: false')), CODE);
    assert.equal(d.text, 'false');
    assert.equal(d.severity, 2);
    assert.match(d.message, /by tag only/);
  });
  it('is information only when Kyverno still pins digests (mutateDigest defaults to true)', () => {
    const [d] = found(verifyPolicy(entry('imageReferences: ["ghcr.io/myorg/*"]\nverifyDigest: false')), CODE);
    assert.equal(d.severity, 3);
    assert.match(d.message, /without a digest/);
  });
  it('does not report under Audit or with the default', () => {
    assert.deepEqual(found(verifyPolicy(entry('imageReferences: ["ghcr.io/myorg/*"]\nmutateDigest: false\nverifyDigest: false'), 'Audit'), CODE), []);
    assert.deepEqual(found(verifyPolicy(entry('imageReferences: ["ghcr.io/myorg/*"]')), CODE), []);
  });
});
