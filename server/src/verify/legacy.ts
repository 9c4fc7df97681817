// Legacy cosign signatures and attestations (`sha256-<hex>.sig` / `.att` layers): the layer blob plus its
// annotations are turned into a v0.1 Sigstore bundle (v0.1 because a legacy entry carries only the SET, no
// inclusion proof) and verified by the engine; then the payload's claims are checked against the image.
import { bundleFromJSON, Bundle } from '@sigstore/bundle';
import { createHash } from 'node:crypto';
import { runVerification, SignerDetails, VerificationOptions } from './engine';
import { checkSimpleSigningClaims, checkStatementClaims, ImageClaims, InTotoStatement, parseSimpleSigning, parseStatement, SimpleSigningPayload, StatementClaims } from './payload';
import { abort, capture, VerifyOutcome } from './result';
import { splitPemBlocks } from '../service/crypto/pem';

export const COSIGN_ANNOTATIONS = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
  rfc3161Timestamp: 'dev.sigstore.cosign/rfc3161timestamp',
} as const;

/** One layer of a `.sig` / `.att` manifest: its blob and its annotations. */
export interface LegacyLayer {
  /** The layer blob: simple-signing JSON (`.sig`) or a DSSE envelope (`.att`). */
  payload: Uint8Array | string;
  annotations: Record<string, string>;
}

export interface VerifiedSignature extends SignerResult {
  payload: SimpleSigningPayload;
}

export interface VerifiedAttestation extends SignerResult {
  statement: InTotoStatement;
}

interface SignerResult {
  signer: SignerDetails;
  integratedTime?: Date;
  checked: string[];
  /** Worth telling even on success (see EngineSuccess.notes). */
  notes: string[];
}

/** Verifies a legacy `.sig` layer for an image: signature, signer, log proof, then the payload's claims. */
export function verifyLegacySignature(layer: LegacyLayer, claims: ImageClaims, options: VerificationOptions): VerifyOutcome<VerifiedSignature> {
  return capture(() => {
    const payloadBytes = toBuffer(layer.payload);
    const signature = decodeSignature(layer.annotations[COSIGN_ANNOTATIONS.signature]);
    const json = {
      mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
      verificationMaterial: verificationMaterial(layer.annotations),
      messageSignature: {
        messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(payloadBytes).digest('base64') },
        signature: signature.toString('base64'),
      },
    };
    const result = runVerification(toBundle(json), payloadBytes, options, { legacy: true });
    const payload = parseSimpleSigning(payloadBytes);
    checkSimpleSigningClaims(payload, claims);
    result.checked.push(`payload claims the image digest ${claims.digest}${claims.annotations && Object.keys(claims.annotations).length ? ' and carries the required annotations' : ''}`);
    return { ok: true, ...result, payload };
  });
}

/** Verifies a legacy `.att` layer (DSSE envelope) for an image and returns its in-toto statement. */
export function verifyLegacyAttestation(layer: LegacyLayer, claims: StatementClaims, options: VerificationOptions): VerifyOutcome<VerifiedAttestation> {
  return capture(() => {
    const envelopeBytes = toBuffer(layer.payload);
    const envelope = parseEnvelope(envelopeBytes);
    const json = {
      mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
      verificationMaterial: verificationMaterial(layer.annotations),
      dsseEnvelope: envelope,
    };
    const bundle = toBundle(json);
    // cosign timestamps the envelope bytes of an attestation (its signature annotation is empty).
    const result = runVerification(bundle, undefined, options, { legacy: true, timestampedBytes: envelopeBytes });
    const statement = statementOf(bundle);
    checkStatementClaims(statement, claims);
    result.checked.push(`in-toto subject names the image digest ${claims.digest}${claims.predicateType ? `; predicate type ${claims.predicateType}` : ''}`);
    return { ok: true, ...result, statement };
  });
}

export function statementOf(bundle: Bundle): InTotoStatement {
  if (bundle.content.$case !== 'dsseEnvelope') abort('wrong-payload-type', 'The signature is not a DSSE envelope, so it holds no in-toto statement.');
  const env = bundle.content.dsseEnvelope;
  return parseStatement(env.payloadType, Buffer.from(env.payload));
}

function verificationMaterial(annotations: Record<string, string>) {
  const certPem = annotations[COSIGN_ANNOTATIONS.certificate];
  const certificates = certPem?.trim() ? [...pemDer(certPem, 'certificate annotation'), ...pemDer(annotations[COSIGN_ANNOTATIONS.chain] ?? '', 'chain annotation')] : [];
  const tlogEntries = annotations[COSIGN_ANNOTATIONS.bundle]?.trim() ? [tlogEntry(annotations[COSIGN_ANNOTATIONS.bundle])] : [];
  const rfc3161 = annotations[COSIGN_ANNOTATIONS.rfc3161Timestamp]?.trim() ? [rfc3161Timestamp(annotations[COSIGN_ANNOTATIONS.rfc3161Timestamp])] : [];
  return {
    ...(certificates.length ? { x509CertificateChain: { certificates: certificates.map((der) => ({ rawBytes: der.toString('base64') })) } } : { publicKey: { hint: '' } }),
    tlogEntries,
    timestampVerificationData: { rfc3161Timestamps: rfc3161 },
  };
}

/** `dev.sigstore.cosign/bundle` → a tlog entry with only an inclusion promise (cosign pkg/cosign/bundle/rekor.go). */
function tlogEntry(annotation: string) {
  const set = parseJson(annotation, `the ${COSIGN_ANNOTATIONS.bundle} annotation`) as Record<string, any>;
  const p = set?.Payload;
  if (typeof set?.SignedEntryTimestamp !== 'string' || !p || typeof p.body !== 'string') {
    abort('malformed-signature', `The ${COSIGN_ANNOTATIONS.bundle} annotation lacks SignedEntryTimestamp or Payload.body.`);
  }
  if (!/^[0-9a-f]{64}$/i.test(String(p.logID))) abort('malformed-signature', `The ${COSIGN_ANNOTATIONS.bundle} annotation has no hex logID.`);
  const body = parseJson(Buffer.from(p.body, 'base64').toString('utf8'), 'the Rekor entry body') as Record<string, any>;
  return {
    logIndex: String(p.logIndex),
    logId: { keyId: Buffer.from(p.logID, 'hex').toString('base64') },
    kindVersion: { kind: String(body?.kind ?? ''), version: String(body?.apiVersion ?? '') },
    integratedTime: String(p.integratedTime),
    inclusionPromise: { signedEntryTimestamp: set.SignedEntryTimestamp },
    canonicalizedBody: p.body,
  };
}

function rfc3161Timestamp(annotation: string) {
  const ts = parseJson(annotation, `the ${COSIGN_ANNOTATIONS.rfc3161Timestamp} annotation`) as Record<string, unknown>;
  if (typeof ts?.SignedRFC3161Timestamp !== 'string') abort('malformed-signature', `The ${COSIGN_ANNOTATIONS.rfc3161Timestamp} annotation lacks SignedRFC3161Timestamp.`);
  return { signedTimestamp: ts.SignedRFC3161Timestamp };
}

function decodeSignature(b64: string | undefined): Buffer {
  if (!b64?.trim()) abort('malformed-signature', `The layer has no ${COSIGN_ANNOTATIONS.signature} annotation, so there is no signature to verify.`);
  const compact = b64.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    abort('malformed-signature', `The ${COSIGN_ANNOTATIONS.signature} annotation is not valid base64.`);
  }
  return Buffer.from(compact, 'base64');
}

function parseEnvelope(bytes: Buffer): { payload: string; payloadType: string; signatures: { sig: string; keyid: string }[] } {
  const env = parseJson(bytes.toString('utf8'), 'The DSSE envelope') as Record<string, any>;
  if (typeof env?.payload !== 'string' || typeof env.payloadType !== 'string' || !Array.isArray(env.signatures)) {
    abort('malformed-payload', 'The attestation layer is not a DSSE envelope (payload, payloadType, signatures).');
  }
  if (env.signatures.length !== 1) abort('unsupported', `The DSSE envelope has ${env.signatures.length} signatures; cosign writes exactly one.`);
  return { payload: env.payload, payloadType: env.payloadType, signatures: [{ sig: String(env.signatures[0].sig ?? ''), keyid: String(env.signatures[0].keyid ?? '') }] };
}

function pemDer(pem: string, what: string): Buffer[] {
  const out: Buffer[] = [];
  for (const block of splitPemBlocks(pem)) {
    if (block.label !== 'CERTIFICATE' || !block.der) abort('malformed-signature', `The ${what} is not PEM certificates${block.framingError ? ` (${block.framingError})` : ''}.`);
    out.push(block.der);
  }
  return out;
}

function toBundle(json: unknown): Bundle {
  try {
    return bundleFromJSON(json);
  } catch (e) {
    return abort('malformed-signature', `The signature annotations do not form a valid signature: ${(e as Error).message}.`);
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    return abort('malformed-signature', `${what} is not JSON: ${(e as Error).message}.`);
  }
}

export function toBuffer(data: Uint8Array | string): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
