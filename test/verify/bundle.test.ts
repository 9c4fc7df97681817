// Sigstore bundles: cosign's real keyless OCI attestation, the cosign 2.5.0 key-signed v0.3 referrer, the mock
// keyless bundle, and identity near-misses. Identity matching is ours: `cody@soyland.com` is not a regexp.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kyvernoKeylessRequirement, loadTrustedRoot, verifyBundle, verifyBundleAttestation } from '../../server/src/verify';
import type { IdentityRequirement, VerificationOptions, VerifyOutcome } from '../../server/src/verify';
import { CONFORMANCE_DIR } from './conformanceCases';
import { sigstoreFixture } from './support';

function outcomeCode(o: VerifyOutcome<object>): string {
  return o.ok ? 'pass' : o.code;
}

describe('verify: cosign keyless OCI attestation bundle (real, public-good)', () => {
  const bundle = sigstoreFixture('cosign-testdata/oci-attestation.sigstore.json');
  const digest = 'sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4';
  const predicateType = 'https://cosign.sigstore.dev/attestation/v1';
  const keyless = (...identities: IdentityRequirement[]): VerificationOptions => ({ signer: { kind: 'keyless', identities } });
  const cody = { subject: [{ exact: 'cody@soyland.com' }], issuer: [{ exact: 'https://github.com/login/oauth' }] };

  it('passes with the right identity and returns the statement', () => {
    const r = verifyBundleAttestation(bundle, { digest, predicateType }, keyless(cody));
    assert.ok(r.ok, r.ok ? '' : r.reason);
    if (!r.ok) return;
    assert.equal(r.statement.predicateType, predicateType);
    assert.deepEqual(r.signer.certificate?.subjectAlternativeNames, ['cody@soyland.com']);
    assert.equal(r.integratedTime?.toISOString(), '2025-02-28T19:18:11.000Z');
  });

  it('passes with cosign testdata trusted_root_pgi.json as the root as well', () => {
    const root = loadTrustedRoot(sigstoreFixture('cosign-testdata/trusted_root_pgi.json'), 'trusted_root_pgi.json');
    assert.ok(root.ok);
    if (root.ok) assert.equal(outcomeCode(verifyBundleAttestation(bundle, { digest }, { ...keyless(cody), trustRoot: root.root })), 'pass');
  });

  it('fails with a wrong identity, saying which identity it has', () => {
    const r = verifyBundleAttestation(bundle, { digest }, keyless({ subject: [{ exact: 'someone@example.com' }] }));
    assert.equal(outcomeCode(r), 'identity-mismatch');
    if (!r.ok) assert.equal(r.reason, 'Certificate identity is cody@soyland.com, policy wants someone@example.com.');
  });

  it('near misses fail: exact and Kyverno wildcard subjects are anchored and literal', () => {
    const near = ['xcody@soyland.com', 'cody@soyland.com.evil', 'xcody@soyland.com.evil', 'cody.soyland.com', 'CODY@soyland.com', 'cody@soyland'];
    for (const subject of near) {
      assert.equal(outcomeCode(verifyBundleAttestation(bundle, { digest }, keyless({ subject: [{ exact: subject }] }))), 'identity-mismatch', subject);
      assert.equal(outcomeCode(verifyBundleAttestation(bundle, { digest }, keyless(kyvernoKeylessRequirement({ subject })))), 'identity-mismatch', subject);
    }
    // go-wildcard: `?` is one character, `*` any run; everything else is literal.
    assert.equal(outcomeCode(verifyBundleAttestation(bundle, { digest }, keyless(kyvernoKeylessRequirement({ subject: 'cody?soyland.com' })))), 'pass');
    assert.equal(outcomeCode(verifyBundleAttestation(bundle, { digest }, keyless(kyvernoKeylessRequirement({ subject: '*@soyland.com', issuer: 'https://github.com/*' })))), 'pass');
    assert.equal(outcomeCode(verifyBundleAttestation(bundle, { digest }, keyless(kyvernoKeylessRequirement({ subject: '*@soyland.com', issuer: 'https://accounts.google.com' })))), 'identity-mismatch');
  });

  it('regexp subjects are unanchored RE2, as in Go regexp.MatchString', () => {
    const withRegexp = (subjectRegExp: string) => outcomeCode(verifyBundleAttestation(bundle, { digest }, keyless(kyvernoKeylessRequirement({ subjectRegExp }))));
    assert.equal(withRegexp('soyland'), 'pass');
    assert.equal(withRegexp('^cody@soyland\\.com$'), 'pass');
    assert.equal(withRegexp('^xcody@soyland\\.com$'), 'identity-mismatch');
    assert.equal(withRegexp('(?=cody)'), 'invalid-policy');
  });

  it('fails for another image digest or another predicate type', () => {
    assert.equal(outcomeCode(verifyBundleAttestation(bundle, { digest: `sha256:${'0'.repeat(64)}` }, keyless(cody))), 'digest-mismatch');
    assert.equal(outcomeCode(verifyBundleAttestation(bundle, { digest, predicateType: 'https://slsa.dev/provenance/v1' }, keyless(cody))), 'predicate-type-mismatch');
  });

  it('fails when the DSSE payload is tampered', () => {
    const json = JSON.parse(bundle);
    const statement = JSON.parse(Buffer.from(json.dsseEnvelope.payload, 'base64').toString());
    statement.predicate.Data = 'tampered';
    json.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    const tampered = JSON.stringify(json);
    // The log entry records the original payload hash…
    assert.equal(outcomeCode(verifyBundleAttestation(tampered, { digest }, keyless(cody))), 'tlog-invalid');
    // …and without the log (certificate checked at a time it was valid) the signature itself fails.
    const during = new Date('2025-02-28T19:20:00Z');
    assert.equal(outcomeCode(verifyBundleAttestation(tampered, { digest }, { ...keyless(cody), ignoreTlog: true, now: during })), 'signature-mismatch');
    assert.equal(outcomeCode(verifyBundleAttestation(bundle, { digest }, { ...keyless(cody), ignoreTlog: true, now: during })), 'pass');
    assert.equal(outcomeCode(verifyBundleAttestation(bundle, { digest }, { ...keyless(cody), ignoreTlog: true })), 'certificate-expired');
  });

  it('ignoreSCT drops the SCT requirement (the public-good certificate has a valid one anyway)', () => {
    assert.equal(outcomeCode(verifyBundleAttestation(bundle, { digest }, { ...keyless(cody), ignoreSCT: true })), 'pass');
  });
});

describe('verify: cosign 2.5.0 key-signed v0.3 bundle referrer (no tlog)', () => {
  const H = 'harness-cosign-2.5.0/';
  const bundle = sigstoreFixture(`${H}bundle.sigstore.json`);
  const digest = sigstoreFixture(`${H}image-digest.txt`).trim();
  const key = (file: string, ignoreTlog = true): VerificationOptions => ({ signer: { kind: 'key', publicKey: sigstoreFixture(`${H}${file}`) }, ignoreTlog });

  it('passes with cosign.pub when the policy ignores the log', () => {
    const r = verifyBundleAttestation(bundle, { digest, predicateType: 'https://example.com/harness/v1' }, key('cosign.pub'));
    assert.ok(r.ok, r.ok ? '' : r.reason);
  });

  it('fails with other.pub, without ignoring the log, and for another digest', () => {
    assert.equal(outcomeCode(verifyBundleAttestation(bundle, { digest }, key('other.pub'))), 'signature-mismatch');
    assert.equal(outcomeCode(verifyBundleAttestation(bundle, { digest }, key('cosign.pub', false))), 'tlog-missing');
    assert.equal(outcomeCode(verifyBundleAttestation(bundle, { digest: `sha256:${'3'.repeat(64)}` }, key('cosign.pub'))), 'digest-mismatch');
  });
});

describe('verify: mock keyless message-signature bundle', () => {
  const M = 'mock-keyless/';
  const SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
  const root = loadTrustedRoot(sigstoreFixture(`${M}trusted_root.json`), 'mock root');
  const opts = (subject: string): VerificationOptions => ({
    signer: { kind: 'keyless', identities: [{ subject: [{ exact: subject }], issuer: [{ exact: 'https://token.actions.githubusercontent.com' }] }] },
    trustRoot: root.ok ? root.root : undefined,
  });
  const bundle = sigstoreFixture(`${M}bundle.json`);
  const artifact = sigstoreFixture(`${M}payload.json`);

  it('passes with its identity; fails with another SAN and with a changed payload', () => {
    assert.equal(outcomeCode(verifyBundle(bundle, { artifact }, opts(SAN))), 'pass');
    assert.equal(outcomeCode(verifyBundle(bundle, { artifact }, opts(SAN.replace('main', 'dev')))), 'identity-mismatch');
    assert.equal(outcomeCode(verifyBundle(bundle, { artifact: artifact.replace('abab', 'abac') }, opts(SAN))), 'digest-mismatch');
  });
});

describe('verify: Fulcio extensions from a real GitHub Actions certificate (additionalExtensions)', () => {
  const dir = path.join(CONFORMANCE_DIR, 'happy-path-v0.3');
  const bundle = fs.readFileSync(path.join(dir, 'bundle.sigstore.json'), 'utf8');
  const artifact = fs.readFileSync(path.join(CONFORMANCE_DIR, 'a.txt'));
  const run = (additionalExtensions: Record<string, string>) =>
    verifyBundle(bundle, { artifact }, { signer: { kind: 'keyless', identities: [kyvernoKeylessRequirement({ issuer: 'https://token.actions.githubusercontent.com', additionalExtensions })] } });

  it('reads the extensions and matches them with go-wildcard', () => {
    const r = run({ githubWorkflowRepository: 'sigstore-conformance/extremely-dangerous-public-oidc-beacon', githubWorkflowTrigger: 'workflow_dispatch', githubWorkflowRef: 'refs/heads/*' });
    assert.ok(r.ok, r.ok ? '' : r.reason);
    if (r.ok) {
      assert.equal(r.signer.certificate?.extensions.githubWorkflowSha, 'c7b3dfb335f051e1c86bda4c716fac97df62ad81');
      assert.equal(r.signer.certificate?.extensions.githubWorkflowName, 'Extremely dangerous OIDC beacon');
      assert.equal(r.signer.certificate?.extensions.sourceRepositoryVisibilityAtSigning, 'public');
    }
  });

  it('fails on a different value, naming the extension', () => {
    const r = run({ githubWorkflowTrigger: 'push' });
    assert.equal(outcomeCode(r), 'identity-mismatch');
    if (!r.ok) assert.match(r.reason, /githubWorkflowTrigger is workflow_dispatch, policy wants push/);
    assert.equal(outcomeCode(run({ '1.3.6.1.4.1.57264.1.3': 'c7b3dfb335f051e1c86bda4c716fac97df62ad81' })), 'pass');
    assert.equal(outcomeCode(run({ notAnExtension: 'x' })), 'invalid-policy');
  });

  it('fails, as Kyverno does, on extensions past 1.6 even when the certificate holds a matching value', () => {
    // The certificate carries sourceRepositoryVisibilityAtSigning (1.22) = public, but Kyverno's
    // extractCertExtensionValue only knows 1.1–1.6 and fails verification on any other key.
    for (const key of ['sourceRepositoryVisibilityAtSigning', '1.3.6.1.4.1.57264.1.22', 'issuer']) {
      const r = run({ [key]: '*' });
      assert.equal(outcomeCode(r), 'invalid-policy', key);
      if (!r.ok) assert.match(r.reason, /Kyverno rejects the certificate extension/);
    }
    assert.equal(outcomeCode(run({ oidcIssuer: 'https://token.actions.githubusercontent.com', '1.3.6.1.4.1.57264.1.6': 'refs/heads/*' })), 'pass');
  });
});
