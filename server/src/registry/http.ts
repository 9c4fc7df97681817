// One HTTP exchange with the limits a registry client needs: a timeout, a cap on the body size, manual
// redirects (so Authorization never follows to another origin, and https never downgrades to http),
// per-request CA certificates and cancellation. node:http(s) rather than fetch: fetch cannot take CA
// certificates per request without an extra package.
// Connections are reused per origin and trust setting (AgentPool): a verification makes several small
// requests to one registry, and opening a TCP (and TLS) connection for each costs more than the exchange.
import * as http from 'node:http';
import * as https from 'node:https';
import { fail, loggableUrl, RegistryFailure } from './errors';

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST';
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  /** Extra CA certificates (PEM), replacing Node's default list (callers include the system roots). */
  ca?: string[];
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  signal?: AbortSignal;
  /** The registry host as written, for error messages. */
  host: string;
  /** Whether plain HTTP may be used for `url`'s host (a redirect target included). */
  allowHttp(hostPort: string): boolean;
  log?: (line: string) => void;
  /** Keep-alive connections to reuse; without a pool every request opens (and closes) its own connection. */
  agents?: AgentPool;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The URL that finally answered (after redirects). */
  url: URL;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Keep-alive agents, one per origin (scheme + host + port) and CA list, each with at most `maxSockets`
 * connections. Credentials travel in per-request headers, never in a connection, and an agent only ever
 * connects to its own origin; a CA file (or plain HTTP for an insecure registry) gets an agent of its own, so a
 * connection verified against one trust setting is never handed to a request made under another.
 */
export class AgentPool {
  private readonly agents = new Map<string, http.Agent>();
  private readonly caIds = new WeakMap<readonly string[], number>();
  private nextCaId = 0;

  /**
   * @param maxSockets connections per origin (match the per-host request limit: more would sit idle).
   * @param idleMs how long an unused connection is kept; below the 5 s keep-alive timeout of common servers
   * (Node's included), so a connection the server is about to close is rarely picked.
   */
  constructor(private readonly maxSockets: number, private readonly idleMs = 4_000) {}

  agentFor(url: URL, ca: readonly string[] | undefined): http.Agent {
    const https_ = url.protocol === 'https:';
    const key = `${url.protocol}//${url.host}${https_ && ca ? ` ca#${this.caId(ca)}` : ''}`;
    let agent = this.agents.get(key);
    if (!agent) {
      // Idle sockets are unref'd by Node's agent: a pooled connection never keeps the process (the CLI) alive.
      const options: http.AgentOptions = { keepAlive: true, maxSockets: this.maxSockets, maxFreeSockets: this.maxSockets, timeout: this.idleMs, scheduling: 'lifo' };
      agent = https_ ? new https.Agent(options) : new http.Agent(options);
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Closes every pooled connection (a client being replaced, the end of a test). */
  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  /** CA lists come from a per-file cache (settings.caBundle), so identity tells trust settings apart cheaply. */
  private caId(ca: readonly string[]): number {
    let id = this.caIds.get(ca);
    if (id === undefined) this.caIds.set(ca, (id = this.nextCaId++));
    return id;
  }
}

/** A kept-alive connection the server closed before our request reached it: safe to send again once. */
class StaleConnection extends Error {}

export async function request(req: HttpRequest): Promise<HttpResponse> {
  let url = req.url;
  let headers = { ...(req.headers ?? {}) };
  let method = req.method;
  let body = req.body;
  for (let hop = 0; ; hop++) {
    if (url.protocol === 'http:' && !req.allowHttp(url.host)) {
      fail('insecure', `Refusing plain HTTP to ${url.host}. Add {"host": "${url.host}", "insecure": true} to the imageTrust.registries setting if this registry really has no TLS.`, req.host);
    }
    const res = await onceRetryingStale({ ...req, method, url, headers, body });
    if (!REDIRECTS.has(res.status) || !res.headers.location) return res;
    if (hop >= req.maxRedirects) fail('too-many-redirects', `${req.host} redirected more than ${req.maxRedirects} times; the registry or a proxy in front of it is misconfigured.`, req.host);
    const next = new URL(res.headers.location, url);
    if (url.protocol === 'https:' && next.protocol !== 'https:') {
      fail('insecure', `${req.host} redirected from HTTPS to plain HTTP (${next.host}); refusing to follow.`, req.host);
    }
    if (next.origin !== url.origin) {
      // Credentials belong to the origin that asked for them: never forward them elsewhere.
      const { authorization: _drop, Authorization: _drop2, ...rest } = headers as Record<string, string>;
      headers = rest;
    }
    if (res.status === 303) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
    }
    req.log?.(`${req.method} ${loggableUrl(url)} → ${res.status} redirect to ${loggableUrl(next)}`);
    url = next;
  }
}

/** GET and HEAD are idempotent, so a request lost to a stale pooled connection is sent again (as Node advises). */
async function onceRetryingStale(req: HttpRequest): Promise<HttpResponse> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await once(req, attempt < 2 && req.method !== 'POST');
    } catch (e) {
      if (!(e instanceof StaleConnection)) throw e;
      req.log?.(`${req.method} ${req.url.origin}: pooled connection was closed by the server; retrying`);
    }
  }
}

function once(req: HttpRequest, retryStale = false): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    if (req.signal?.aborted) return reject(new RegistryFailure({ code: 'cancelled', message: 'Cancelled.', host: req.host }));
    const lib = req.url.protocol === 'https:' ? https : http;
    const options: https.RequestOptions = {
      method: req.method,
      headers: { 'user-agent': 'image-trust', ...req.headers, ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}) },
      agent: req.agents ? req.agents.agentFor(req.url, req.ca) : false,
    };
    if (req.ca && req.url.protocol === 'https:') options.ca = req.ca;
    let settled = false;
    let answered = false;
    const done = (err: RegistryFailure | StaleConnection | undefined, res?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      if (err) {
        r.destroy();
        reject(err);
      } else resolve(res!);
    };
    const onAbort = () => done(new RegistryFailure({ code: 'cancelled', message: 'Cancelled.', host: req.host }));
    const timer = setTimeout(
      () => done(new RegistryFailure({ code: 'timeout', message: `${req.host} did not answer within ${Math.round(req.timeoutMs / 1000)} s; check the network or proxy, or try again later.`, host: req.host })),
      req.timeoutMs,
    );
    const r = lib.request(req.url, options, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      let size = 0;
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > req.maxBytes) {
        return done(tooLarge(req, declared));
      }
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > req.maxBytes) return done(tooLarge(req, size));
        chunks.push(chunk);
      });
      res.on('end', () => done(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url: req.url }));
      res.on('error', (e) => done(networkFailure(e, req)));
    });
    r.on('error', (e: Error & { code?: string }) => {
      const stale = retryStale && r.reusedSocket && !answered && (e.code === 'ECONNRESET' || e.code === 'EPIPE');
      done(stale ? new StaleConnection(e.message) : networkFailure(e, req));
    });
    req.signal?.addEventListener('abort', onAbort);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

function tooLarge(req: HttpRequest, size: number): RegistryFailure {
  return new RegistryFailure({
    code: 'too-large',
    message: `${req.host} sent more than ${req.maxBytes} bytes (${size}+) for ${req.url.pathname}; refusing it as a manifest.`,
    host: req.host,
  });
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_|ERR_TLS|ERR_SSL|HOSTNAME|DEPTH_ZERO|EPROTO/;
const OFFLINE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

function networkFailure(e: Error & { code?: string }, req: HttpRequest): RegistryFailure {
  if (e instanceof RegistryFailure) return e;
  const code = e.code ?? '';
  if (TLS_CODES.test(code) || /certificate|SSL|TLS/i.test(e.message)) {
    return new RegistryFailure({
      code: 'tls',
      message: `TLS connection to ${req.url.host} failed (${code || e.message}). If the registry uses a private CA, add {"host": "${req.host}", "caFile": "/path/to/ca.pem"} to the imageTrust.registries setting.`,
      host: req.host,
    });
  }
  if (OFFLINE_CODES.has(code)) {
    const what = code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'cannot resolve the host name' : code === 'ECONNREFUSED' ? 'connection refused' : `network error ${code}`;
    return new RegistryFailure({ code: 'offline', message: `Cannot reach ${req.url.host}: ${what}. Check the network, VPN or proxy.`, host: req.host });
  }
  return new RegistryFailure({ code: 'protocol', message: `Request to ${req.url.host} failed: ${code || e.message}.`, host: req.host });
}
