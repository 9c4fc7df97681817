// Registry failures are values with a stable code and a message the user can act on. Messages never
// carry credentials: everything that builds one goes through `redact` with the secrets in play.

export type RegistryErrorCode =
  | 'invalid-reference'
  | 'not-found'
  | 'unauthorized'
  | 'denied'
  | 'rate-limited'
  | 'offline'
  | 'tls'
  | 'insecure'
  | 'timeout'
  | 'cancelled'
  | 'digest-mismatch'
  | 'too-large'
  | 'too-many-redirects'
  | 'server-error'
  | 'protocol';

export interface RegistryError {
  code: RegistryErrorCode;
  /** One or two sentences: what failed, on which registry, and what to do about it. */
  message: string;
  /** The registry host (as written in the image reference) the failure concerns. */
  host?: string;
}

export type RegistryResult<T> = { ok: true; value: T } | { ok: false; error: RegistryError };

/** Thrown inside the client, turned into a `RegistryResult` at its public surface. */
export class RegistryFailure extends Error {
  constructor(readonly error: RegistryError) {
    super(error.message);
  }
}

export function fail(code: RegistryErrorCode, message: string, host?: string): never {
  throw new RegistryFailure({ code, message, host });
}

/** Replaces every known secret (and its base64 forms) in `text` with `***`. */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of [secret, Buffer.from(secret).toString('base64')]) out = out.split(form).join('***');
  }
  return out;
}

/**
 * A URL as logs may show it: scheme, host and path; query values (presigned signatures, `token=`, scopes) and
 * any user:password are dropped, keeping the parameter names so a reader still sees what kind of URL it was.
 */
export function loggableUrl(url: URL): string {
  const names = [...new Set(url.searchParams.keys())];
  return `${url.origin}${url.pathname}${names.length ? `?${names.map((n) => `${n}=…`).join('&')}` : ''}`;
}
