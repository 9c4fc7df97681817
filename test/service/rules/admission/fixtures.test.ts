// The seed policies (own versions of examples from public guides) and the rejected-policy catalogue.
import { strict as assert } from 'node:assert';
import { fixture, textAt, validate } from '../../../support/service';
import { admissionRules } from '../../../../server/src/service/rules/admission';
import { admissionFindings } from './helpers';

describe('admission rules on fixture policies', () => {
  const accepted = [
    'seed-signed-images-basic.yaml',
    'seed-both-teams-sign.yaml',
    'seed-certificate-attestor.yaml',
    'seed-registry-restriction.yaml',
    'seed-require-team-label.yaml',
    'seed-keyless-github-actions.yaml',
    'seed-onprem-namespaced.yaml',
    'seed-legacy-key-attestation.yaml',
  ];
  for (const name of accepted) {
    it(`finds nothing Kyverno would refuse in ${name}`, () => {
      assert.deepEqual(admissionFindings(fixture(`policies/${name}`)), []);
    });
  }

  it('rejects count: 2 with both team keys in one entry', () => {
    assert.deepEqual(admissionFindings(fixture('policies/seed-both-teams-one-entry.yaml')), ['policy-count-exceeds-entries: 2']);
  });

  it('rejects the lenient tier that audits with mutateDigest: true, and only that one', () => {
    const text = fixture('policies/seed-environment-tiers.yaml');
    assert.deepEqual(admissionFindings(text), ['policy-mutate-digest-audit: true']);
    const [d] = validate(text).filter((x) => x.code === 'policy-mutate-digest-audit');
    const lenientRule = text.split('\n').findIndex((l) => l.includes('name: nonprod-audit'));
    assert.ok(lenientRule > 0 && d.range.start.line > lenientRule, `reported at line ${d.range.start.line}, rule starts at ${lenientRule}`);
  });

  it('finds every admission rule in the rejected catalogue, each on the text it names', () => {
    const text = fixture('policies/admission-rejected.yaml');
    const found = admissionFindings(text);
    assert.deepEqual([...new Set(found.map((f) => f.split(':')[0]))].sort(), admissionRules.map((r) => r.id).sort());
    for (const expected of [
      'policy-mutate-digest-audit: imageReferences',
      'policy-image-reference-required: attestors',
      'policy-count-exceeds-entries: 3',
      'policy-attestor-entries-required: entries',
      'policy-attestor-entry-kind: annotations',
      'policy-key-required: keys',
      'policy-signature-algorithm: sha1',
      'policy-certificate-required: certificates',
      'policy-keyless-rekor-or-roots: keyless',
      'policy-rekor-url-required: rekor',
      'policy-notary-attestor: keys',
      'policy-duplicate-rule-name: check',
      'policy-rule-operation: check',
      'policy-imageextractors-without-verifyimages: imageExtractors',
      'policy-wildcard-kind: "*"',
      'policy-image-reference-variable: {{ request.namespace }}',
      'policy-extractor-jmespath-mutate: jmesPath',
      'policy-admission-disabled: false',
      'policy-clusterpolicy-namespace: namespace',
      'policy-name-too-long: a-policy-name-that-is-far-too-long-for-kyverno-to-store-in-a-label',
      'policy-autogen-all: all',
      'policy-match-kinds-required: resources',
      'policy-match-any-all: all',
      'policy-match-variables: {{ request.object.metadata.labels.team }}',
      'policy-match-exclude-empty-set: resources',
      'policy-namespaced-namespaces: namespaces',
      'policy-overrides-namespaced: validationFailureActionOverrides',
      'policy-webhook-timeout: 45',
    ]) {
      assert.ok(found.includes(expected), `${expected} in ${JSON.stringify(found, null, 1)}`);
    }
    // Every finding is an error except the namespace one (the API server drops that field).
    const ids = new Set(admissionRules.map((r) => r.id));
    for (const d of validate(text).filter((x) => ids.has(x.code))) {
      assert.equal(d.severity, d.code === 'policy-clusterpolicy-namespace' ? 2 : 1, `${d.code}: ${textAt(text, d)}`);
    }
  });
});
