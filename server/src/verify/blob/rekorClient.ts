// Looking a file's transparency-log entries up in Rekor, as `cosign verify-blob` does for a detached signature: search
// the index by the file's SHA-256, then fetch each entry. Fetching only: what comes back is verified by verifyBlob.
// Plain HTTP only to loopback hosts; bounded sizes, counts and time.
import { isLoopback } from '../../registry/settings';
import { entriesFromResponse, RekorEntry } from './rekorEntries';

export const PUBLIC_REKOR_URL = 'https://rekor.sigstore.dev';
const MAX_ENTRIES = 10;
const MAX_BYTES = 1024 * 1024;

export type RekorLookup = { ok: true; entries: RekorEntry[]; url: string } | { ok: false; reason: string };

export interface RekorLookupOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * The entry the signature would have been logged as (signature and PEM certificate or key): when the log's index
   * search finds nothing or is not offered (a private Rekor without its index), the log is asked for that very entry,
   * as cosign asks (`POST /api/v1/log/entries/retrieve`).
   */
  proposed?: { signatureB64: string; verifierPem: string };
}

/** A usable Rekor base URL, or why not. */
export function checkRekorUrl(url: string): { ok: true; url: URL } | { ok: false; reason: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: `"${url}" is not a URL` };
  }
  if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isLoopback(parsed.hostname))) return { ok: true, url: parsed };
  return { ok: false, reason: `the Rekor URL ${url} must use https (plain http only for loopback hosts)` };
}

export async function lookupRekorEntries(rekorUrl: string, sha256Hex: string, opts: RekorLookupOptions = {}): Promise<RekorLookup> {
  const checked = checkRekorUrl(rekorUrl);
  if (!checked.ok) return checked;
  const base = checked.url.toString().replace(/\/+$/, '');
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 20_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  try {
    let uuids: unknown;
    try {
      uuids = await call(`${base}/api/v1/index/retrieve`, signal, { hash: `sha256:${sha256Hex}` });
    } catch (e) {
      // No index search here (404/501): the entry itself can still be asked for.
      if (!opts.proposed || !/HTTP (404|405|501)/.test((e as Error).message)) throw e;
      uuids = [];
    }
    if (!Array.isArray(uuids) || uuids.some((u) => typeof u !== 'string' || !/^[0-9a-f]{64,80}$/i.test(u))) {
      return { ok: false, reason: `Rekor at ${base} answered the search with something other than a list of entry UUIDs` };
    }
    if (uuids.length === 0 && opts.proposed) {
      const found = entriesFromResponse(await call(`${base}/api/v1/log/entries/retrieve`, signal, { entries: [proposedEntry(sha256Hex, opts.proposed)] }));
      return { ok: true, entries: found.slice(0, MAX_ENTRIES), url: base };
    }
    const entries: RekorEntry[] = [];
    for (const uuid of [...new Set(uuids as string[])].slice(0, MAX_ENTRIES)) {
      const got = entriesFromResponse(await call(`${base}/api/v1/log/entries/${uuid}`, signal));
      // The map key is Rekor's claim; keep the UUID we asked for so a mismatching body is caught.
      for (const e of got) entries.push({ ...e, uuid: e.uuid ?? uuid });
    }
    return { ok: true, entries, url: base };
  } catch (e) {
    if (opts.signal?.aborted) return { ok: false, reason: 'cancelled' };
    if (timeout.aborted) return { ok: false, reason: `Rekor at ${base} did not answer in time` };
    const err = e as Error & { cause?: { code?: string; message?: string }; failure?: { reason: string } };
    if (err.failure) return { ok: false, reason: err.failure.reason };
    if (err.cause) return { ok: false, reason: `Rekor at ${base} is unreachable: ${err.cause.code ?? err.cause.message}` };
    return { ok: false, reason: `the Rekor lookup at ${base} failed: ${err.message}` };
  }
}

async function call(url: string, signal: AbortSignal, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'error',
    signal,
  });
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_BYTES) throw new Error(`the answer from ${url} is larger than ${MAX_BYTES} bytes`);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > MAX_BYTES) throw new Error(`the answer from ${url} is larger than ${MAX_BYTES} bytes`);
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new Error(`the answer from ${url} is not JSON`);
  }
}

/** A hashedrekord 0.0.1 entry as cosign proposes it for a search: the file's hash, the signature, the PEM verifier. */
function proposedEntry(sha256Hex: string, p: { signatureB64: string; verifierPem: string }): unknown {
  return {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: sha256Hex } },
      signature: { content: p.signatureB64, publicKey: { content: Buffer.from(p.verifierPem).toString('base64') } },
    },
  };
}
