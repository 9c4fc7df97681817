// Identity matchers (exact, go-wildcard, RE2) and trust roots, without any signature.
import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import { exactIdentityRequirement, kyvernoKeylessRequirement, loadTrustedRoot, matchIdentity, publicGoodTrustRoot, sigstoreBundleRequirement, withPolicyTrust } from '../../server/src/verify';
import type { CertificateIdentity } from '../../server/src/verify';
import { capture } from '../../server/src/verify/result';
import { publicPem, sigstoreFixture } from './support';

const identity: CertificateIdentity = {
  subjectAlternativeNames: ['cody@soyland.com'],
  issuer: 'https://github.com/login/oauth',
  extensions: { issuer: 'https://github.com/login/oauth', oidcIssuer: 'https://github.com/login/oauth' },
  notBefore: new Date(0),
  notAfter: new Date(0),
};
const evil: CertificateIdentity = { ...identity, subjectAlternativeNames: ['xcody@soyland.com.evil'] };

function match(id: CertificateIdentity, req: Parameters<typeof matchIdentity>[1]): string {
  const r = capture(() => {
    const m = matchIdentity(id, req);
    return m.ok ? { ok: true as const } : m;
  });
  return r.ok ? 'pass' : r.code;
}

describe('verify: identity matching', () => {
  it('subject cody@soyland.com does not accept xcody@soyland.com.evil (exact and Kyverno wildcard)', () => {
    assert.equal(match(identity, [exactIdentityRequirement({ subject: 'cody@soyland.com' })]), 'pass');
    assert.equal(match(evil, [exactIdentityRequirement({ subject: 'cody@soyland.com' })]), 'identity-mismatch');
    assert.equal(match(identity, [kyvernoKeylessRequirement({ subject: 'cody@soyland.com' })]), 'pass');
    assert.equal(match(evil, [kyvernoKeylessRequirement({ subject: 'cody@soyland.com' })]), 'identity-mismatch');
  });

  it('Kyverno subject and subjectRegExp: either may match; issuer and issuerRegExp: both must', () => {
    assert.equal(match(identity, [kyvernoKeylessRequirement({ subject: 'nobody', subjectRegExp: '@soyland\\.com$' })]), 'pass');
    assert.equal(match(identity, [kyvernoKeylessRequirement({ subject: 'cody@*', subjectRegExp: '^nobody$' })]), 'pass');
    assert.equal(match(identity, [kyvernoKeylessRequirement({ subject: 'nobody', subjectRegExp: '^nobody$' })]), 'identity-mismatch');
    assert.equal(match(identity, [kyvernoKeylessRequirement({ issuer: 'https://github.com/*', issuerRegExp: 'google' })]), 'identity-mismatch');
    assert.equal(match(identity, [kyvernoKeylessRequirement({ issuer: 'https://accounts.google.com', issuerRegExp: 'github' })]), 'identity-mismatch');
    assert.equal(match(identity, [kyvernoKeylessRequirement({ issuer: 'https://github.com/*', issuerRegExp: 'github' })]), 'pass');
  });

  it('Kyverno checks the subject only when the certificate has a SAN; cosign always does', () => {
    const sanless: CertificateIdentity = { ...identity, subjectAlternativeNames: [] };
    assert.equal(match(sanless, [kyvernoKeylessRequirement({ subject: 'cody@soyland.com', subjectRegExp: 'cody' })]), 'pass');
    assert.equal(match(sanless, [kyvernoKeylessRequirement({ subject: 'cody@soyland.com', issuer: 'https://accounts.google.com' })]), 'identity-mismatch');
    assert.equal(match(sanless, [exactIdentityRequirement({ subject: 'cody@soyland.com' })]), 'identity-mismatch');
  });

  it('cosign (CLI, ImageValidatingPolicy): a regexp set next to its exact twin decides alone, the exact value is ignored', () => {
    // The exact subject matches but the regexp does not: cosign rejects.
    assert.equal(match(identity, [exactIdentityRequirement({ subject: 'cody@soyland.com', subjectRegExp: '^nobody$' })]), 'identity-mismatch');
    // The exact subject does not match but the regexp does: cosign accepts.
    assert.equal(match(identity, [exactIdentityRequirement({ subject: 'nobody', subjectRegExp: '@soyland\\.com$' })]), 'pass');
    assert.equal(match(identity, [exactIdentityRequirement({ issuer: 'https://github.com/login/oauth', issuerRegExp: 'google' })]), 'identity-mismatch');
    assert.equal(match(identity, [exactIdentityRequirement({ issuer: 'https://accounts.google.com', issuerRegExp: '^https://github\\.com/' })]), 'pass');
  });

  it('Kyverno type: SigstoreBundle (sigstore-go): exact values, value and regexp must both match, no identity unless both sides are set', () => {
    const req = (k: Parameters<typeof sigstoreBundleRequirement>[0]) => {
      const r = sigstoreBundleRequirement(k);
      return r ? [r] : [];
    };
    const issuer = 'https://github.com/login/oauth';
    assert.equal(match(identity, req({ subject: 'cody@soyland.com', subjectRegExp: 'soyland', issuer })), 'pass');
    assert.equal(match(identity, req({ subject: 'cody@soyland.com', subjectRegExp: '^nobody$', issuer })), 'identity-mismatch');
    assert.equal(match(identity, req({ subject: 'nobody', subjectRegExp: 'soyland', issuer })), 'identity-mismatch');
    assert.equal(match(identity, req({ subject: '*@soyland.com', issuer })), 'identity-mismatch', 'no wildcards on this path');
    assert.equal(match(identity, req({ subject: 'cody@soyland.com', issuer, issuerRegExp: 'google' })), 'identity-mismatch');
    assert.equal(sigstoreBundleRequirement({ subject: 'nobody' }), undefined, 'a subject without an issuer checks nothing');
    assert.equal(sigstoreBundleRequirement({ issuerRegExp: 'x' }), undefined);
  });

  it('matches regexps with Go semantics: unanchored, ASCII classes, no hang on (a+)+$', () => {
    assert.equal(match(identity, [exactIdentityRequirement({ subjectRegExp: 'soyland' })]), 'pass');
    assert.equal(match(identity, [exactIdentityRequirement({ subjectRegExp: '^[[:alpha:]]+@[\\pL.]+$' })]), 'pass');
    assert.equal(match(identity, [exactIdentityRequirement({ subjectRegExp: '^\\x{63}ody@' })]), 'pass');
    assert.equal(match(identity, [exactIdentityRequirement({ subjectRegExp: '(?i:CODY)@' })]), 'pass');
    const many: CertificateIdentity = { ...identity, subjectAlternativeNames: ['a'.repeat(29)] };
    const started = Date.now();
    assert.equal(match(many, [kyvernoKeylessRequirement({ subjectRegExp: '(a+)+$x' })]), 'identity-mismatch');
    assert.ok(Date.now() - started < 1000);
  });

  it('ImageValidatingPolicy / ClusterImagePolicy subjects are exact: wildcards are literal there', () => {
    assert.equal(match(identity, [exactIdentityRequirement({ subject: '*@soyland.com' })]), 'identity-mismatch');
    assert.equal(match(identity, [kyvernoKeylessRequirement({ subject: '*@soyland.com' })]), 'pass');
  });

  it('passes when any listed identity matches and lists every miss otherwise', () => {
    assert.equal(match(identity, [exactIdentityRequirement({ subject: 'a@b' }), exactIdentityRequirement({ subject: 'cody@soyland.com' })]), 'pass');
    const r = matchIdentity(identity, [exactIdentityRequirement({ subject: 'a@b' }), exactIdentityRequirement({ issuer: 'https://accounts.google.com' })]);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.reason, /\(1\) Certificate identity is cody@soyland\.com, policy wants a@b\. \(2\) Certificate OIDC issuer is https:\/\/github\.com\/login\/oauth, policy wants https:\/\/accounts\.google\.com\./);
  });

  it('rejects regexps RE2 would reject, as an invalid policy', () => {
    assert.equal(match(identity, [kyvernoKeylessRequirement({ subjectRegExp: '(a)\\1' })]), 'invalid-policy');
    assert.equal(match(identity, [kyvernoKeylessRequirement({ subjectRegExp: '(?<!x)cody' })]), 'invalid-policy');
    assert.equal(match(identity, [kyvernoKeylessRequirement({ subjectRegExp: '[' })]), 'invalid-policy');
    assert.equal(match(identity, [exactIdentityRequirement({ subjectRegExp: 'a{1001}' })]), 'invalid-policy');
    assert.equal(match(identity, [exactIdentityRequirement({ subjectRegExp: '\\p{Garay}' })]), 'invalid-policy');
    const r = capture(() => {
      matchIdentity(identity, [exactIdentityRequirement({ issuerRegExp: 'x(?=y)' })]);
      return { ok: true as const };
    });
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.reason, /x\(\?=y\) does not compile in Go: error parsing regexp: invalid or unsupported Perl syntax: `\(\?=`/);
  });
});

describe('verify: trust roots', () => {
  it('loads the public-good root from the installed @sigstore/tuf seeds, equal to the fixture copy', () => {
    const root = publicGoodTrustRoot();
    const fixture = loadTrustedRoot(sigstoreFixture('public-good-trusted_root.json'));
    assert.ok(fixture.ok);
    if (!fixture.ok) return;
    assert.equal(root.parts.tlogs.length, fixture.root.parts.tlogs.length);
    assert.deepEqual(root.parts.tlogs.map((t) => t.logID.toString('hex')), fixture.root.parts.tlogs.map((t) => t.logID.toString('hex')));
    assert.ok(root.parts.certificateAuthorities.length >= 2);
    assert.ok(root.parts.ctlogs.length >= 1);
  });

  it('rejects malformed roots with the reason', () => {
    const bad = loadTrustedRoot('{"tlogs": [{"baseUrl": "x", "publicKey": {"rawBytes": "", "validFor": {}}}]}', 'bad.json');
    assert.equal(bad.ok, false);
    if (!bad.ok) {
      assert.equal(bad.code, 'trusted-root-invalid');
      assert.match(bad.reason, /bad\.json is malformed: tlogs\[0\] \(x\) publicKey\.validFor\.start is missing/);
    }
    const notJson = loadTrustedRoot('{', 'broken.json');
    assert.equal(notJson.ok ? 'pass' : notJson.code, 'trusted-root-invalid');
  });

  it('replaces parts with policy PEM material and rejects unusable PEM', () => {
    const rekor = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const r = withPolicyTrust(publicGoodTrustRoot(), { rekorPublicKeys: publicPem(rekor.publicKey) });
    assert.ok(r.ok);
    if (r.ok) {
      assert.equal(r.root.parts.tlogs.length, 1);
      assert.equal(r.root.parts.certificateAuthorities.length, publicGoodTrustRoot().parts.certificateAuthorities.length);
      assert.match(r.root.source, /policy's Rekor keys/);
    }
    const broken = withPolicyTrust(publicGoodTrustRoot(), { certificateAuthorities: '-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----' });
    assert.equal(broken.ok ? 'pass' : broken.code, 'invalid-policy');
  });
});
