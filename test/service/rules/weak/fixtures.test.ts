import { strict as assert } from 'node:assert';
import { fixture, textAt, validate } from '../../../support/service';
import { weakRules } from '../../../../server/src/service/rules/weak';

const WEAK = new Set(weakRules.map((r) => r.id));

describe('weak-pattern rules on fixtures', () => {
  it('stay quiet on recommended policies (company registry, dual keys, "*" in production, certificates, pinned keyless identity, legacy key form, registry allow-list)', () => {
    const text = fixture('policies/weak-good-policies.yaml');
    const weak = validate(text).filter((d) => WEAK.has(d.code));
    // Only information remains: the OpenShift seed's "…svc*" (to cover ":5000") is stricter, not weaker.
    assert.deepEqual(weak.filter((d) => d.severity <= 2).map((d) => `${d.code}: ${textAt(text, d)}`), []);
    assert.deepEqual(weak.filter((d) => d.severity > 2).map((d) => `${d.code}: ${textAt(text, d)}`), [
      'policy-evadable-image-reference: "image-registry.openshift-image-registry.svc*"',
    ]);
  });

  it('report each weak pattern once, where the fixture comments say', () => {
    const text = fixture('policies/weak-patterns.yaml');
    const weak = validate(text).filter((d) => WEAK.has(d.code));
    const got = weak.map((d) => `${d.code} @ ${textAt(text, d)}`).sort();
    assert.deepEqual(got, [
      'policy-broad-skip @ "ghcr.io/*"',
      'policy-digest-not-verified @ false',
      'policy-evadable-image-reference @ "registry.k8s.io*"',
      'policy-keyless-no-identity @ keyless',
      'policy-no-attestors @ imageReferences',
      'policy-permissive-image-pattern @ "*:*"',
      'policy-reference-misses-digest @ "ghcr.io/myorg/app:*"',
      'policy-reference-never-matches @ "docker.io/library/nginx*"',
      'policy-sct-disabled @ true',
      'policy-tlog-disabled @ true',
      'policy-verification-not-required @ false',
    ]);
    // Each comment sits on the line of the diagnostic it names.
    const lines = text.split('\n');
    for (const d of weak) assert.ok(lines[d.range.start.line].includes(d.code), `${d.code} on line ${d.range.start.line + 1}: ${lines[d.range.start.line]}`);
  });
});
