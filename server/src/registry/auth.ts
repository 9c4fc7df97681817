// The registry auth handshake: parse `WWW-Authenticate` challenges and fetch bearer tokens from the realm
// the registry named, with that registry's own credentials only.

export interface Challenge {
  scheme: 'bearer' | 'basic' | 'other';
  params: Record<string, string>;
}

/** Parses the first challenge of a `WWW-Authenticate` header (`Bearer realm="…",service="…",scope="…"`). */
export function parseChallenge(header: string | string[] | undefined): Challenge | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  if (!text) return undefined;
  const m = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(text);
  if (!m) return undefined;
  const scheme = m[1].toLowerCase();
  const params: Record<string, string> = {};
  const re = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/gy;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[2])) !== null && p[0] !== '') params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
  return { scheme: scheme === 'bearer' ? 'bearer' : scheme === 'basic' ? 'basic' : 'other', params };
}

export interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Bearer tokens per registry host and scope, dropped at expiry (a little early, to avoid edge races). */
export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  constructor(private readonly now: () => number) {}

  get(host: string, scope: string): string | undefined {
    const key = `${host} ${scope}`;
    const hit = this.tokens.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= this.now()) {
      this.tokens.delete(key);
      return undefined;
    }
    return hit.token;
  }

  set(host: string, scope: string, token: string, expiresInSeconds: number): void {
    const lifetime = Math.max(0, expiresInSeconds - 5) * 1000;
    if (lifetime > 0) this.tokens.set(`${host} ${scope}`, { token, expiresAt: this.now() + lifetime });
  }

  clear(): void {
    this.tokens.clear();
  }
}

/** The token response body: `token` or `access_token`, with `expires_in` defaulting to 60 s (distribution spec). */
export function parseTokenResponse(body: Buffer): { token: string; expiresIn: number } | undefined {
  try {
    const json = JSON.parse(body.toString('utf8')) as { token?: unknown; access_token?: unknown; expires_in?: unknown };
    const token = typeof json.token === 'string' && json.token ? json.token : typeof json.access_token === 'string' ? json.access_token : '';
    if (!token) return undefined;
    const expiresIn = typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 60;
    return { token, expiresIn };
  } catch {
    return undefined;
  }
}
