import { strict as assert } from 'node:assert';
import { entry, found, verifyPolicy } from './helpers';

const CODE = 'policy-keyless-no-identity';

function keyless(...fields: string[]) {
  return verifyPolicy(entry([
    'imageReferences: ["ghcr.io/myorg/*"]',
    'attestors:',
    '  - entries:',
    '      - keyless:',
    ...fields.map((f) => `          ${f}`),
    '          rekor:',
    '            url: https://rekor.sigstore.dev',
  ].join('\n')));
}

describe('rule policy-keyless-no-identity', () => {
  it('reports a keyless attestor without subject and issuer on the keyless key', () => {
    const [d, ...rest] = found(keyless(), CODE);
    assert.equal(rest.length, 0);
    assert.equal(d.text, 'keyless');
    assert.equal(d.severity, 2);
    assert.match(d.message, /no subject\/subjectRegExp and no issuer\/issuerRegExp/);
    assert.match(d.message, /Add subject and issuer/);
  });

  it('reports a missing subject, naming the issuer', () => {
    const [d] = found(keyless('issuer: https://token.actions.githubusercontent.com'), CODE);
    assert.equal(d.text, 'keyless');
    assert.match(d.message, /no subject or subjectRegExp: any identity certified by issuer "https:\/\/token\.actions\.githubusercontent\.com"/);
  });

  it('reports a missing issuer', () => {
    const [d] = found(keyless('subject: alice@company.com'), CODE);
    assert.equal(d.text, 'keyless');
    assert.match(d.message, /no issuer or issuerRegExp: the subject "alice@company\.com"/);
  });

  it('reports wildcard subjects and match-all regexps on the value', () => {
    const ds = found(keyless('subject: "*"', 'issuerRegExp: ".*"'), CODE);
    assert.deepEqual(ds.map((d) => d.text), ['"*"', '".*"']);
    assert.match(ds[0].message, /subject: "\*" accepts any signer identity/);
    assert.match(ds[1].message, /issuerRegExp: "\.\*" accepts any OIDC issuer/);
  });

  it('reports the deprecated entry-level issuer without subject', () => {
    const text = verifyPolicy('- image: "ghcr.io/myorg/*"\n  issuer: https://accounts.google.com\n  roots: "-----BEGIN CERTIFICATE-----"');
    const [d] = found(text, CODE);
    assert.equal(d.text, 'issuer');
    assert.match(d.message, /no subject/);
  });

  it('reports an attestation without attestors (Kyverno then accepts any keyless signer)', () => {
    const text = verifyPolicy(entry('imageReferences: ["ghcr.io/myorg/*"]\nattestations:\n  - type: https://slsa.dev/provenance/v1\n    conditions: []'));
    const [d] = found(text, CODE);
    assert.equal(d.text, 'type');
    assert.match(d.message, /no attestors.*any Sigstore identity/);
  });

  it('does not report pinned identities, regexps, extension constraints, keys, or legacy keys on attestations', () => {
    assert.deepEqual(found(keyless('subject: "https://github.com/myorg/app/.github/workflows/release.yml@refs/heads/main"', 'issuer: https://token.actions.githubusercontent.com'), CODE), []);
    assert.deepEqual(found(keyless('subjectRegExp: "^https://github\\\\.com/myorg/"', 'issuerRegExp: "^https://token\\\\.actions\\\\.githubusercontent\\\\.com$"'), CODE), []);
    assert.deepEqual(found(keyless('issuer: https://token.actions.githubusercontent.com', 'additionalExtensions:', '  githubWorkflowRepository: myorg/app'), CODE), []);
    const keys = verifyPolicy(entry('imageReferences: ["ghcr.io/myorg/*"]'));
    assert.deepEqual(found(keys, CODE), []);
    const legacy = verifyPolicy('- image: "ghcr.io/myorg/*"\n  key: "k8s://kyverno/cosign-key"\n  attestations:\n    - predicateType: https://example.com/dev');
    assert.deepEqual(found(legacy, CODE), []);
  });
});
