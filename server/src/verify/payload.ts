// What the signed bytes claim: cosign simple-signing payloads (legacy `.sig`) and in-toto statements in DSSE
// envelopes (attestations, cosign v3 signatures). The cryptography proves who signed; these checks prove the
// signature is about *this* image. @sigstore/verify checks neither.
import { abort, shorten } from './result';

export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface SimpleSigningPayload {
  /** `critical.type`. */
  type?: string;
  /** `critical.image.docker-manifest-digest`: the only binding between the signature and the image. */
  dockerManifestDigest?: string;
  /** `critical.identity.docker-reference` (cosign ignores it when verifying; containers/image does not). */
  dockerReference?: string;
  /** `optional`: annotations given with `cosign sign -a`, or null. */
  optional: Record<string, unknown> | null;
}

export interface ImageClaims {
  /** The image digest the signature must name, `sha256:<hex>`. */
  digest: string;
  /** Annotations that must all be present, as strings, in the payload's `optional` map (cosign `-a`, Kyverno `annotations`). */
  annotations?: Record<string, string>;
  /** When set, `critical.identity.docker-reference` must equal it (containers/image behaviour; cosign ignores it). */
  dockerReference?: string;
}

export function parseSimpleSigning(bytes: Buffer): SimpleSigningPayload {
  const doc = parseJsonObject(bytes, 'The signed payload');
  const critical = objectField(doc, 'critical');
  if (!critical) abort('malformed-payload', 'The signed payload has no "critical" object: it is not a simple-signing payload.');
  const optional = field(doc, 'optional');
  return {
    type: stringField(critical, 'type'),
    dockerManifestDigest: stringField(objectField(critical, 'image'), 'docker-manifest-digest'),
    dockerReference: stringField(objectField(critical, 'identity'), 'docker-reference'),
    optional: optional && typeof optional === 'object' && !Array.isArray(optional) ? (optional as Record<string, unknown>) : null,
  };
}

/** cosign SimpleClaimVerifier plus the `critical.type` and optional docker-reference checks. */
export function checkSimpleSigningClaims(payload: SimpleSigningPayload, claims: ImageClaims): void {
  if (payload.type !== COSIGN_SIGNATURE_TYPE) {
    abort('wrong-payload-type', `The payload's critical.type is ${JSON.stringify(payload.type ?? null)}, not "${COSIGN_SIGNATURE_TYPE}".`);
  }
  if (payload.dockerManifestDigest !== claims.digest) {
    abort(
      'digest-mismatch',
      payload.dockerManifestDigest
        ? `The payload names a different digest (${payload.dockerManifestDigest}) than the image (${claims.digest}): this signature belongs to another image.`
        : `The payload names no image digest (critical.image.docker-manifest-digest is missing); the image is ${claims.digest}.`,
    );
  }
  if (claims.dockerReference !== undefined && payload.dockerReference !== claims.dockerReference) {
    abort('digest-mismatch', `The payload's docker-reference is ${payload.dockerReference ?? '(none)'}, expected ${claims.dockerReference}.`);
  }
  checkAnnotations(payload.optional ?? {}, claims.annotations, "the payload's optional map");
}

function checkAnnotations(have: Record<string, unknown>, want: Record<string, string> | undefined, where: string): void {
  for (const [key, value] of Object.entries(want ?? {})) {
    if (have[key] !== value) {
      const got = key in have ? JSON.stringify(have[key]) : 'absent';
      abort('annotation-mismatch', `Annotation ${key}=${value} is required but ${where} has ${key} ${got === 'absent' ? 'absent' : `= ${got}`}.`);
    }
  }
}

// ---- in-toto ----------------------------------------------------------------------------------------------

export interface InTotoSubject {
  name?: string;
  digest: Record<string, string>;
  annotations?: Record<string, unknown>;
}

export interface InTotoStatement {
  _type: string;
  predicateType: string;
  subject: InTotoSubject[];
  predicate?: unknown;
}

export interface StatementClaims {
  /** The image (artifact) digest a subject must carry, `sha256:<hex>` (cosign only compares sha256). */
  digest: string;
  /** Exact predicate type wanted (Kyverno `type`, cosign `--type` after alias expansion). */
  predicateType?: string;
  /** Annotations the matching subject must carry (cosign v3 `sign -a` puts them there). */
  annotations?: Record<string, string>;
}

export function parseStatement(payloadType: string, payload: Buffer): InTotoStatement {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    abort('wrong-payload-type', `The DSSE payload type is ${JSON.stringify(payloadType)}, not ${IN_TOTO_PAYLOAD_TYPE}: it is not an in-toto attestation.`);
  }
  const doc = parseJsonObject(payload, 'The in-toto statement');
  const subject = field(doc, 'subject');
  if (!Array.isArray(subject)) abort('malformed-payload', 'The in-toto statement has no subject list.');
  const subjects: InTotoSubject[] = subject.map((s, i) => {
    if (!s || typeof s !== 'object' || !objectField(s as Record<string, unknown>, 'digest')) {
      abort('malformed-payload', `In-toto subject ${i} has no digest map.`);
    }
    const entry = s as Record<string, unknown>;
    return {
      name: stringField(entry, 'name'),
      digest: objectField(entry, 'digest') as Record<string, string>,
      annotations: objectField(entry, 'annotations'),
    };
  });
  return {
    _type: stringField(doc, '_type') ?? '',
    predicateType: stringField(doc, 'predicateType') ?? '',
    subject: subjects,
    predicate: field(doc, 'predicate'),
  };
}

/** cosign IntotoSubjectClaimVerifier plus the predicate-type filter of `verify-attestation --type`. */
export function checkStatementClaims(statement: InTotoStatement, claims: StatementClaims): InTotoSubject {
  if (claims.predicateType !== undefined && statement.predicateType !== claims.predicateType) {
    abort('predicate-type-mismatch', `The attestation's predicate type is ${statement.predicateType || '(none)'}, the policy wants ${claims.predicateType}.`);
  }
  const [algorithm, hex] = splitDigest(claims.digest);
  const match = statement.subject.find((s) => s.digest[algorithm] === hex);
  if (!match) {
    const named = statement.subject.map((s) => Object.entries(s.digest).map(([a, h]) => `${a}:${shorten(String(h), 20)}`).join('/')).join(', ');
    abort('digest-mismatch', `No in-toto subject names the image digest ${claims.digest}; the statement is about ${named || 'nothing'}.`);
  }
  checkAnnotations((match.annotations ?? {}) as Record<string, unknown>, claims.annotations, 'the matching in-toto subject');
  return match;
}

function splitDigest(digest: string): [string, string] {
  const colon = digest.indexOf(':');
  if (colon < 0) abort('invalid-policy', `The expected digest ${digest} is not of the form algorithm:hex.`);
  return [digest.slice(0, colon), digest.slice(colon + 1)];
}

// ---- JSON helpers (Go's encoding/json matches keys case-insensitively, preferring an exact match) --------

function parseJsonObject(bytes: Buffer, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    abort('malformed-payload', `${what} is not JSON: ${(e as Error).message}.`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) abort('malformed-payload', `${what} is not a JSON object.`);
  return doc as Record<string, unknown>;
}

function field(obj: Record<string, unknown> | undefined, name: string): unknown {
  if (!obj) return undefined;
  if (name in obj) return obj[name];
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : obj[key];
}

function objectField(obj: Record<string, unknown> | undefined, name: string): Record<string, unknown> | undefined {
  const v = field(obj, name);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function stringField(obj: Record<string, unknown> | undefined, name: string): string | undefined {
  const v = field(obj, name);
  return typeof v === 'string' ? v : undefined;
}
