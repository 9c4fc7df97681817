// Runs @sigstore/verify on a bundle (native, or converted from legacy cosign annotations) with the checks a
// cosign/Kyverno policy asks for, and explains its errors. @sigstore/verify does the trust work — certificate
// chains, SCTs, Rekor SETs, inclusion proofs, checkpoints, RFC 3161 timestamps; we choose thresholds, the key,
// the hash, and we do the identity and key-equality checks it does not do the way cosign does.
import { createPublicKey, KeyObject, X509Certificate as NodeX509Certificate } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import { dsse, X509Certificate } from '@sigstore/core';
import { HashAlgorithm as ProtoHash } from '@sigstore/protobuf-specs';
import { toSignedEntity, Verifier, VerificationError, PolicyError } from '@sigstore/verify';
import type { SignedEntity, TrustMaterial } from '@sigstore/verify';
// Not re-exported by the package index; the same chain check Verifier runs for certificates (pinned version).
import { verifyCertificateChain } from '@sigstore/verify/dist/key/certificate';
import { verifySCTs } from '@sigstore/verify/dist/key/sct';
import { buildCosignPath, ChainMaterial, chainMaterial, expiredSince } from './cosignChain';
import { certificateIdentity, checkRequirements, CertificateIdentity, IdentityRequirement, matchIdentity } from './identity';
import { describeKey, HashAlgorithm, naturalHash, policyPublicKey, sameKey, verifyRaw } from './keys';
import { abort, VerifyAbort, VerifyCode, VerifyFailure } from './result';
import { certificatesFromPem, publicGoodTrustRoot, TrustRoot } from './trustRoot';

/** Who must have signed. */
export type SignerPolicy =
  /** A public key (cosign `--key`, Kyverno `keys`). */
  | { kind: 'key'; publicKey: string | KeyObject; hashAlgorithm?: HashAlgorithm }
  /**
   * A certificate named by the policy (Kyverno `certificates`): without a chain only its key counts (as in
   * Kyverno); with a chain (leaf's issuers up to the root) the certificate must also chain to it.
   */
  | { kind: 'certificate'; certificate: string; certificateChain?: string; hashAlgorithm?: HashAlgorithm }
  /** The signature's own certificate, chained to the trust root's CAs, with one of these identities (empty = any). */
  | { kind: 'keyless'; identities?: IdentityRequirement[]; hashAlgorithm?: HashAlgorithm };

export interface VerificationOptions {
  signer: SignerPolicy;
  /** CAs, Rekor/CT log keys and TSAs; default: the Sigstore public-good trusted root shipped with @sigstore/tuf. */
  trustRoot?: TrustRoot;
  /** Kyverno `rekor.ignoreTlog`, cosign `--insecure-ignore-tlog`: no transparency-log proof needed (or checked). */
  ignoreTlog?: boolean;
  /** Kyverno `ctlog.ignoreSCT`, cosign `--insecure-ignore-sct`: no certificate transparency proof needed. */
  ignoreSCT?: boolean;
  /** The time certificates must be valid at when nothing signed says when the signature was made. Default: now. */
  now?: Date;
}

export interface SignerDetails {
  kind: 'key' | 'certificate';
  /** e.g. `ECDSA P-256`, `RSA 4096`, `Ed25519`. */
  keyAlgorithm: string;
  /** The signing certificate's identity (certificate and keyless policies, or when the signature carries one). */
  certificate?: CertificateIdentity;
  /** Which `identities[]` entry matched (keyless). */
  identityIndex?: number;
}

export interface EngineSuccess {
  signer: SignerDetails;
  /** Rekor's integrated time, when a verified entry has one. */
  integratedTime?: Date;
  /** What was verified, in words, for hovers and reports. */
  checked: string[];
  /** What a user should know even when verification passes (where the issuer was read, links expired since). */
  notes: string[];
}

/** How the signed content is checked: the bytes fed to the signature check and the hash cosign would use. */
export interface ContentHashing {
  /** Legacy cosign: the policy's hash (default sha256) for both payloads and DSSE. Bundles: their own. */
  legacy: boolean;
  /** Bytes an RFC 3161 timestamp is over when they are not the raw signature (legacy attestations: the envelope). */
  timestampedBytes?: Buffer;
}

export function runVerification(bundle: Bundle, artifact: Buffer | undefined, options: VerificationOptions, hashing: ContentHashing): EngineSuccess {
  const trust = options.trustRoot ?? publicGoodTrustRoot();
  const signer = options.signer;
  if (signer.kind === 'keyless') checkRequirements(signer.identities ?? []);
  const policyKey = signer.kind === 'key' ? policyPublicKey(signer.publicKey) : undefined;
  const policyCert = signer.kind === 'certificate' ? certificatesFromPem(signer.certificate, 'policy certificate')[0] : undefined;
  const chainMode = signer.kind === 'keyless' || (signer.kind === 'certificate' && !!signer.certificateChain?.trim());
  const fixedKey = policyKey ?? (policyCert && !chainMode ? policyPublicKey(certKey(policyCert)) : undefined);

  let entity: SignedEntity;
  try {
    entity = toSignedEntity(bundle, artifact);
  } catch (e) {
    return abort('malformed-signature', `The signature material cannot be read: ${(e as Error).message}.`);
  }
  const embeddedCert = entity.key.$case === 'certificate' ? entity.key.certificate : undefined;
  const checked: string[] = [];
  const notes: string[] = [];

  // Key selection, as cosign does it.
  let material: TrustMaterial;
  if (fixedKey) {
    if (embeddedCert && !sameKey(certKey(embeddedCert), fixedKey)) {
      abort('key-mismatch', `The signature's certificate holds a different key (${describeKey(certKey(embeddedCert))}) than the one the policy names: signed by another key.`);
    }
    entity = { ...entity, key: { $case: 'public-key', hint: 'policy' } };
    material = { ...trust.parts, publicKey: () => ({ publicKey: fixedKey, validFor: () => true }) };
  } else if (signer.kind === 'certificate') {
    // Only the policy's certificate may sign; it must chain to the policy's chain.
    if (embeddedCert && !sameKey(certKey(embeddedCert), certKey(policyCert!))) {
      abort('key-mismatch', "The signature's certificate is not the certificate the policy names: signed by another key.");
    }
    const chain = certificatesFromPem(signer.certificateChain!, 'policy certificate chain');
    entity = { ...entity, key: { $case: 'certificate', certificate: policyCert! } };
    material = { ...trust.parts, certificateAuthorities: [{ certChain: chain, validFor: { start: new Date(0), end: new Date(8640000000000000) } }], publicKey: noKeys };
  } else {
    if (!embeddedCert) {
      abort('key-mismatch', 'The signature has no certificate but the policy is keyless: it was signed with a key (use a keys attestor) or the certificate annotation is missing.');
    }
    material = { ...trust.parts, publicKey: noKeys };
  }

  // Transparency log: dropped entirely when ignored (cosign does not look at it then); required otherwise.
  if (options.ignoreTlog) {
    entity = { ...entity, tlogEntries: [], timestamps: entity.timestamps.filter((t) => t.$case !== 'transparency-log') };
    checked.push('transparency log not checked (the policy ignores it)');
  } else if (entity.tlogEntries.length === 0) {
    abort(
      'tlog-missing',
      hashing.legacy
        ? 'No transparency-log entry and the policy does not ignore the log: the signature has no dev.sigstore.cosign/bundle annotation (signed with --tlog-upload=false?). cosign would search Rekor online; offline it fails. Set ignoreTlog if the signer never uploads.'
        : 'No transparency-log entry in the bundle and the policy does not ignore the log.',
    );
  }
  // RFC 3161 timestamps only count when some TSA is trusted (cosign ignores them otherwise).
  if (material.timestampAuthorities.length === 0) entity = { ...entity, timestamps: entity.timestamps.filter((t) => t.$case !== 'timestamp-authority') };

  const usesCertificate = entity.key.$case === 'certificate';
  let verificationTime: Date | undefined;
  if (usesCertificate && entity.timestamps.length === 0 && options.ignoreTlog) {
    // Nothing signed says when the signature was made: the certificate must be valid now (sigstore-go
    // WithCurrentTime; cosign: "expected a signed timestamp to verify an expired certificate").
    verificationTime = options.now ?? new Date();
    entity = { ...entity, timestamps: [currentTime(verificationTime)] };
  }

  entity = { ...entity, signature: hashAwareContent(bundle, entity, artifact, signer.hashAlgorithm, hashing) };
  const signingCert = entity.key.$case === 'certificate' ? entity.key.certificate : undefined;
  // Read before any crypto: a certificate Go's x509 refuses (a non-ASCII SAN…) never verifies in cosign either.
  const signingIdentity = signingCert ? certificateIdentity(signingCert, hashing.legacy ? 'cosign' : 'sigstore-go') : undefined;
  let chainChecks = 0;
  let cosignPath: CosignPath | undefined;
  const explainCtx = { trust, fixedKey, cert: signingCert, verificationTime };
  if (signingCert && hashing.legacy && (signer.kind === 'keyless' || signer.kind === 'certificate')) {
    try {
      const cosign = signer.kind === 'keyless'
        ? { chain: chainMaterial(material.certificateAuthorities, signatureChain(bundle).slice(1), signingCert.notBefore), expiryCert: signingCert, source: trust.source }
        : { chain: policyChainMaterial(material.certificateAuthorities), expiryCert: embeddedCert, source: 'the policy certificate chain' };
      ({ entity, material, path: cosignPath } = withCosignChain(entity, material, signingCert, { ...cosign, ignoreSCT: options.ignoreSCT, verificationTime }));
    } catch (e) {
      throw new VerifyAbort(explain(e, explainCtx));
    }
  } else if (signingCert && options.ignoreSCT) {
    ({ entity, material } = withoutSctCheck(entity, material, signingCert, () => chainChecks++));
  }
  const verifier = new Verifier(material, {
    tlogThreshold: options.ignoreTlog ? 0 : 1,
    ctlogThreshold: usesCertificate && !options.ignoreSCT ? 1 : 0,
    // At least one timestamp for certificates: the chain is checked at each of them.
    timestampThreshold: usesCertificate ? 1 : 0,
  });

  let key: KeyObject;
  try {
    key = verifier.verify(entity).key;
    // Defence in depth: the SCT-free path must have checked the chain (the timestamp threshold guarantees it).
    if (signingCert && !cosignPath && options.ignoreSCT && chainChecks === 0) abort('certificate-untrusted', 'The signing certificate chain could not be checked: no time to check it at.');
  } catch (e) {
    throw new VerifyAbort(explain(e, explainCtx));
  }

  if (!options.ignoreTlog) {
    checkLogEntryKeys(entity, key);
    checked.push(`transparency-log entry verified against ${trust.source}`);
  }
  const integratedTime = entity.tlogEntries.map((t) => Number(t.integratedTime)).find((t) => t > 0);

  const details: SignerDetails = { kind: usesCertificate ? 'certificate' : 'key', keyAlgorithm: describeKey(key) };
  if (usesCertificate) {
    details.certificate = signingIdentity!;
    if (cosignPath) {
      checked.push(describeCosignPath(cosignPath, trust.source, verificationTime));
      notes.push(...cosignPathNotes(cosignPath, options.now ?? new Date()));
    } else {
      checked.push(`certificate chains to ${signer.kind === 'certificate' ? 'the policy certificate chain' : trust.source}${verificationTime ? ` and is valid now (${verificationTime.toISOString()})` : ' and was valid when signed'}`);
    }
    checked.push(options.ignoreSCT ? 'signed certificate timestamp (SCT) not checked (the policy ignores it)' : 'signed certificate timestamp (SCT) verified');
    if (signer.kind === 'keyless') {
      const matched = matchIdentity(details.certificate, signer.identities ?? []);
      if (!matched.ok) throw new VerifyAbort(/OIDC issuer/.test(matched.reason) ? { ...matched, reason: `${matched.reason} (${issuerSource(details.certificate, hashing.legacy)})` } : matched);
      if (matched.index >= 0) details.identityIndex = matched.index;
      checked.push(matched.index >= 0 ? `certificate identity ${details.certificate.subjectAlternativeNames.join(', ')} (issuer ${details.certificate.issuer || 'none'}) matches the policy` : 'no identity constraint in the policy');
      notes.unshift(issuerSource(details.certificate, hashing.legacy));
    }
  } else if (embeddedCert) {
    details.certificate = certificateIdentity(embeddedCert, hashing.legacy ? 'cosign' : 'sigstore-go');
  }
  checked.unshift(`signature verified with ${fixedKey ? 'the policy key' : 'the certificate key'} (${details.keyAlgorithm})`);
  return { signer: details, integratedTime: integratedTime ? new Date(integratedTime * 1000) : undefined, checked, notes };
}

/**
 * cosign's --insecure-ignore-sct (Kyverno `ctlog.ignoreSCT`) does not look at SCTs at all, but the library's
 * certificate path verifies every embedded SCT even with a zero threshold, so one from a CT log outside the trust
 * material would fail. Here the certificate is presented as a key whose validity check is the same chain
 * verification the library does, run at every verified timestamp; the signature is then checked with its key.
 */
function withoutSctCheck(entity: SignedEntity, material: TrustMaterial, leaf: X509Certificate, onChainVerified: () => void): { entity: SignedEntity; material: TrustMaterial } {
  const authorities = material.certificateAuthorities;
  const publicKey = certKey(leaf);
  return {
    entity: { ...entity, key: { $case: 'public-key', hint: 'signing certificate' } },
    material: {
      ...material,
      publicKey: () => ({
        publicKey,
        validFor: (at: Date) => {
          verifyCertificateChain(at, leaf, authorities); // throws CERTIFICATE_ERROR as the certificate path would
          onChainVerified();
          return true;
        },
      }),
    },
  };
}

interface CosignPath {
  certificates: X509Certificate[];
  intermediatesFrom: ChainMaterial['intermediatesFrom'];
  /** Whether a certificate's validity was held against the signing time (not when only the policy names one). */
  expiryChecked: boolean;
}

/**
 * Legacy signatures with a certificate: the chain is built and checked as cosign does it (cosignChain.ts), the SCT
 * is checked against the issuer found on that path, and the library then sees the certificate as a key that is
 * valid at a timestamp when the signature's own certificate is (cosign CheckExpiry; with a policy certificate and
 * a signature that carries none, cosign checks no expiry at all), so it still verifies the signature, the log
 * entry and the times.
 */
function withCosignChain(
  entity: SignedEntity, material: TrustMaterial, leaf: X509Certificate,
  opts: { chain: ChainMaterial; expiryCert?: X509Certificate; source: string; ignoreSCT?: boolean; verificationTime?: Date },
): { entity: SignedEntity; material: TrustMaterial; path: CosignPath } {
  const { chain, expiryCert, verificationTime } = opts;
  const certificates = buildCosignPath(leaf, chain, opts.source);
  if (!opts.ignoreSCT) {
    const scts = certificates.length > 1 ? verifySCTs(leaf, certificates[1], material.ctlogs) : [];
    if (scts.length === 0) throw new VerificationError({ code: 'CERTIFICATE_ERROR', message: 'expected 1 SCTs, got 0' });
  }
  const publicKey = certKey(leaf);
  const validFor = (at: Date) => {
    if (!expiryCert || (expiryCert.notBefore <= at && at <= expiryCert.notAfter)) return true;
    const when = verificationTime ? `now (${at.toISOString()}), and no transparency-log entry or signed timestamp says it was used while valid (cosign: "expected a signed timestamp to verify an expired certificate")` : `when the signature was logged or timestamped (${at.toISOString()})`;
    throw new VerifyAbort({ ok: false, code: 'certificate-expired', reason: `The signing certificate (valid ${expiryCert.notBefore.toISOString()} to ${expiryCert.notAfter.toISOString()}) was not valid ${when}.` });
  };
  return {
    entity: { ...entity, key: { $case: 'public-key', hint: 'signing certificate' } },
    material: { ...material, publicKey: () => ({ publicKey, validFor }) },
    path: { certificates, intermediatesFrom: chain.intermediatesFrom, expiryChecked: !!expiryCert },
  };
}

/** Kyverno `certificates` with `certChain` (cosign ValidateAndUnpackCertWithChain): the last is the root, the rest intermediates. */
function policyChainMaterial(authorities: TrustMaterial['certificateAuthorities']): ChainMaterial {
  const chain = authorities[0].certChain;
  return { anchors: chain.slice(-1), intermediates: chain.slice(0, -1), intermediatesFrom: 'policy certificate chain' };
}

/** The certificates of the signature's material: the leaf, then a legacy signature's chain annotation. */
function signatureChain(bundle: Bundle): X509Certificate[] {
  const content = bundle.verificationMaterial.content;
  if (content.$case !== 'x509CertificateChain') return [];
  return content.x509CertificateChain.certificates.map((c) => X509Certificate.parse(Buffer.from(c.rawBytes)));
}

/** Whether the path's intermediates came from somewhere worth naming (not the policy's own chain). */
const namedIntermediates = (path: CosignPath) => path.certificates.length > 2 && path.intermediatesFrom !== 'policy certificate chain';

function describeCosignPath(path: CosignPath, source: string, verificationTime: Date | undefined): string {
  const via = namedIntermediates(path) ? ` through ${path.certificates.length - 2} intermediate(s) from the ${path.intermediatesFrom}` : '';
  const validity = !path.expiryChecked
    ? '; the signature carries no certificate, so, as in cosign, no validity period is held against the signing time'
    : verificationTime ? ` and is valid now (${verificationTime.toISOString()})` : ' and was valid when signed';
  return `certificate chains to ${source}${via}${validity}; the chain was checked at the certificate's issuance (${path.certificates[0].notBefore.toISOString()}), as cosign does`;
}

function cosignPathNotes(path: CosignPath, now: Date): string[] {
  const via = namedIntermediates(path) ? [`intermediate certificates taken from the ${path.intermediatesFrom}`] : [];
  const unchecked = path.expiryChecked ? [] : ["the signature carries no certificate, so, as in cosign, no validity period is held against the signing time (the policy certificate's own is not)"];
  return [...via, ...unchecked, ...expiredSince(path.certificates, now)];
}

/** Which extension the issuer came from, and whose reading that is. */
function issuerSource(identity: CertificateIdentity, legacy: boolean): string {
  const tool = legacy ? 'cosign and Kyverno read only 1.3.6.1.4.1.57264.1.1 for legacy signatures' : 'sigstore-go reads the last of 1.3.6.1.4.1.57264.1.1 / .1.8 for bundles';
  return identity.issuerExtension ? `issuer read from extension ${identity.issuerExtension} (${tool})` : `no issuer extension read (${tool})`;
}

const noKeys: TrustMaterial['publicKey'] = (hint) => {
  throw new VerificationError({ code: 'PUBLIC_KEY_ERROR', message: `no policy key for hint ${hint}` });
};

function certKey(cert: X509Certificate): KeyObject {
  return policyPublicKey(createPublicKey({ key: cert.publicKey, format: 'der', type: 'spki' }));
}

/** A pseudo log timestamp standing for "the time of verification" (only its time is read by the verifier). */
function currentTime(at: Date): SignedEntity['timestamps'][number] {
  return {
    $case: 'transparency-log',
    tlogEntry: {
      logIndex: '0',
      logId: { keyId: Buffer.from('verification-time') },
      kindVersion: { kind: 'none', version: '0' },
      integratedTime: String(Math.floor(at.getTime() / 1000)),
      inclusionPromise: { signedEntryTimestamp: Buffer.alloc(0) },
      inclusionProof: undefined,
      canonicalizedBody: Buffer.alloc(0),
    },
  };
}

const PROTO_HASH: Partial<Record<ProtoHash, HashAlgorithm>> = {
  [ProtoHash.SHA2_256]: 'sha256',
  [ProtoHash.SHA2_384]: 'sha384',
  [ProtoHash.SHA2_512]: 'sha512',
};

/**
 * The library hashes message signatures with the bundle's digest algorithm and DSSE with OpenSSL's default for
 * the key, and cannot verify Ed25519 message signatures at all. Swap in a check with cosign's hash choice.
 */
function hashAwareContent(bundle: Bundle, entity: SignedEntity, artifact: Buffer | undefined, policyHash: HashAlgorithm | undefined, hashing: ContentHashing): SignedEntity['signature'] {
  const inner = entity.signature;
  let data: Buffer;
  let hashFor: (key: KeyObject) => HashAlgorithm | undefined;
  if (bundle.content.$case === 'dsseEnvelope') {
    const env = bundle.content.dsseEnvelope;
    data = dsse.preAuthEncoding(env.payloadType, env.payload);
    hashFor = (key) => policyHash ?? (hashing.legacy ? 'sha256' : naturalHash(key));
  } else {
    if (!artifact) abort('malformed-signature', 'A message-signature bundle needs the signed bytes (the artifact) to be verified.');
    data = artifact;
    const bundleHash = PROTO_HASH[bundle.content.messageSignature.messageDigest.algorithm];
    hashFor = () => policyHash ?? (hashing.legacy ? 'sha256' : bundleHash);
  }
  return {
    signature: hashing.timestampedBytes ?? inner.signature,
    compareSignature: (s) => inner.compareSignature(s),
    compareDigest: (d) => inner.compareDigest(d),
    compareSignedDigest: (d) => inner.compareSignedDigest(d),
    verifySignature: (key) => verifyRaw(key, data, inner.signature, hashFor(key)),
  };
}

/** cosign compares the key or certificate recorded in the log entry with the verifying one; the library does not. */
function checkLogEntryKeys(entity: SignedEntity, key: KeyObject): void {
  for (const entry of entity.tlogEntries) {
    let body: unknown;
    try {
      body = JSON.parse(entry.canonicalizedBody.toString('utf8'));
    } catch {
      continue; // already rejected by the library if it mattered
    }
    const recorded = recordedKeys(body);
    if (recorded.length > 0 && !recorded.some((k) => sameKey(k, key))) {
      abort('key-mismatch', `The transparency-log entry (index ${entry.logIndex}) records another key or certificate than the one that verifies the signature.`);
    }
  }
}

function recordedKeys(node: unknown, out: KeyObject[] = [], depth = 0): KeyObject[] {
  if (depth > 8 || !node || typeof node !== 'object') return out;
  for (const [name, value] of Object.entries(node as Record<string, unknown>)) {
    if (typeof value === 'string' && value.length > 40) {
      const key = keyFromBase64(value, name === 'rawBytes');
      if (key) out.push(key);
    } else {
      recordedKeys(value, out, depth + 1);
    }
  }
  return out;
}

function keyFromBase64(value: string, der: boolean): KeyObject | undefined {
  const bytes = Buffer.from(value, 'base64');
  try {
    const text = bytes.toString('utf8');
    if (!der && text.startsWith('-----BEGIN CERTIFICATE')) return new NodeX509Certificate(text).publicKey;
    if (!der && text.startsWith('-----BEGIN PUBLIC KEY')) return createPublicKey(text);
    if (der) {
      try {
        return new NodeX509Certificate(bytes).publicKey;
      } catch {
        return createPublicKey({ key: bytes, format: 'der', type: 'spki' });
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

interface ExplainContext {
  trust: TrustRoot;
  fixedKey?: KeyObject;
  cert?: X509Certificate;
  verificationTime?: Date;
}

/** @sigstore/verify's error → our code and a sentence a user understands. */
function explain(e: unknown, ctx: ExplainContext): VerifyFailure {
  if (e instanceof VerifyAbort) return e.failure;
  if (!(e instanceof VerificationError || e instanceof PolicyError)) {
    return { ok: false, code: 'malformed-signature', reason: `The signature material cannot be verified: ${(e as Error)?.message ?? String(e)}.` };
  }
  const message = e.message;
  const cause = (e.cause as Error | undefined)?.message;
  const fail = (code: VerifyCode, reason: string) => ({ ok: false as const, code, reason });
  switch (e.code) {
    case 'SIGNATURE_ERROR':
      return fail(
        'signature-mismatch',
        ctx.fixedKey
          ? `The signature does not verify with the policy key (${describeKey(ctx.fixedKey)}): signed by another key, or the signed payload was changed.`
          : 'The signature does not verify with the key in its certificate: the signed payload was changed or the signature is corrupt.',
      );
    case 'CERTIFICATE_ERROR': {
      const detail = cause ?? message;
      if (/SCTs, got 0/.test(message)) {
        return fail('sct-invalid', 'The certificate carries no signed certificate timestamp (SCT) and the policy does not ignore SCTs (set ignoreSCT for certificates from a private CA).');
      }
      if (/SCT/.test(message)) return fail('sct-invalid', `The certificate's SCT does not verify against the CT log keys of ${ctx.trust.source}.`);
      if (/not valid or expired/.test(detail)) {
        const when = ctx.verificationTime ? `now (${ctx.verificationTime.toISOString()}), and no transparency-log or timestamp proof says it was used while valid` : 'at the time the signature was logged or timestamped';
        const validity = ctx.cert ? ` (valid ${ctx.cert.notBefore.toISOString()} to ${ctx.cert.notAfter.toISOString()})` : '';
        return fail('certificate-expired', `The signing certificate${validity} or its chain was not valid ${when}.`);
      }
      if (!cause && /Failed to verify certificate chain/.test(message)) {
        return fail('certificate-untrusted', `No certificate authority of ${ctx.trust.source} was valid when the certificate was used.`);
      }
      return fail('certificate-untrusted', `The signing certificate does not chain to a certificate authority of ${ctx.trust.source} (${detail}).`);
    }
    case 'TLOG_INCLUSION_PROMISE_ERROR':
      return fail('tlog-invalid', `The transparency-log promise (SET) does not verify against the Rekor keys of ${ctx.trust.source}: the entry was altered or comes from an untrusted log.`);
    case 'TLOG_INCLUSION_PROOF_ERROR':
    case 'TLOG_MISSING_INCLUSION_ERROR':
      return fail('tlog-invalid', `The transparency-log inclusion could not be verified against ${ctx.trust.source} (${message}).`);
    case 'TLOG_BODY_ERROR':
      return fail('tlog-invalid', `The transparency-log entry does not describe this signature (${message}).`);
    case 'TLOG_ERROR':
      return /got 0/.test(message)
        ? fail('tlog-missing', 'No verified transparency-log entry and the policy does not ignore the log.')
        : fail('tlog-invalid', `Transparency-log entries are not acceptable (${message}).`);
    case 'TIMESTAMP_ERROR':
      return /timestamps, got 0/.test(message)
        ? fail('timestamp-invalid', 'Nothing signed says when the signature was made (no Rekor integrated time, no trusted RFC 3161 timestamp), so the certificate cannot be checked.')
        : fail('timestamp-invalid', `A signed timestamp does not verify against ${ctx.trust.source} (${message}).`);
    case 'PUBLIC_KEY_ERROR':
      return fail('key-mismatch', `No key to verify with: ${message}.`);
    case 'UNTRUSTED_SIGNER_ERROR':
      return fail('identity-mismatch', message);
    default:
      return fail('malformed-signature', `${e.code}: ${message}.`);
  }
}
