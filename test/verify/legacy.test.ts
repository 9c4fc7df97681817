// Legacy cosign `.sig` / `.att` layers: real cosign 2.5.0 output, the mock keyless fixture, keys of every
// algorithm made here, tampered variants, and our own Rekor SETs.
import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import { publicGoodTrustRoot, loadTrustedRoot, verifyLegacyAttestation, verifyLegacySignature, withPolicyTrust } from '../../server/src/verify';
import type { LegacyLayer, TrustRoot, VerificationOptions, VerifyOutcome } from '../../server/src/verify';
import { cosignSign, legacyLayer, makeSetAnnotation, publicPem, sigstoreFixture, simpleSigningPayload } from './support';

function expectFail(outcome: VerifyOutcome<object>, code: string, reasonPart?: RegExp): void {
  assert.equal(outcome.ok, false, 'expected a failure');
  if (outcome.ok) return;
  assert.equal(outcome.code, code, outcome.reason);
  if (reasonPart) assert.match(outcome.reason, reasonPart);
}

function expectPass(outcome: VerifyOutcome<object>): void {
  assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.code}: ${outcome.reason}`);
}

describe('verify: legacy cosign signatures (real cosign 2.5.0 output)', () => {
  const H = 'harness-cosign-2.5.0/';
  const digest = sigstoreFixture(`${H}image-digest.txt`).trim();
  const cosignPub = sigstoreFixture(`${H}cosign.pub`);
  const otherPub = sigstoreFixture(`${H}other.pub`);
  const sigLayer: LegacyLayer = { payload: sigstoreFixture(`${H}sig-layer.json`), annotations: JSON.parse(sigstoreFixture(`${H}sig-manifest.json`)).layers[0].annotations };
  const keyOpts = (publicKey: string): VerificationOptions => ({ signer: { kind: 'key', publicKey }, ignoreTlog: true });

  it('the image digest fixture is the sha256 of the image manifest', () => {
    assert.equal(`sha256:${crypto.createHash('sha256').update(sigstoreFixture(`${H}image-manifest.json`)).digest('hex')}`, digest);
  });

  it('verifies with cosign.pub and returns the payload', () => {
    const r = verifyLegacySignature(sigLayer, { digest }, keyOpts(cosignPub));
    expectPass(r);
    if (!r.ok) return;
    assert.equal(r.payload.dockerManifestDigest, digest);
    assert.equal(r.signer.kind, 'key');
    assert.equal(r.signer.keyAlgorithm, 'ECDSA P-256');
    assert.ok(r.checked.some((c) => /transparency log not checked/.test(c)));
  });

  it('fails with other.pub: signed by another key', () => {
    expectFail(verifyLegacySignature(sigLayer, { digest }, keyOpts(otherPub)), 'signature-mismatch', /policy key \(ECDSA P-256\): signed by another key/);
  });

  it('fails for another image digest: the payload names a different digest', () => {
    const other = `sha256:${'0'.repeat(64)}`;
    expectFail(verifyLegacySignature(sigLayer, { digest: other }, keyOpts(cosignPub)), 'digest-mismatch', new RegExp(`different digest \\(${digest}\\)`));
  });

  it('needs a transparency-log entry unless the policy ignores the log', () => {
    expectFail(verifyLegacySignature(sigLayer, { digest }, { signer: { kind: 'key', publicKey: cosignPub } }), 'tlog-missing', /does not ignore the log/);
  });

  it('rejects a payload with one byte flipped', () => {
    const text = sigLayer.payload as string;
    const flipped = text.replace('"optional":null', '"optional":nulL');
    assert.notEqual(flipped, text);
    expectFail(verifyLegacySignature({ ...sigLayer, payload: flipped }, { digest }, keyOpts(cosignPub)), 'signature-mismatch');
  });

  it('rejects a truncated signature', () => {
    const sig = sigLayer.annotations['dev.cosignproject.cosign/signature'];
    const truncated = Buffer.from(sig, 'base64').subarray(0, 40).toString('base64');
    expectFail(verifyLegacySignature(legacyLayer(sigLayer.payload as string, truncated), { digest }, keyOpts(cosignPub)), 'signature-mismatch');
  });

  it('rejects a payload whose digest was swapped for the image digest', () => {
    const original = JSON.parse(sigLayer.payload as string).critical.image['docker-manifest-digest'];
    const other = `sha256:${'1'.repeat(64)}`;
    const swapped = (sigLayer.payload as string).replace(original, other);
    expectFail(verifyLegacySignature({ ...sigLayer, payload: swapped }, { digest: other }, keyOpts(cosignPub)), 'signature-mismatch');
  });

  it('rejects a missing or non-base64 signature annotation', () => {
    expectFail(verifyLegacySignature({ payload: sigLayer.payload, annotations: {} }, { digest }, keyOpts(cosignPub)), 'malformed-signature', /no dev\.cosignproject\.cosign\/signature/);
    expectFail(verifyLegacySignature(legacyLayer(sigLayer.payload as string, 'not base64!'), { digest }, keyOpts(cosignPub)), 'malformed-signature', /not valid base64/);
  });

  it('rejects an unusable policy key', () => {
    expectFail(verifyLegacySignature(sigLayer, { digest }, keyOpts('not a key')), 'invalid-policy');
  });

  it('verifies the .att DSSE attestation and returns its statement', () => {
    const att: LegacyLayer = { payload: sigstoreFixture(`${H}att-layer.json`), annotations: JSON.parse(sigstoreFixture(`${H}att-manifest.json`)).layers[0].annotations };
    const r = verifyLegacyAttestation(att, { digest, predicateType: 'https://example.com/harness/v1' }, keyOpts(cosignPub));
    expectPass(r);
    if (r.ok) assert.deepEqual(r.statement.predicate, { builder: 'harness', ok: true });
    expectFail(verifyLegacyAttestation(att, { digest, predicateType: 'https://slsa.dev/provenance/v1' }, keyOpts(cosignPub)), 'predicate-type-mismatch', /policy wants https:\/\/slsa\.dev/);
    expectFail(verifyLegacyAttestation(att, { digest: `sha256:${'2'.repeat(64)}` }, keyOpts(cosignPub)), 'digest-mismatch', /No in-toto subject/);
    expectFail(verifyLegacyAttestation(att, { digest }, keyOpts(otherPub)), 'signature-mismatch');
  });
});

describe('verify: keys of each algorithm, signed here the way cosign signs', () => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  const payload = simpleSigningPayload(digest);
  const cases: [string, crypto.KeyPairKeyObjectResult, string | null][] = [
    ['ECDSA P-256', crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }), 'sha256'],
    ['ECDSA P-384', crypto.generateKeyPairSync('ec', { namedCurve: 'secp384r1' }), 'sha256'],
    ['ECDSA P-521', crypto.generateKeyPairSync('ec', { namedCurve: 'secp521r1' }), 'sha256'],
    ['RSA 2048', crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }), 'sha256'],
    ['Ed25519', crypto.generateKeyPairSync('ed25519'), null],
  ];
  for (const [name, pair, hash] of cases) {
    it(`${name}: verifies, and fails with another key of the same kind`, () => {
      const layer = legacyLayer(payload, cosignSign(pair.privateKey, payload, hash));
      const r = verifyLegacySignature(layer, { digest }, { signer: { kind: 'key', publicKey: publicPem(pair.publicKey) }, ignoreTlog: true });
      expectPass(r);
      if (r.ok) assert.equal(r.signer.keyAlgorithm, name);
      const other = cases.find(([n]) => n !== name)![1];
      expectFail(verifyLegacySignature(layer, { digest }, { signer: { kind: 'key', publicKey: publicPem(other.publicKey) }, ignoreTlog: true }), 'signature-mismatch');
    });
  }

  it('honours the policy hash (Kyverno signatureAlgorithm): sha384 signatures need sha384', () => {
    const pair = crypto.generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const layer = legacyLayer(payload, cosignSign(pair.privateKey, payload, 'sha384'));
    const pem = publicPem(pair.publicKey);
    expectFail(verifyLegacySignature(layer, { digest }, { signer: { kind: 'key', publicKey: pem }, ignoreTlog: true }), 'signature-mismatch');
    expectPass(verifyLegacySignature(layer, { digest }, { signer: { kind: 'key', publicKey: pem, hashAlgorithm: 'sha384' }, ignoreTlog: true }));
  });

  it('does not accept RSA-PSS signatures (cosign verify checks PKCS#1 v1.5)', () => {
    const pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pss = crypto.sign('sha256', Buffer.from(payload), { key: pair.privateKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING }).toString('base64');
    expectFail(verifyLegacySignature(legacyLayer(payload, pss), { digest }, { signer: { kind: 'key', publicKey: publicPem(pair.publicKey) }, ignoreTlog: true }), 'signature-mismatch');
  });

  it('checks required annotations in the optional map', () => {
    const pair = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const annotated = simpleSigningPayload(digest, 'registry.test/demo/app', { env: 'prod', team: 'a' });
    const layer = legacyLayer(annotated, cosignSign(pair.privateKey, annotated));
    const opts: VerificationOptions = { signer: { kind: 'key', publicKey: publicPem(pair.publicKey) }, ignoreTlog: true };
    expectPass(verifyLegacySignature(layer, { digest, annotations: { env: 'prod' } }, opts));
    expectFail(verifyLegacySignature(layer, { digest, annotations: { env: 'dev' } }, opts), 'annotation-mismatch', /env=dev is required/);
    expectFail(verifyLegacySignature(layer, { digest, annotations: { owner: 'x' } }, opts), 'annotation-mismatch', /owner absent/);
  });

  it('checks critical.type and, when asked, the docker-reference', () => {
    const pair = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const opts: VerificationOptions = { signer: { kind: 'key', publicKey: publicPem(pair.publicKey) }, ignoreTlog: true };
    const atomic = payload.replace('cosign container image signature', 'atomic container signature');
    expectFail(verifyLegacySignature(legacyLayer(atomic, cosignSign(pair.privateKey, atomic)), { digest }, opts), 'wrong-payload-type');
    const layer = legacyLayer(payload, cosignSign(pair.privateKey, payload));
    expectPass(verifyLegacySignature(layer, { digest, dockerReference: 'registry.test/demo/app' }, opts));
    expectFail(verifyLegacySignature(layer, { digest, dockerReference: 'registry.test/other' }, opts), 'digest-mismatch', /docker-reference/);
  });
});

describe('verify: legacy signatures with a Rekor SET (our own log key)', () => {
  const digest = `sha256:${'cd'.repeat(32)}`;
  const payload = simpleSigningPayload(digest);
  const signer = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const rekor = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const signature = cosignSign(signer.privateKey, payload);
  const trust = (() => {
    const r = withPolicyTrust(publicGoodTrustRoot(), { rekorPublicKeys: publicPem(rekor.publicKey) });
    if (!r.ok) throw new Error(r.reason);
    return r.root;
  })();
  const opts: VerificationOptions = { signer: { kind: 'key', publicKey: publicPem(signer.publicKey) }, trustRoot: trust };
  const withSet = (set: string) => legacyLayer(payload, signature, { 'dev.sigstore.cosign/bundle': set });

  it('verifies the SET against the policy Rekor key and reports the integrated time', () => {
    const r = verifyLegacySignature(withSet(makeSetAnnotation({ payload, signature, entryKeyPem: publicPem(signer.publicKey), rekorKey: rekor.privateKey })), { digest }, opts);
    expectPass(r);
    if (r.ok) assert.equal(r.integratedTime?.getTime(), 1700000000 * 1000);
  });

  it('fails when the SET was altered (integrated time changed)', () => {
    const set = JSON.parse(makeSetAnnotation({ payload, signature, entryKeyPem: publicPem(signer.publicKey), rekorKey: rekor.privateKey }));
    set.Payload.integratedTime += 1;
    expectFail(verifyLegacySignature(withSet(JSON.stringify(set)), { digest }, opts), 'tlog-invalid', /SET/);
  });

  it('fails when the SET comes from a log the policy does not trust', () => {
    const stranger = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expectFail(verifyLegacySignature(withSet(makeSetAnnotation({ payload, signature, entryKeyPem: publicPem(signer.publicKey), rekorKey: stranger.privateKey })), { digest }, opts), 'tlog-invalid');
  });

  it('fails when the log entry records another key (cosign comparePublicKey)', () => {
    const other = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expectFail(verifyLegacySignature(withSet(makeSetAnnotation({ payload, signature, entryKeyPem: publicPem(other.publicKey), rekorKey: rekor.privateKey })), { digest }, opts), 'key-mismatch', /records another key/);
  });

  it('fails when the log entry is for another signature', () => {
    const otherSig = cosignSign(signer.privateKey, simpleSigningPayload(`sha256:${'ef'.repeat(32)}`));
    expectFail(verifyLegacySignature(withSet(makeSetAnnotation({ payload, signature: otherSig, entryKeyPem: publicPem(signer.publicKey), rekorKey: rekor.privateKey })), { digest }, opts), 'tlog-invalid', /does not describe this signature/);
  });
});

describe('verify: mock keyless legacy signature (@sigstore/mock CA, CT log, Rekor)', () => {
  const M = 'mock-keyless/';
  const SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
  const ISSUER = 'https://token.actions.githubusercontent.com';
  const digest = `sha256:${'ab'.repeat(32)}`;
  const annotations: Record<string, string> = JSON.parse(sigstoreFixture(`${M}legacy-annotations.json`));
  const layer: LegacyLayer = { payload: sigstoreFixture(`${M}payload.json`), annotations };
  let trust: TrustRoot;
  before(() => {
    const loaded = loadTrustedRoot(sigstoreFixture(`${M}trusted_root.json`), 'mock trusted root');
    if (!loaded.ok) throw new Error(loaded.reason);
    trust = loaded.root;
  });
  const keyless = (subject: string, issuer = ISSUER): VerificationOptions => ({
    signer: { kind: 'keyless', identities: [{ subject: [{ exact: subject }], issuer: [{ exact: issuer }] }] },
    trustRoot: trust,
  });

  it('passes with the right identity, reporting the certificate and what was checked', () => {
    const r = verifyLegacySignature(layer, { digest }, keyless(SAN));
    expectPass(r);
    if (!r.ok) return;
    assert.deepEqual(r.signer.certificate?.subjectAlternativeNames, [SAN]);
    assert.equal(r.signer.certificate?.issuer, ISSUER);
    assert.ok(r.checked.some((c) => /SCT/.test(c)));
    assert.ok(r.checked.some((c) => /transparency-log entry verified/.test(c)));
  });

  it('fails for another subject or issuer, naming both', () => {
    expectFail(verifyLegacySignature(layer, { digest }, keyless(`${SAN}x`)), 'identity-mismatch', /Certificate identity is https:\/\/github\.com\/acme.*policy wants/);
    expectFail(verifyLegacySignature(layer, { digest }, keyless(SAN, 'https://accounts.google.com')), 'identity-mismatch', /issuer is https:\/\/token/);
  });

  it('fails against the public-good root: the mock CA is not trusted there', () => {
    expectFail(verifyLegacySignature(layer, { digest }, { ...keyless(SAN), trustRoot: publicGoodTrustRoot() }), 'certificate-untrusted');
  });

  it('fails when the SET integrated time is changed', () => {
    const set = JSON.parse(annotations['dev.sigstore.cosign/bundle']);
    set.Payload.integratedTime += 60;
    expectFail(verifyLegacySignature({ ...layer, annotations: { ...annotations, 'dev.sigstore.cosign/bundle': JSON.stringify(set) } }, { digest }, keyless(SAN)), 'tlog-invalid');
  });

  it('ignoring the log, the 10-minute certificate must be valid now (it is not), or at the given time', () => {
    const opts = { ...keyless(SAN), ignoreTlog: true };
    expectFail(verifyLegacySignature(layer, { digest }, { ...opts, now: new Date('2027-01-01T00:00:00Z') }), 'certificate-expired', /valid now/);
    const cert = new crypto.X509Certificate(annotations['dev.sigstore.cosign/certificate']);
    const during = new Date(new Date(cert.validFrom).getTime() + 60_000);
    expectPass(verifyLegacySignature(layer, { digest }, { ...opts, now: during }));
  });

  it('a key policy rejects the certificate-signed layer unless the key is the certificate key', () => {
    const other = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expectFail(verifyLegacySignature(layer, { digest }, { signer: { kind: 'key', publicKey: publicPem(other.publicKey) }, ignoreTlog: true }), 'key-mismatch', /certificate holds a different key/);
    const certKey = new crypto.X509Certificate(annotations['dev.sigstore.cosign/certificate']).publicKey;
    expectPass(verifyLegacySignature(layer, { digest }, { signer: { kind: 'key', publicKey: publicPem(certKey) }, ignoreTlog: true }));
  });

  it('a certificate policy with the chain verifies the same layer; another certificate fails', () => {
    const certificate = annotations['dev.sigstore.cosign/certificate'];
    const certificateChain = annotations['dev.sigstore.cosign/chain'];
    expectPass(verifyLegacySignature(layer, { digest }, { signer: { kind: 'certificate', certificate, certificateChain }, trustRoot: trust }));
    expectPass(verifyLegacySignature(layer, { digest }, { signer: { kind: 'certificate', certificate }, ignoreTlog: true }));
    expectFail(verifyLegacySignature(layer, { digest }, { signer: { kind: 'certificate', certificate: certificateChain.split(/(?<=-----END CERTIFICATE-----)/)[0] }, ignoreTlog: true }), 'key-mismatch');
  });

  it('a keyless policy fails on a key-signed layer', () => {
    const H = 'harness-cosign-2.5.0/';
    const sigLayer: LegacyLayer = { payload: sigstoreFixture(`${H}sig-layer.json`), annotations: JSON.parse(sigstoreFixture(`${H}sig-manifest.json`)).layers[0].annotations };
    expectFail(verifyLegacySignature(sigLayer, { digest: sigstoreFixture(`${H}image-digest.txt`).trim() }, keyless(SAN)), 'key-mismatch', /no certificate but the policy is keyless/);
  });
});
