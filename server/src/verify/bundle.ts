// Sigstore bundles (v0.1–v0.3; message signature or DSSE), e.g. cosign's OCI 1.1 referrers
// (`application/vnd.dev.sigstore.bundle.v0.3+json` layer) or `verify-blob --bundle` files.
import { createHash } from 'node:crypto';
import { bundleFromJSON, Bundle } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { HashAlgorithm as ProtoHash } from '@sigstore/protobuf-specs';
import { runVerification, VerificationOptions } from './engine';
import { VerifiedAttestation, VerifiedSignature, statementOf, toBuffer } from './legacy';
import { checkStatementClaims, InTotoStatement, StatementClaims } from './payload';
import { abort, capture, VerifyOutcome } from './result';

export interface BundleArtifact {
  /** The signed bytes: required for message signatures; for DSSE its sha256 must be an in-toto subject. */
  artifact?: Uint8Array | string;
  /** Instead of the bytes (DSSE only): the digest an in-toto subject must carry, `sha256:<hex>`. */
  digest?: string;
}

export interface VerifiedBundle extends Omit<VerifiedSignature, 'payload'> {
  content: 'message-signature' | 'dsse';
  /** The in-toto statement of a DSSE bundle. */
  statement?: InTotoStatement;
}

/** Parses bundle JSON (text, bytes or object), validating it by its media type (v0.1 needs SETs, v0.2+ proofs). */
export function parseBundle(input: unknown): VerifyOutcome<{ bundle: Bundle }> {
  return capture(() => {
    let obj = input;
    if (typeof input === 'string' || input instanceof Uint8Array) {
      try {
        obj = JSON.parse(toBuffer(input).toString('utf8'));
      } catch (e) {
        abort('malformed-signature', `The bundle is not JSON: ${(e as Error).message}.`);
      }
    }
    let bundle: Bundle;
    try {
      bundle = bundleFromJSON(obj);
    } catch (e) {
      const fields = (e as { fields?: string[] }).fields;
      return abort('malformed-signature', `The bundle is not a valid Sigstore bundle: ${(e as Error).message}${fields?.length ? ` (${fields.join(', ')})` : ''}.`);
    }
    rejectEmbeddedRoots(bundle);
    return { ok: true, bundle };
  });
}

/**
 * Trust anchors come from the trusted root, never from the bundle: a chain that carries its own root is
 * rejected (sigstore-go; conformance bundle-with-root-cert_fail). Legacy `dev.sigstore.cosign/chain`
 * annotations do carry the root and are not subject to this rule.
 */
function rejectEmbeddedRoots(bundle: Bundle): void {
  const content = bundle.verificationMaterial.content;
  if (content.$case !== 'x509CertificateChain') return;
  for (const [i, raw] of content.x509CertificateChain.certificates.entries()) {
    let cert: X509Certificate;
    try {
      cert = X509Certificate.parse(Buffer.from(raw.rawBytes));
    } catch (e) {
      return abort('malformed-signature', `Certificate ${i} of the bundle's chain cannot be parsed: ${(e as Error).message}.`);
    }
    if (cert.subject.equals(cert.issuer) && cert.isCA) {
      abort('malformed-signature', `The bundle's certificate chain includes a root certificate (entry ${i}); roots must come from the trusted root, so the bundle is rejected.`);
    }
  }
}

/** Verifies any bundle against an artifact (bytes or, for DSSE, a digest). */
export function verifyBundle(input: unknown, subject: BundleArtifact, options: VerificationOptions): VerifyOutcome<VerifiedBundle> {
  return capture(() => {
    const parsed = parseBundle(input);
    if (!parsed.ok) return parsed;
    const { bundle } = parsed;
    const artifact = subject.artifact === undefined ? undefined : toBuffer(subject.artifact);
    if (bundle.content.$case === 'messageSignature') {
      if (!artifact) abort('malformed-signature', 'A message-signature bundle can only be verified with the signed bytes (artifact).');
      checkMessageDigest(bundle, artifact);
    }
    const result = runVerification(bundle, artifact, options, { legacy: false });
    if (bundle.content.$case === 'messageSignature') {
      result.checked.push('the artifact matches the signed message digest');
      return { ok: true, ...result, content: 'message-signature' };
    }
    const digest = subject.digest ?? (artifact ? `sha256:${createHash('sha256').update(artifact).digest('hex')}` : undefined);
    if (!digest) abort('invalid-policy', 'A DSSE bundle needs the artifact or its digest to check the in-toto subject.');
    const statement = statementOf(bundle);
    checkStatementClaims(statement, { digest });
    result.checked.push(`in-toto subject names ${digest}`);
    return { ok: true, ...result, content: 'dsse', statement };
  });
}

/**
 * A DSSE bundle attached to an image (cosign v3 signatures, `attest --new-bundle-format`): verified, bound to the
 * image digest by its in-toto subject, filtered by predicate type; returns the statement for conditions.
 */
export function verifyBundleAttestation(input: unknown, claims: StatementClaims, options: VerificationOptions): VerifyOutcome<VerifiedAttestation> {
  return capture(() => {
    const parsed = parseBundle(input);
    if (!parsed.ok) return parsed;
    const { bundle } = parsed;
    if (bundle.content.$case !== 'dsseEnvelope') abort('wrong-payload-type', 'The bundle holds a message signature, not a DSSE attestation, so it cannot be bound to an image digest.');
    // Claims first is cheaper, but a forged statement's complaints would mislead: verify, then read.
    const result = runVerification(bundle, undefined, options, { legacy: false });
    const statement = statementOf(bundle);
    checkStatementClaims(statement, claims);
    result.checked.push(`in-toto subject names the image digest ${claims.digest}${claims.predicateType ? `; predicate type ${claims.predicateType}` : ''}`);
    return { ok: true, ...result, statement };
  });
}

const NODE_HASH: Partial<Record<ProtoHash, string>> = {
  [ProtoHash.SHA2_256]: 'sha256',
  [ProtoHash.SHA2_384]: 'sha384',
  [ProtoHash.SHA2_512]: 'sha512',
};

/** sigstore-go checks the artifact against the bundle's message digest; @sigstore/verify only against the log. */
function checkMessageDigest(bundle: Bundle, artifact: Buffer): void {
  if (bundle.content.$case !== 'messageSignature') return;
  const { algorithm, digest } = bundle.content.messageSignature.messageDigest;
  const hash = NODE_HASH[algorithm];
  if (!hash) abort('unsupported', `The bundle's message digest algorithm (${ProtoHash[algorithm] ?? algorithm}) is not supported.`);
  const actual = createHash(hash).update(artifact).digest();
  if (!actual.equals(Buffer.from(digest))) {
    abort('digest-mismatch', `The artifact's ${hash} (${actual.toString('hex').slice(0, 16)}…) differs from the digest the bundle signs (${Buffer.from(digest).toString('hex').slice(0, 16)}…): the bundle is for another artifact.`);
  }
}
