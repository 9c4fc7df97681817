// Keyless certificates from a private CA without a registry or cosign: the chain built as cosign builds it, the
// OIDC issuer read as each format's tool reads it, and SANs Go's x509 refuses. Signatures are made in-process the
// way cosign makes them; the registry differential (registry/keylessPrivateCA.test.ts) checks the same against
// the real cosign.
import { strict as assert } from 'node:assert';
import { createHash, sign as signData } from 'node:crypto';
import { X509Certificate } from '@sigstore/core';
import { certificateIdentity, publicGoodTrustRoot, verifyBundle, verifyLegacySignature, withPolicyTrust } from '../../server/src/verify';
import type { IdentityRequirement, LegacyLayer, TrustRoot, VerificationOptions, VerifyOutcome } from '../../server/src/verify';
import { loadTrustedRoot } from '../../server/src/verify/trustRoot';
import { capture } from '../../server/src/verify/result';
import { CAOptions, LeafOptions, makeCA, makeLeaf, TestCA } from './certificates';
import { cosignSign, simpleSigningPayload } from './support';

const DAY = 86_400_000;
const now = Date.now();
const at = (days: number) => new Date(now + days * DAY);
const SAN = 'https://git.corp.example/platform/app/.ci/release.yml@refs/heads/main';
const ISSUER = 'https://oidc.corp.example';
const OTHER = 'https://other-oidc.corp.example';
const digest = `sha256:${'cd'.repeat(32)}`;
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

const ca = (cn: string, from: number, to: number, parent?: TestCA, extra: CAOptions = {}) => makeCA(cn, at(from), { notAfter: at(to), issuer: parent, ...extra });
const root = ca('root', -730, 3000);
const inter = ca('inter', -365, 1800, root);
const otherRoot = ca('otherRoot', -730, 3000);
const otherInter = ca('otherInter', -365, 1800, otherRoot);

const leafOf = (issuer: TestCA, extra: Partial<LeafOptions> = {}) =>
  makeLeaf({ ca: issuer, subjectUri: SAN, oidcIssuer: ISSUER, notBefore: new Date(now - 3600_000), notAfter: at(1), ...extra });

/** What `cosign sign --certificate --certificate-chain` writes onto the `.sig` layer. */
function layer(leaf: ReturnType<typeof makeLeaf>, chain: TestCA[] | undefined): LegacyLayer {
  const payload = simpleSigningPayload(digest);
  return {
    payload,
    annotations: {
      'dev.cosignproject.cosign/signature': cosignSign(leaf.privateKey, payload),
      'dev.sigstore.cosign/certificate': leaf.pem,
      ...(chain ? { 'dev.sigstore.cosign/chain': chain.map((c) => c.pem).join('') } : {}),
    },
  };
}

/** Kyverno `roots`: every certificate is a root. */
function policyRoots(...roots: TestCA[]): TrustRoot {
  const r = withPolicyTrust(publicGoodTrustRoot(), { certificateAuthorities: roots.map((c) => c.pem).join('') });
  if (!r.ok) throw new Error(r.reason);
  return r.root;
}

/** A trusted_root.json whose one CA is `chain` (intermediates…root): the intermediates are configured. */
function trustedRoot(...chain: TestCA[]): TrustRoot {
  return trustedRootValidFor({ start: '2000-01-01T00:00:00Z' }, ...chain);
}

function trustedRootValidFor(validFor: { start: string; end?: string }, ...chain: TestCA[]): TrustRoot {
  const r = loadTrustedRoot({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [], ctlogs: [], timestampAuthorities: [],
    certificateAuthorities: [{ subject: {}, uri: 'https://fulcio.corp.example', certChain: { certificates: chain.map((c) => ({ rawBytes: c.der.toString('base64') })) }, validFor }],
  }, 'private trusted root');
  if (!r.ok) throw new Error(r.reason);
  return r.root;
}

const wants = (issuer = ISSUER): IdentityRequirement => ({ subject: [{ exact: SAN }], issuer: [{ exact: issuer }] });
const options = (trustRoot: TrustRoot, identity = wants()): VerificationOptions => ({ signer: { kind: 'keyless', identities: [identity] }, trustRoot, ignoreTlog: true, ignoreSCT: true });

function pass(outcome: VerifyOutcome<{ notes: string[] }>): string[] {
  assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.code}: ${outcome.reason}`);
  return outcome.ok ? outcome.notes : [];
}

function fail(outcome: VerifyOutcome<object>, code: string, reason?: RegExp): void {
  assert.equal(outcome.ok, false, 'expected a failure');
  if (outcome.ok) return;
  assert.equal(outcome.code, code, outcome.reason);
  if (reason) assert.match(outcome.reason, reason);
}

describe('verify: keyless chains built as cosign builds them (private CA, legacy signatures)', () => {
  it('intermediates come from the chain annotation when none are configured; its last entry is dropped unread', () => {
    const leaf = leafOf(inter);
    const notes = pass(verifyLegacySignature(layer(leaf, [inter, root]), { digest }, options(policyRoots(root))));
    assert.ok(notes.includes('intermediate certificates taken from the signature chain annotation'), notes.join('\n'));
    // cosign drops the last entry whatever it is: a foreign root there changes nothing.
    pass(verifyLegacySignature(layer(leaf, [inter, otherRoot]), { digest }, options(policyRoots(root))));
    // An annotation of one certificate gives no intermediates at all.
    fail(verifyLegacySignature(layer(leaf, [inter]), { digest }, options(policyRoots(root))), 'certificate-untrusted', /does not chain to a certificate authority of .*no intermediates configured and none usable/);
  });

  it("the annotation's own roots never anchor the chain", () => {
    const rogue = leafOf(otherRoot);
    fail(verifyLegacySignature(layer(rogue, [otherRoot]), { digest }, options(policyRoots(root))), 'certificate-untrusted');
    // Even repeated so that it is not the dropped last entry, a foreign root is only an intermediate.
    fail(verifyLegacySignature(layer(rogue, [otherRoot, otherRoot]), { digest }, options(policyRoots(root))), 'certificate-untrusted');
    fail(verifyLegacySignature(layer(leafOf(otherInter), [otherInter, otherRoot]), { digest }, options(policyRoots(root))), 'certificate-untrusted');
  });

  it('configured intermediates win over the annotation (cosign only reads it when none are loaded)', () => {
    const configured = trustedRoot(inter, root);
    pass(verifyLegacySignature(layer(leafOf(inter), [otherInter, otherRoot]), { digest }, options(configured)));
    const sibling = ca('sibling', -365, 1800, root);
    fail(verifyLegacySignature(layer(leafOf(sibling), [sibling, root]), { digest }, options(configured)), 'certificate-untrusted');
    // A trusted root listing only the root leaves the annotation in charge.
    pass(verifyLegacySignature(layer(leafOf(sibling), [sibling, root]), { digest }, options(trustedRoot(root))));
  });

  it("a trusted root's CA counts only if it was valid when the leaf was issued", () => {
    const leaf = leafOf(inter);
    pass(verifyLegacySignature(layer(leaf, [inter, root]), { digest }, options(trustedRootValidFor({ start: at(-10).toISOString() }, inter, root))));
    fail(
      verifyLegacySignature(layer(leaf, [inter, root]), { digest }, options(trustedRootValidFor({ start: at(-10).toISOString(), end: at(-1).toISOString() }, inter, root))),
      'certificate-untrusted',
      /it has no root valid then/,
    );
  });

  it('Kyverno roots are all anchors: an intermediate listed there anchors by itself', () => {
    pass(verifyLegacySignature(layer(leafOf(inter), undefined), { digest }, options(policyRoots(inter))));
  });

  it('the chain is checked at the leaf\'s notBefore; links expired since are reported, not failed', () => {
    const oldRoot = ca('oldRoot', -1000, -1);
    const underOld = ca('underOld', -900, 300, oldRoot);
    const leaf = leafOf(underOld, { notBefore: at(-400), notAfter: at(30) });
    const notes = pass(verifyLegacySignature(layer(leaf, [underOld, oldRoot]), { digest }, options(policyRoots(oldRoot))));
    assert.ok(notes.some((n) => /^root "O=image-trust test, CN=oldRoot" expired on .*after it issued the signing certificate/.test(n)), notes.join('\n'));

    const interGone = ca('interGone', -900, -1, root);
    const notes2 = pass(verifyLegacySignature(layer(makeLeaf({ ca: interGone, subjectUri: SAN, oidcIssuer: ISSUER, notBefore: at(-400), notAfter: at(30) }), [interGone, root]), { digest }, options(policyRoots(root))));
    assert.ok(notes2.some((n) => /^intermediate "O=image-trust test, CN=interGone" expired on/.test(n)), notes2.join('\n'));
  });

  it('a link not valid when the leaf was issued fails as certificate-expired; so does an expired leaf', () => {
    const interBefore = ca('interBefore', -700, -300, root);
    fail(verifyLegacySignature(layer(leafOf(interBefore), [interBefore, root]), { digest }, options(policyRoots(root))), 'certificate-expired', /not valid when the signing certificate was issued .*interBefore/);
    const interAfter = makeCA('interAfter', new Date(now - 1800_000), { notAfter: at(300), issuer: root });
    fail(verifyLegacySignature(layer(leafOf(interAfter), [interAfter, root]), { digest }, options(policyRoots(root))), 'certificate-expired', /interAfter/);
    const expired = leafOf(inter, { notBefore: at(-10), notAfter: at(-1) });
    fail(verifyLegacySignature(layer(expired, [inter, root]), { digest }, options(policyRoots(root))), 'certificate-expired', /was not valid now .*expected a signed timestamp/);
  });

  it('an annotation of certificates that all sign one another is given up after 100 signature checks, as Go does', () => {
    const keys = { privateKey: root.privateKey, publicKey: root.publicKey };
    // Twenty certificates named "loop" with one key: each verifies every other, so paths multiply without end.
    const loop = Array.from({ length: 20 }, () => ca('loop', -365, 1800, undefined, { keys }));
    const leaf = makeLeaf({ ca: loop[0], subjectUri: SAN, oidcIssuer: ISSUER, notBefore: new Date(now - 3600_000), notAfter: at(1) });
    const started = Date.now();
    fail(verifyLegacySignature(layer(leaf, [...loop, otherRoot]), { digest }, options(policyRoots(otherRoot))), 'certificate-untrusted', /within 100 signature checks/);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });

  it('Go path rules: intermediates must be CAs, pathLenConstraint holds, the chain must allow code signing', () => {
    const notCA = ca('notCA', -365, 1800, root, { isCA: false });
    fail(verifyLegacySignature(layer(leafOf(notCA), [notCA, root]), { digest }, options(policyRoots(root))), 'certificate-untrusted', /notCA" is not a CA/);
    const strictRoot = ca('strictRoot', -730, 3000, undefined, { pathLen: 0 });
    const below = ca('below', -365, 1800, strictRoot);
    fail(verifyLegacySignature(layer(leafOf(below), [below, strictRoot]), { digest }, options(policyRoots(strictRoot))), 'certificate-untrusted', /allows 0 intermediates/);
    pass(verifyLegacySignature(layer(leafOf(strictRoot), [strictRoot]), { digest }, options(policyRoots(strictRoot))));
    const tlsOnly = ca('tlsOnly', -365, 1800, root, { eku: [SERVER_AUTH] });
    fail(verifyLegacySignature(layer(leafOf(tlsOnly), [tlsOnly, root]), { digest }, options(policyRoots(root))), 'certificate-untrusted', /code signing/);
    const signing = ca('signing', -365, 1800, root, { eku: [CODE_SIGNING] });
    pass(verifyLegacySignature(layer(leafOf(signing), [signing, root]), { digest }, options(policyRoots(root))));
  });
});

describe('verify: the OIDC issuer as each format\'s tool reads it', () => {
  const cert = (issuers: LeafOptions['issuers']) => X509Certificate.parse(leafOf(root, { issuers }).pem);
  const read = (issuers: LeafOptions['issuers'], reading: 'cosign' | 'sigstore-go') => {
    const r = capture(() => ({ ok: true as const, id: certificateIdentity(cert(issuers), reading) }));
    return r.ok ? [r.id.issuer, r.id.issuerExtension] : [r.code];
  };

  it('cosign / Kyverno (legacy signatures): 1.1 only, empty when absent', () => {
    assert.deepEqual(read({ v1: ISSUER }, 'cosign'), [ISSUER, '1.3.6.1.4.1.57264.1.1']);
    assert.deepEqual(read({ v2: ISSUER }, 'cosign'), ['', undefined]);
    assert.deepEqual(read({ v1: ISSUER, v2: OTHER }, 'cosign'), [ISSUER, '1.3.6.1.4.1.57264.1.1']);
    assert.deepEqual(read({ v1: ISSUER, v2: OTHER, v2First: true }, 'cosign'), [ISSUER, '1.3.6.1.4.1.57264.1.1']);
    assert.deepEqual(read({ v1: ISSUER, v2Raw: OTHER }, 'cosign'), [ISSUER, '1.3.6.1.4.1.57264.1.1'], 'cosign never parses 1.8');
  });

  it('sigstore-go (bundles): the later of 1.1 and 1.8 in the certificate; a 1.8 that is not DER fails', () => {
    assert.deepEqual(read({ v1: ISSUER }, 'sigstore-go'), [ISSUER, '1.3.6.1.4.1.57264.1.1']);
    assert.deepEqual(read({ v2: ISSUER }, 'sigstore-go'), [ISSUER, '1.3.6.1.4.1.57264.1.8']);
    assert.deepEqual(read({ v1: ISSUER, v2: OTHER }, 'sigstore-go'), [OTHER, '1.3.6.1.4.1.57264.1.8']);
    assert.deepEqual(read({ v1: ISSUER, v2: OTHER, v2First: true }, 'sigstore-go'), [ISSUER, '1.3.6.1.4.1.57264.1.1']);
    assert.deepEqual(read({}, 'sigstore-go'), ['', undefined]);
    assert.deepEqual(read({ v1: ISSUER, v2Raw: OTHER }, 'sigstore-go'), ['malformed-signature']);
  });

  it('a legacy signature with only 1.8 fails an issuer requirement and says which extension was read', () => {
    fail(verifyLegacySignature(layer(leafOf(root, { issuers: { v2: ISSUER } }), [root]), { digest }, options(policyRoots(root))), 'identity-mismatch', /OIDC issuer is \(none\), policy wants https:\/\/oidc\.corp\.example\. \(no issuer extension read \(cosign and Kyverno read only 1\.3\.6\.1\.4\.1\.57264\.1\.1/);
    const notes = pass(verifyLegacySignature(layer(leafOf(root, { issuers: { v1: ISSUER, v2: OTHER } }), [root]), { digest }, options(policyRoots(root))));
    assert.match(notes[0], /^issuer read from extension 1\.3\.6\.1\.4\.1\.57264\.1\.1 \(cosign and Kyverno/);
  });

  it('a Sigstore bundle reads the issuer as sigstore-go does (1.8 after 1.1 wins)', () => {
    const artifact = Buffer.from('artifact bytes');
    const bundleFor = (leaf: ReturnType<typeof makeLeaf>) => ({
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: { certificate: { rawBytes: leaf.der.toString('base64') }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
      messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(artifact).digest('base64') }, signature: signData('sha256', artifact, leaf.privateKey).toString('base64') },
    });
    const both = leafOf(root, { issuers: { v1: ISSUER, v2: OTHER } });
    fail(verifyBundle(bundleFor(both), { artifact }, options(policyRoots(root))), 'identity-mismatch', /OIDC issuer is https:\/\/other-oidc\.corp\.example.*extension 1\.3\.6\.1\.4\.1\.57264\.1\.8 \(sigstore-go/);
    const r = verifyBundle(bundleFor(both), { artifact }, options(policyRoots(root), wants(OTHER)));
    assert.ok(r.ok, r.ok ? '' : r.reason);
    assert.equal(r.ok && r.signer.certificate?.issuerExtension, '1.3.6.1.4.1.57264.1.8');
    fail(verifyBundle(bundleFor(leafOf(root, { issuers: { v1: ISSUER, v2Raw: OTHER } })), { artifact }, options(policyRoots(root))), 'malformed-signature', /not a DER string/);
  });
});

describe('verify: subject alternative names Go\'s x509 refuses (issue 15)', () => {
  const identityOf = (sans: LeafOptions['sans']) => {
    const r = capture(() => ({ ok: true as const, id: certificateIdentity(X509Certificate.parse(leafOf(root, { sans }).pem)) }));
    return r.ok ? r.id.subjectAlternativeNames : r;
  };

  it('a non-ASCII byte in a URI, email or DNS name rejects the certificate instead of being read as ASCII', () => {
    for (const [kind, value, byte] of [['uri', 'h\xF4\xF4p://git.corp.example/app', 'f4'], ['email', 'bot@corp.ex\xE1mple', 'e1'], ['dns', 'corp.ex\xE1mple', 'e1']] as const) {
      const r = identityOf([{ kind, value: Buffer.from(value, 'latin1') }]);
      assert.ok(!Array.isArray(r) && !r.ok, `${kind}: ${JSON.stringify(r)}`);
      if (!Array.isArray(r) && !r.ok) {
        assert.equal(r.code, 'malformed-signature');
        assert.match(r.reason, new RegExp(`non-ASCII byte 0x${byte}`));
      }
    }
    assert.deepEqual(identityOf([{ kind: 'uri', value: 'http://git.corp.example/app' }]), ['http://git.corp.example/app']);
  });

  it('an IP address SAN of another length than 4 or 16 bytes rejects the certificate', () => {
    const r = identityOf([{ kind: 'ip', value: Buffer.from([10, 0, 0, 1, 7]) }]);
    assert.ok(!Array.isArray(r) && !r.ok && /IP address .* 5 bytes/.test(r.reason), JSON.stringify(r));
    assert.deepEqual(identityOf([{ kind: 'ip', value: Buffer.from([10, 0, 0, 1]) }]), ['10.0.0.1']);
  });

  it('end to end: the signature of such a certificate fails, where it used to match the ASCII reading', () => {
    const leaf = leafOf(root, { sans: [{ kind: 'uri', value: Buffer.from('h\xF4\xF4p://git.corp.example/app', 'latin1') }] });
    const o = { ...options(policyRoots(root)), signer: { kind: 'keyless' as const, identities: [{ subject: [{ exact: 'http://git.corp.example/app' }] }] } };
    fail(verifyLegacySignature(layer(leaf, [root]), { digest }, o), 'malformed-signature', /URI subject alternative name holds the non-ASCII byte 0xf4/);
  });
});
