import { strict as assert } from 'node:assert';
import { yaml } from '../../../support/service';
import { entry, found, verifyPolicy } from './helpers';

const CODE = 'policy-identity-field-ignored';

function kyverno(fields: string[], type?: string) {
  return verifyPolicy(entry([
    'imageReferences: ["ghcr.io/myorg/*"]',
    ...(type ? [`type: ${type}`] : []),
    'attestors:',
    '  - entries:',
    '      - keyless:',
    ...fields.map((f) => `          ${f}`),
    '          rekor:',
    '            url: https://rekor.sigstore.dev',
  ].join('\n')));
}

const SUBJECT = 'subject: "https://github.com/myorg/app/.github/workflows/release.yml@refs/heads/main"';
const SUBJECT_RE = "subjectRegExp: '^https://github\\.com/myorg/.*$'";
const ISSUER = 'issuer: https://token.actions.githubusercontent.com';
const ISSUER_RE = "issuerRegExp: '^https://token\\.actions\\.githubusercontent\\.com$'";

describe('rule policy-identity-field-ignored', () => {
  it('ClusterPolicy (Cosign): subject next to subjectRegExp is an alternative, reported on subject', () => {
    const [d, ...rest] = found(kyverno([SUBJECT, SUBJECT_RE, ISSUER]), CODE);
    assert.equal(rest.length, 0);
    assert.equal(d.text, 'subject');
    assert.equal(d.severity, 2);
    assert.match(d.message, /alternatives in Kyverno: a certificate passes when either matches/);
  });

  it('ClusterPolicy (Cosign): issuer with issuerRegExp must both match, so nothing is ignored', () => {
    assert.deepEqual(found(kyverno([SUBJECT, ISSUER, ISSUER_RE]), CODE), []);
    assert.deepEqual(found(kyverno([SUBJECT_RE, ISSUER]), CODE), []);
  });

  it('ClusterPolicy (SigstoreBundle): a subject without any issuer, or the reverse, is ignored', () => {
    const [d] = found(kyverno([SUBJECT], 'SigstoreBundle'), CODE);
    assert.equal(d.text, 'subject');
    assert.match(d.message, /keyless\.subject is ignored: for type: SigstoreBundle .* Add issuer or issuerRegExp/);
    const [i] = found(kyverno([ISSUER_RE], 'SigstoreBundle'), CODE);
    assert.equal(i.text, 'issuerRegExp');
    assert.match(i.message, /Add subject or subjectRegExp/);
    // Both sides set: sigstore-go requires both exact and regexp to match, nothing ignored.
    assert.deepEqual(found(kyverno([SUBJECT, SUBJECT_RE, ISSUER], 'SigstoreBundle'), CODE), []);
    // The same lone subject under type: Cosign is checked by Kyverno.
    assert.deepEqual(found(kyverno([SUBJECT]), CODE), []);
  });

  it('ImageValidatingPolicy: the exact value is ignored when its regexp is set (cosign), reported on it', () => {
    const text = yaml`
      apiVersion: policies.kyverno.io/v1alpha1
      kind: ImageValidatingPolicy
      metadata:
        name: ivp
      spec:
        matchImageReferences: [{glob: "ghcr.io/*"}]
        attestors:
          - name: gh
            cosign:
              keyless:
                identities:
                  - subject: https://github.com/myorg/app/.github/workflows/release.yml@refs/heads/main
                    subjectRegExp: ^https://github\.com/myorg/
                    issuer: https://token.actions.githubusercontent.com
                    issuerRegExp: ^https://token\.actions\.githubusercontent\.com$
                  - subject: https://github.com/myorg/app/.github/workflows/release.yml@refs/heads/main
                    issuer: https://token.actions.githubusercontent.com
        validations:
          - expression: "images.containers.map(image, verifyImageSignatures(image, [attestors.gh])).all(e, e > 0)"
    `;
    const ds = found(text, CODE);
    assert.deepEqual(ds.map((d) => d.text), ['subject', 'issuer']);
    assert.match(ds[0].message, /cosign\.keyless\.identities\[\]\.subject is ignored: when subjectRegExp is also set, cosign matches the SANs with the regexp alone/);
    assert.match(ds[1].message, /issuer is ignored: when issuerRegExp is also set/);
  });

  it('ClusterImagePolicy: both set is an admission error, on the regexp', () => {
    const text = yaml`
      apiVersion: policy.sigstore.dev/v1beta1
      kind: ClusterImagePolicy
      metadata:
        name: cip
      spec:
        images: [{glob: "ghcr.io/**"}]
        authorities:
          - keyless:
              identities:
                - issuer: https://token.actions.githubusercontent.com
                  subject: https://github.com/myorg/app/.github/workflows/release.yml@refs/heads/main
                  subjectRegExp: ^https://github\.com/myorg/
    `;
    const [d, ...rest] = found(text, CODE);
    assert.equal(rest.length, 0);
    assert.equal(d.text, 'subjectRegExp');
    assert.equal(d.severity, 1);
    assert.match(d.message, /expected exactly one, got both/);
  });
});
