// Verdicts are values: a failure carries a stable code callers branch on and a reason a user can act on.

export type VerifyCode =
  /** The policy's own material is unusable: unparsable key or certificate, a regexp RE2 would reject. */
  | 'invalid-policy'
  /** The trusted root (trusted_root.json or custom roots/keys) is malformed. */
  | 'trusted-root-invalid'
  /** The signature, its annotations or the bundle cannot be decoded. */
  | 'malformed-signature'
  /** The signed payload (simple-signing JSON, DSSE envelope, in-toto statement) cannot be read. */
  | 'malformed-payload'
  /** Something this verifier does not check (a key type, a hash, a log entry kind). */
  | 'unsupported'
  /** The simple-signing payload is not a cosign container image signature, or the DSSE payload type is wrong. */
  | 'wrong-payload-type'
  /** The payload or statement names another image digest. */
  | 'digest-mismatch'
  /** Required annotations are missing from the payload's `optional` map (or the in-toto subject). */
  | 'annotation-mismatch'
  /** The signature does not verify with the signer's key. */
  | 'signature-mismatch'
  /** The certificate or the log entry holds another key than the one the policy names. */
  | 'key-mismatch'
  /** The signing certificate does not chain to a trusted root. */
  | 'certificate-untrusted'
  /** The signing certificate (or its chain) was not valid at the time it was used. */
  | 'certificate-expired'
  /** The certificate has no valid signed certificate timestamp from a trusted CT log. */
  | 'sct-invalid'
  /** No transparency-log entry while the policy requires one. */
  | 'tlog-missing'
  /** A transparency-log entry does not verify or does not describe this signature. */
  | 'tlog-invalid'
  /** A signed timestamp is missing or does not verify. */
  | 'timestamp-invalid'
  /** The certificate identity (SAN, issuer, extensions) is not what the policy wants. */
  | 'identity-mismatch'
  /** The attestation has another predicate type than the policy asks for. */
  | 'predicate-type-mismatch';

export interface VerifyFailure {
  ok: false;
  code: VerifyCode;
  /** One or two sentences: what is wrong, with the values involved. */
  reason: string;
}

export type VerifyOutcome<T> = ({ ok: true } & T) | VerifyFailure;

export function failure(code: VerifyCode, reason: string): VerifyFailure {
  return { ok: false, code, reason };
}

/** Thrown inside the verifier and turned into a `VerifyFailure` at its public surface. */
export class VerifyAbort extends Error {
  constructor(readonly failure: VerifyFailure) {
    super(failure.reason);
  }
}

export function abort(code: VerifyCode, reason: string): never {
  throw new VerifyAbort(failure(code, reason));
}

/** Runs `body`, turning a `VerifyAbort` into its failure value; other errors propagate (they are bugs). */
export function capture<T>(body: () => VerifyOutcome<T>): VerifyOutcome<T> {
  try {
    return body();
  } catch (e) {
    if (e instanceof VerifyAbort) return e.failure;
    throw e;
  }
}

/** Shortens long values (digests, base64) for messages. */
export function shorten(value: string, max = 80): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}
