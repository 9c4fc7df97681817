// `cosign verify-blob` on the existing engine: a file checked against a Sigstore bundle (v0.1–v0.3, message
// signature or DSSE), cosign's own `--bundle` JSON, or a detached signature with a certificate or a key. A detached
// signature carries no log proof: the caller looks its Rekor entries up (rekorClient.ts) and hands them in, or says
// why it could not; then they are verified like a bundle's (SET, inclusion proof, checkpoint, body). Pure: no
// network, no file system.
import { createHash } from 'node:crypto';
import { bundleFromJSON, Bundle } from '@sigstore/bundle';
import { verifyBundle } from '../bundle';
import { runVerification, SignerDetails, SignerPolicy, VerificationOptions } from '../engine';
import { exactIdentityRequirement } from '../identity';
import { abort, capture, failure, VerifyFailure, VerifyOutcome } from '../result';
import { publicGoodTrustRoot, TrustRoot, withPolicyTrust } from '../trustRoot';
import { certificateDers, certificatePem, decodeSignatureFile, isCosignLocalBundle, parseCosignLocalBundle } from './material';
import { checkProofMatchesCheckpoint, checkUuid, entryClaims, RekorEntry, toBundleTlogEntry } from './rekorEntries';

export interface BlobInputs {
  /** The file's bytes. */
  artifact: Buffer;
  /** `--bundle`: a Sigstore bundle or cosign's pre-Sigstore bundle JSON. */
  bundle?: string | Buffer;
  /** `--signature`: the detached signature file (base64 text or raw bytes). */
  signature?: string | Buffer;
  /** `--certificate`: PEM or base64 of PEM (Kubernetes `.cert` files). */
  certificate?: string | Buffer;
  /** `--certificate-chain`: the certificate's issuers up to the root (PEM); they replace the trusted CAs. */
  certificateChain?: string | Buffer;
  /** `--key`: a PEM public key. */
  key?: string;
  /** Transparency-log entries found for a detached signature (Rekor search by the artifact's hash). */
  tlogEntries?: RekorEntry[];
  /** Why no entry could be looked up ("offline", "Rekor at … is unreachable: …"), for a detached signature. */
  tlogUnavailable?: string;
}

export interface BlobPolicy {
  /** `--certificate-identity[-regexp]`, `--certificate-oidc-issuer[-regexp]`: exact strings are exact, regexps RE2 unanchored. */
  identity?: { subject?: string; subjectRegExp?: string; issuer?: string; issuerRegExp?: string };
  trustRoot?: TrustRoot;
  /** `--insecure-ignore-tlog`. */
  ignoreTlog?: boolean;
  /** `--insecure-ignore-sct`. */
  ignoreSCT?: boolean;
  now?: Date;
}

export interface TlogProof {
  logIndex: number;
  integratedTime?: Date;
  /** hex SHA-256 of the log key. */
  logID: string;
  /** What was verified: `SET`, `inclusion proof`, both. */
  verified: string[];
}

export interface BlobVerified {
  /** What the signature came as. */
  material: 'sigstore-bundle' | 'cosign-bundle' | 'detached';
  content: 'message-signature' | 'dsse';
  signer: SignerDetails;
  tlog?: TlogProof;
  /** sha256 of the file, hex. */
  sha256: string;
  checked: string[];
}

export function verifyBlob(inputs: BlobInputs, policy: BlobPolicy): VerifyOutcome<BlobVerified> {
  return capture(() => {
    const sha256 = createHash('sha256').update(inputs.artifact).digest('hex');
    const trustRoot = trustFor(inputs, policy);
    const options: VerificationOptions = { signer: signerFor(inputs, policy), trustRoot, ignoreTlog: policy.ignoreTlog, ignoreSCT: policy.ignoreSCT, now: policy.now };
    if (inputs.bundle !== undefined) {
      const json = parseJson(inputs.bundle);
      if (!isCosignLocalBundle(json)) return verifySigstoreBundle(json, inputs, options, sha256);
      const local = parseCosignLocalBundle(json as Record<string, unknown>);
      const certificate = inputs.certificate ?? local.certificatePem;
      // Its own log entry when it has one; else what was looked up for the file, as for a detached signature.
      const tlogEntries = local.rekorEntry ? [local.rekorEntry] : inputs.tlogEntries;
      return verifyDetached({ ...inputs, bundle: undefined, signature: local.signature.toString('base64'), certificate, tlogEntries }, options, sha256, 'cosign-bundle');
    }
    if (inputs.signature === undefined) abort('invalid-policy', 'Nothing to verify with: give a bundle, or a detached signature with a certificate or a key.');
    return verifyDetached(inputs, options, sha256, 'detached');
  });
}

function signerFor(inputs: BlobInputs, policy: BlobPolicy): SignerPolicy {
  if (inputs.key !== undefined) return { kind: 'key', publicKey: inputs.key };
  const id = policy.identity;
  const constrained = !!(id && (id.subject || id.subjectRegExp || id.issuer || id.issuerRegExp));
  return { kind: 'keyless', identities: constrained ? [exactIdentityRequirement(id!)] : [] };
}

function trustFor(inputs: BlobInputs, policy: BlobPolicy): TrustRoot {
  const base = policy.trustRoot ?? publicGoodTrustRoot();
  if (inputs.certificateChain === undefined) return base;
  const chain = certificatePem(inputs.certificateChain, 'certificate chain');
  const replaced = withPolicyTrust(base, { certificateAuthorities: chain });
  if (!replaced.ok) abort(replaced.code, replaced.reason);
  return { ...replaced.root, source: `${base.source} with the given certificate chain as its certificate authorities` };
}

function verifySigstoreBundle(json: unknown, inputs: BlobInputs, options: VerificationOptions, sha256: string): VerifyOutcome<BlobVerified> {
  if (inputs.signature !== undefined || inputs.certificate !== undefined) abort('invalid-policy', 'A Sigstore bundle carries its own signature and certificate: give either the bundle or a detached signature, not both.');
  const result = verifyBundle(json, { artifact: inputs.artifact }, options);
  if (!result.ok) return result;
  let tlog: TlogProof | undefined;
  if (!options.ignoreTlog) {
    const entry = bundleFromJSON(json).verificationMaterial.tlogEntries[0];
    if (entry) tlog = tlogProofOf(entry, result.integratedTime);
  }
  return { ok: true, material: 'sigstore-bundle', content: result.content, signer: result.signer, tlog, sha256, checked: result.checked };
}

type BundleTlogEntry = Bundle['verificationMaterial']['tlogEntries'][number];

function tlogProofOf(entry: BundleTlogEntry, integratedTime: Date | undefined): TlogProof {
  const verified = [entry.inclusionPromise ? 'signed entry timestamp' : '', entry.inclusionProof ? 'inclusion proof and checkpoint' : ''].filter(Boolean);
  return { logIndex: Number(entry.logIndex), integratedTime, logID: Buffer.from(entry.logId.keyId).toString('hex'), verified };
}

function verifyDetached(inputs: BlobInputs, options: VerificationOptions, sha256: string, material: BlobVerified['material']): VerifyOutcome<BlobVerified> {
  const signature = decodeSignatureFile(inputs.signature!);
  const certPem = inputs.certificate === undefined ? undefined : certificatePem(inputs.certificate, 'certificate');
  if (!certPem && options.signer.kind !== 'key') abort('invalid-policy', 'A detached signature needs the signing certificate (--certificate) or a public key (--key) to be verified.');

  const base = {
    verificationMaterial: {
      ...(certPem ? { x509CertificateChain: { certificates: certificateDers(certPem).slice(0, 1).map((der) => ({ rawBytes: der.toString('base64') })) } } : { publicKey: { hint: '' } }),
      tlogEntries: [] as Record<string, unknown>[],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: Buffer.from(sha256, 'hex').toString('base64') }, signature: signature.toString('base64') },
  };

  if (options.ignoreTlog) {
    const result = runVerification(toBundle({ mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1', ...base }), inputs.artifact, options, { legacy: false });
    return { ok: true, material, content: 'message-signature', signer: result.signer, sha256, checked: [...result.checked, 'the file matches the signed digest'] };
  }

  // A signature that does not verify, or a key that is not the signer's, is the telling reason whatever the log
  // holds (a tampered file has no entry because its hash changed). Other findings need the entry's time: wait for it.
  const withoutLog = capture(() => {
    runVerification(toBundle({ mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1', ...base }), inputs.artifact, { ...options, ignoreTlog: true }, { legacy: false });
    return { ok: true };
  });
  if (!withoutLog.ok && (withoutLog.code === 'signature-mismatch' || withoutLog.code === 'key-mismatch')) return withoutLog;

  const entries = inputs.tlogEntries ?? [];
  if (entries.length === 0) {
    abort('tlog-missing', inputs.tlogUnavailable
      ? `The transparency log could not be checked (${inputs.tlogUnavailable}), so the signature is not accepted. Verify online, or pass --insecure-ignore-tlog to skip the log knowingly.`
      : `The transparency log has no entry for this file (sha256:${sha256}): the signature was never logged (signed with --tlog-upload=false?), or it was logged in another log. Pass --insecure-ignore-tlog to skip the log knowingly.`);
  }
  // Entries for this file signed by someone else are normal (several signers): the one for this signature counts.
  const failures: VerifyFailure[] = [];
  for (const entry of rankEntries(entries, signature)) {
    const outcome = capture(() => {
      checkUuid(entry);
      checkEntryIsForThisFile(entry, sha256);
      if (certPem) checkEntryCertificate(entry, certificateDers(certPem)[0]);
      checkProofMatchesCheckpoint(entry);
      const tlogEntry = toBundleTlogEntry(entry);
      const mediaType = tlogEntry.inclusionProof ? 'application/vnd.dev.sigstore.bundle+json;version=0.2' : 'application/vnd.dev.sigstore.bundle+json;version=0.1';
      if (!tlogEntry.inclusionProof && !tlogEntry.inclusionPromise) abort('tlog-invalid', `Transparency-log entry ${entry.logIndex} has neither a signed entry timestamp nor an inclusion proof.`);
      const bundle = toBundle({ mediaType, ...base, verificationMaterial: { ...base.verificationMaterial, tlogEntries: [tlogEntry] } });
      const result = runVerification(bundle, inputs.artifact, options, { legacy: false });
      const tlog = tlogProofOf(bundle.verificationMaterial.tlogEntries[0], result.integratedTime);
      return { ok: true as const, material, content: 'message-signature' as const, signer: result.signer, tlog, sha256, checked: [...result.checked, 'the file matches the signed digest and the log entry'] };
    });
    if (outcome.ok) return outcome;
    failures.push(outcome);
  }
  return mostTelling(failures, entries.length);
}

/** The log answered a search by this file's hash; an entry recording another hash is not about this file. */
function checkEntryIsForThisFile(entry: RekorEntry, sha256: string): void {
  const claims = entryClaims(entry);
  if (claims.kind !== 'hashedrekord') abort('tlog-invalid', `Transparency-log entry ${entry.logIndex} is a ${claims.kind || 'unknown'} entry, not the hashedrekord a detached signature is logged as.`);
  const recorded = claims.hash?.value?.toLowerCase();
  if (claims.hash?.algorithm !== 'sha256' || recorded !== sha256) {
    abort('tlog-invalid', `Transparency-log entry ${entry.logIndex} is for another file (${claims.hash?.algorithm ?? 'no hash'}:${recorded ?? ''}), not this one (sha256:${sha256}).`);
  }
}

/**
 * cosign compares the certificate recorded in the entry with the one given, not only its key: a certificate
 * re-issued for the same key (another identity, another validity) is not the one that was logged.
 */
function checkEntryCertificate(entry: RekorEntry, leafDer: Buffer): void {
  const recorded = entryClaims(entry).publicKey;
  if (!recorded) return;
  const text = Buffer.from(recorded, 'base64').toString('utf8');
  if (!text.includes('-----BEGIN CERTIFICATE')) return; // a key: the engine compares it with the signer's
  const ders = certificateDers(text);
  if (!ders[0]?.equals(leafDer)) {
    abort('tlog-invalid', `Transparency-log entry ${entry.logIndex} records another certificate than the given one (the same key may have been certified again, for another identity or time).`);
  }
}

/** Entries recording this very signature first: the others can only fail. */
function rankEntries(entries: RekorEntry[], signature: Buffer): RekorEntry[] {
  const recordsSignature = (e: RekorEntry) => {
    try {
      return entryClaims(e).signature === signature.toString('base64');
    } catch {
      return false;
    }
  };
  return [...entries.filter(recordsSignature), ...entries.filter((e) => !recordsSignature(e))];
}

/** With several entries failing, the first one that records this signature explains best. */
function mostTelling(failures: VerifyFailure[], count: number): VerifyFailure {
  const first = failures[0];
  return count === 1 ? first : failure(first.code, `${first.reason} (${count} log entries were found for this file; none verifies.)`);
}

function parseJson(input: string | Buffer): unknown {
  try {
    return JSON.parse(Buffer.isBuffer(input) ? input.toString('utf8') : input);
  } catch (e) {
    return abort('malformed-signature', `The bundle is not JSON: ${(e as Error).message}.`);
  }
}

function toBundle(json: unknown): Bundle {
  try {
    return bundleFromJSON(json);
  } catch (e) {
    return abort('malformed-signature', `The signature material does not form a valid bundle: ${(e as Error).message}.`);
  }
}
