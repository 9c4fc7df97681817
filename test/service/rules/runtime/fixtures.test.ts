import { strict as assert } from 'node:assert';
import { fixture, textAt, validate } from '../../../support/service';
import { applyFix, codeActionsFor } from '../deprecation/fixes';

const RUNTIME = /^policy-(invalid-public-key|comment-in-block|invalid-certificate|invalid-regex)$/;

describe('runtime and deprecation fixtures', () => {
  it('runtime-broken-material.yaml: one finding per mistake, each on its text', () => {
    const text = fixture('policies/runtime-broken-material.yaml');
    const found = validate(text).filter((d) => RUNTIME.test(d.code)).map((d) => [d.code, textAt(text, d).split('\n')[0]]);
    assert.deepEqual(found, [
      ['policy-invalid-public-key', '-----BEGIN PRIVATE KEY-----'],
      ['policy-comment-in-block', '# release key (this line is part of the key text)'],
      ['policy-invalid-certificate', '-----BEGIN CERTIFICATE-----'],
      ['policy-invalid-regex', '(?!'],
    ]);
  });

  it('runtime-valid-material.yaml: no runtime findings', () => {
    assert.deepEqual(validate(fixture('policies/runtime-valid-material.yaml')).filter((d) => RUNTIME.test(d.code)), []);
  });

  it('deprecated-v1-fields.yaml: every deprecation has a fix, and applying them one by one clears them', () => {
    let text = fixture('policies/deprecated-v1-fields.yaml');
    const kinds = validate(text).filter((d) => d.code === 'policy-deprecated').map((d) => (d.data as { kind: string }).kind);
    assert.deepEqual([...new Set(kinds)].sort(), ['keys-signature-algorithm', 'legacy-verify-images', 'lowercase-action', 'predicate-type', 'validation-failure-action', 'webhook-fields']);
    for (let i = 0; i < 20; i++) {
      const next = validate(text).find((d) => d.code === 'policy-deprecated' && codeActionsFor(text, d).length > 0);
      if (!next) break;
      text = applyFix(text, next);
    }
    assert.deepEqual(validate(text).filter((d) => d.code === 'policy-deprecated' || d.code === 'yaml-syntax'), []);
    assert.match(text, /attestations:\n {12}- type: https:\/\/slsa\.dev\/provenance\/v1\n {14}conditions: \[\]\n {14}attestors:\n {16}- entries:\n {20}- keys:\n {24}publicKeys: k8s:\/\/cosign-system\/cosign-pub\n/);
  });
});
