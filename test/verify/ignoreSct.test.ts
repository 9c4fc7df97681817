// ctlog.ignoreSCT / cosign --insecure-ignore-sct: SCTs are not looked at, whatever log issued them, while the
// certificate chain, its validity, the Rekor entry, the signature and the identity are still checked. Without
// the flag a certificate needs an SCT that verifies against a trusted CT log.
import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import { loadTrustedRoot, publicGoodTrustRoot, verifyLegacySignature, withPolicyTrust } from '../../server/src/verify';
import type { LegacyLayer, TrustRoot, VerificationOptions, VerifyOutcome } from '../../server/src/verify';
import { makeCA, makeCTLog, makeLeaf, TestCA } from './certificates';
import { cosignSign, makeSetAnnotation, publicPem, sigstoreFixture, simpleSigningPayload } from './support';

function expectFail(outcome: VerifyOutcome<object>, code: string, reasonPart?: RegExp): void {
  assert.equal(outcome.ok, false, 'expected a failure');
  if (outcome.ok) return;
  assert.equal(outcome.code, code, outcome.reason);
  if (reasonPart) assert.match(outcome.reason, reasonPart);
}

function expectPass(outcome: VerifyOutcome<object>): void {
  assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.code}: ${outcome.reason}`);
}

const SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const keyless = (trustRoot: TrustRoot, ignoreSCT: boolean, extra: Partial<VerificationOptions> = {}): VerificationOptions => ({
  signer: { kind: 'keyless', identities: [{ subject: [{ exact: SAN }], issuer: [{ exact: ISSUER }] }] },
  trustRoot,
  ignoreSCT,
  ...extra,
});
const NO_SCT = /carries no signed certificate timestamp \(SCT\) and the policy does not ignore SCTs/;
const UNKNOWN_LOG_SCT = /The certificate's SCT does not verify against the CT log keys of/;
const NOT_CHECKED = 'signed certificate timestamp (SCT) not checked (the policy ignores it)';

describe('verify: ignoreSCT with the mock keyless signature (mock Fulcio, CT log and Rekor)', () => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  const annotations: Record<string, string> = JSON.parse(sigstoreFixture('mock-keyless/legacy-annotations.json'));
  const layer: LegacyLayer = { payload: sigstoreFixture('mock-keyless/payload.json'), annotations };
  const rootJson = JSON.parse(sigstoreFixture('mock-keyless/trusted_root.json'));
  const load = (json: unknown, source: string): TrustRoot => {
    const loaded = loadTrustedRoot(json, source);
    if (!loaded.ok) throw new Error(loaded.reason);
    return loaded.root;
  };
  const full = load(rootJson, 'mock trusted root');
  // The same root without its CT log: the certificate's SCT now comes from a log nobody trusts.
  const noCtLog = load({ ...rootJson, ctlogs: [] }, 'mock trusted root without CT logs');

  it('control: with the CT log trusted the signature verifies and the SCT is reported verified', () => {
    const r = verifyLegacySignature(layer, { digest }, keyless(full, false));
    expectPass(r);
    assert.ok(r.ok && r.checked.includes('signed certificate timestamp (SCT) verified'));
  });

  it('ignoreSCT=true: an SCT from an unknown CT log is not looked at; chain, Rekor entry and identity verify', () => {
    const r = verifyLegacySignature(layer, { digest }, keyless(noCtLog, true));
    expectPass(r);
    if (!r.ok) return;
    assert.deepEqual(r.signer.certificate?.subjectAlternativeNames, [SAN]);
    assert.equal(r.signer.kind, 'certificate');
    assert.ok(r.checked.includes(NOT_CHECKED), r.checked.join('\n'));
    assert.ok(r.checked.some((c) => /transparency-log entry verified/.test(c)));
    assert.ok(r.checked.some((c) => /certificate chains to mock trusted root without CT logs and was valid when signed/.test(c)));
  });

  it('ignoreSCT=false: the same signature fails, naming the SCT', () => {
    expectFail(verifyLegacySignature(layer, { digest }, keyless(noCtLog, false)), 'sct-invalid', /SCT does not verify against the CT log keys of mock trusted root without CT logs\./);
  });

  it('ignoreSCT=true still needs the certificate to chain to a trusted CA', () => {
    const publicGoodCtOnly = { ...publicGoodTrustRoot(), parts: { ...publicGoodTrustRoot().parts, tlogs: noCtLog.parts.tlogs } };
    expectFail(verifyLegacySignature(layer, { digest }, keyless(publicGoodCtOnly, true)), 'certificate-untrusted', /does not chain to a certificate authority/);
  });

  it('ignoreSCT=true still checks the identity, the Rekor entry and the signature', () => {
    expectFail(verifyLegacySignature(layer, { digest }, { ...keyless(noCtLog, true), signer: { kind: 'keyless', identities: [{ subject: [{ exact: `${SAN}x` }], issuer: [{ exact: ISSUER }] }] } }), 'identity-mismatch');
    const otherRekor = { ...noCtLog, parts: { ...noCtLog.parts, tlogs: publicGoodTrustRoot().parts.tlogs } };
    expectFail(verifyLegacySignature(layer, { digest }, keyless(otherRekor, true)), 'tlog-invalid');
    const forged = { ...layer, payload: sigstoreFixture('mock-keyless/payload.json').replace('ab', 'ba') };
    const r = verifyLegacySignature(forged, { digest }, keyless(noCtLog, true));
    assert.equal(r.ok, false, 'a changed payload must fail');
  });
});

describe('verify: ignoreSCT with certificates issued here (with and without an embedded SCT)', () => {
  const ca: TestCA = makeCA();
  const ctLog = makeCTLog();
  const rekor = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const notBefore = new Date('2026-03-01T12:00:00Z');
  const notAfter = new Date('2026-03-01T12:10:00Z');
  const signedAt = Math.floor(notBefore.getTime() / 1000) + 120;
  const digest = `sha256:${'cd'.repeat(32)}`;
  const payload = simpleSigningPayload(digest);
  // Kyverno keyless with `roots` and `rekor.pubkey`: the public-good CT logs stay, and they do not know ctLog.
  const policyTrust = (() => {
    const r = withPolicyTrust(publicGoodTrustRoot(), { certificateAuthorities: ca.pem, rekorPublicKeys: publicPem(rekor.publicKey) });
    if (!r.ok) throw new Error(r.reason);
    return r.root;
  })();
  const withTrustedCtLog = (() => {
    const r = withPolicyTrust(publicGoodTrustRoot(), { certificateAuthorities: ca.pem, rekorPublicKeys: publicPem(rekor.publicKey), ctlogPublicKeys: ctLog.publicPem });
    if (!r.ok) throw new Error(r.reason);
    return r.root;
  })();

  /** A `.sig` layer signed by a fresh leaf of `issuer`, logged in our Rekor at `signedAt`. */
  function signedLayer(withSct: boolean, issuer: TestCA = ca): LegacyLayer {
    const leaf = makeLeaf({ ca: issuer, subjectUri: SAN, oidcIssuer: ISSUER, notBefore, notAfter, sctFrom: withSct ? ctLog : undefined });
    const signature = cosignSign(leaf.privateKey, payload);
    return {
      payload,
      annotations: {
        'dev.cosignproject.cosign/signature': signature,
        'dev.sigstore.cosign/certificate': leaf.pem,
        'dev.sigstore.cosign/chain': issuer.pem,
        'dev.sigstore.cosign/bundle': makeSetAnnotation({ payload, signature, entryKeyPem: leaf.pem, rekorKey: rekor.privateKey, integratedTime: signedAt }),
      },
    };
  }
  const withSct = signedLayer(true);
  const withoutSct = signedLayer(false);

  it('control: the embedded SCT is well formed — it verifies once its CT log is trusted', () => {
    const r = verifyLegacySignature(withSct, { digest }, keyless(withTrustedCtLog, false));
    expectPass(r);
    assert.ok(r.ok && r.checked.includes('signed certificate timestamp (SCT) verified'));
  });

  it('ignoreSCT=true with an SCT from an unknown CT log: verified', () => {
    const r = verifyLegacySignature(withSct, { digest }, keyless(policyTrust, true));
    expectPass(r);
    assert.ok(r.ok && r.checked.includes(NOT_CHECKED));
  });

  it('ignoreSCT=false with an SCT from an unknown CT log: fails with the SCT reason', () => {
    expectFail(verifyLegacySignature(withSct, { digest }, keyless(policyTrust, false)), 'sct-invalid', UNKNOWN_LOG_SCT);
  });

  it('ignoreSCT=true with no SCT at all: verified', () => {
    const r = verifyLegacySignature(withoutSct, { digest }, keyless(policyTrust, true));
    expectPass(r);
    assert.ok(r.ok && r.checked.includes(NOT_CHECKED));
  });

  it('ignoreSCT=false with no SCT: fails, saying the certificate has none (even when a CT log is trusted)', () => {
    expectFail(verifyLegacySignature(withoutSct, { digest }, keyless(policyTrust, false)), 'sct-invalid', NO_SCT);
    expectFail(verifyLegacySignature(withoutSct, { digest }, keyless(withTrustedCtLog, false)), 'sct-invalid', NO_SCT);
  });

  it('ignoreSCT=true without the log: the certificate must be valid now (expired here) and is then verified', () => {
    const opts = (now: Date) => keyless(policyTrust, true, { ignoreTlog: true, now });
    expectFail(verifyLegacySignature(withSct, { digest }, opts(new Date(notAfter.getTime() + 60_000))), 'certificate-expired', /was not valid now/);
    expectPass(verifyLegacySignature(withSct, { digest }, opts(new Date(notBefore.getTime() + 60_000))));
    expectPass(verifyLegacySignature(withoutSct, { digest }, opts(new Date(notBefore.getTime() + 60_000))));
  });

  it('ignoreSCT=true does not trust a certificate from another CA', () => {
    const rogue = makeCA('rogue CA');
    for (const sct of [true, false]) {
      expectFail(verifyLegacySignature(signedLayer(sct, rogue), { digest }, keyless(policyTrust, true)), 'certificate-untrusted', /does not chain to a certificate authority/);
    }
  });

  it('ignoreSCT=true does not accept a signature made by another key than the certificate\'s', () => {
    const other = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const forged = { ...withoutSct, annotations: { ...withoutSct.annotations, 'dev.cosignproject.cosign/signature': cosignSign(other.privateKey, payload) } };
    const r = verifyLegacySignature(forged, { digest }, keyless(policyTrust, true, { ignoreTlog: true, now: new Date(notBefore.getTime() + 60_000) }));
    expectFail(r, 'signature-mismatch');
  });

  it('ignoreSCT applies to a policy certificate with its chain too (cosign --certificate-chain --insecure-ignore-sct)', () => {
    const leafPem = withSct.annotations['dev.sigstore.cosign/certificate'];
    const cert = (ignoreSCT: boolean): VerificationOptions => ({ signer: { kind: 'certificate', certificate: leafPem, certificateChain: ca.pem }, trustRoot: policyTrust, ignoreSCT });
    expectPass(verifyLegacySignature(withSct, { digest }, cert(true)));
    expectFail(verifyLegacySignature(withSct, { digest }, cert(false)), 'sct-invalid', UNKNOWN_LOG_SCT);
  });
});
