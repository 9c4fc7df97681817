// An OCI distribution (v2) client for what pinning needs: resolve a tag to the digest of the manifest (or
// index) it points at, reading and verifying the bytes. Every digest it returns is the sha256 of bytes it
// received; a registry whose content does not match a digest is an error, never trusted.
import { createHash } from 'node:crypto';
import { parseImageReference } from '../service/image/reference';
import { parseChallenge, parseTokenResponse, TokenCache } from './auth';
import { Credentials, findCredentials, secretsOf } from './credentials';
import { fail, loggableUrl, redact, RegistryError, RegistryFailure, RegistryResult } from './errors';
import { AgentPool, HttpResponse, request } from './http';
import { caBundle, isDockerHub, isLoopback, normalizeHost, RegistrySetting, settingFor } from './settings';

export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;
const ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerList, MEDIA_TYPES.dockerManifest].join(', ');
const INDEX_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList]);
const SHA256 = /^sha256:[a-f0-9]{64}$/;
/** How long a registry that lacks the referrers API is not asked for it again. */
const NO_REFERRERS_API_TTL_MS = 10 * 60_000;

export interface RegistryClientOptions {
  settings?: readonly RegistrySetting[];
  /** Home directory for `~/.docker/config.json` (tests point it elsewhere). */
  home?: string;
  dockerConfigDir?: string;
  /** PATH for `docker-credential-*` helpers. */
  path?: string;
  timeoutMs?: number;
  maxManifestBytes?: number;
  /** Cap for blobs (signature layers, bundles); default 4 MiB. */
  maxBlobBytes?: number;
  maxRedirects?: number;
  perHostConcurrency?: number;
  /** How long a tag → digest answer is reused. */
  cacheTtlMs?: number;
  log?: (line: string) => void;
  now?: () => number;
}

export interface ResolvedImage {
  /** The image as asked for. */
  image: string;
  /** Registry host as written (`docker.io` when implied). */
  registry: string;
  repository: string;
  tag?: string;
  /** sha256 of the manifest or index bytes the registry serves for the tag. */
  digest: string;
  mediaType: string;
  /** For an index: the platforms it lists (`linux/amd64`, …). */
  platforms?: string[];
}

export interface Manifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
  json: Record<string, unknown>;
}

/** A descriptor in an OCI index (referrers API answer or fallback index). */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface Referrers {
  /** How they were found: the OCI 1.1 API, the `sha256-<hex>` fallback tag, or neither exists. */
  via: 'api' | 'tag-fallback' | 'none';
  descriptors: Descriptor[];
}

interface Target {
  /** Registry host as written in the reference, for messages and settings. */
  host: string;
  /** Host the API is served from (`registry-1.docker.io` for Docker Hub). */
  apiHost: string;
  repository: string;
  setting?: RegistrySetting;
}

export class RegistryClient {
  private readonly tokens: TokenCache;
  private readonly now: () => number;
  private readonly resolved = new Map<string, { value: ResolvedImage; expiresAt: number }>();
  private readonly inflight = new Map<string, Promise<RegistryResult<ResolvedImage>>>();
  /** API hosts known to lack the OCI referrers API, until when (see referrers()). */
  private readonly noReferrersApi = new Map<string, number>();
  /** Keys of `inflight` lookups that were asked for as fresh. */
  private readonly freshInflight = new Set<string>();
  /** Content-addressed, so verified manifests never go stale; bounded to keep memory flat. */
  private readonly verified = new Map<string, Manifest>();
  private readonly blobs = new Map<string, Buffer>();
  private readonly credentials = new Map<string, { value: Promise<Credentials | undefined>; expiresAt: number }>();
  private readonly limiters = new Map<string, Semaphore>();
  /** Hosts that answered with a Basic challenge: send basic credentials up front next time. */
  private readonly basicHosts = new Set<string>();
  private readonly secrets = new Set<string>();
  /** Keep-alive connections, bounded per origin by the same limit as concurrent requests per host. */
  private readonly agents: AgentPool;

  constructor(private readonly options: RegistryClientOptions = {}) {
    this.now = options.now ?? Date.now;
    this.agents = new AgentPool(options.perHostConcurrency ?? 4);
    this.tokens = new TokenCache(this.now);
    for (const s of options.settings ?? []) for (const v of [s.password, s.token]) if (v) this.secrets.add(v);
  }

  /**
   * Resolves `image` (tag, implied `latest`, or digest) to the digest of what the registry serves. Answers are
   * reused for `cacheTtlMs` (a tag re-pushed meanwhile is seen when the entry expires); `fresh` asks the
   * registry regardless and refreshes the cached answer.
   */
  async resolve(image: string, signal?: AbortSignal, options: { fresh?: boolean } = {}): Promise<RegistryResult<ResolvedImage>> {
    const key = image;
    const cached = this.resolved.get(key);
    if (!options.fresh && cached && cached.expiresAt > this.now()) return { ok: true, value: cached.value };
    const running = this.inflight.get(key);
    // A fresh lookup may not join one that started before it was asked for… unless that one is itself fresh.
    if (running && (!options.fresh || this.freshInflight.has(key))) return running;
    if (options.fresh) this.freshInflight.add(key);
    const p = this.resolveUncached(image, signal).then((r) => {
      if (this.inflight.get(key) === p) {
        this.inflight.delete(key);
        this.freshInflight.delete(key);
      }
      if (r.ok) this.resolved.set(key, { value: r.value, expiresAt: this.now() + (this.options.cacheTtlMs ?? 60_000) });
      return r;
    });
    this.inflight.set(key, p);
    return p;
  }

  /** Closes the kept-alive connections (idle ones never hold the process open, so this is only tidiness). */
  close(): void {
    this.agents.destroy();
  }

  /** Fetches and verifies the manifest (or index) an image names. */
  async manifest(image: string, signal?: AbortSignal): Promise<RegistryResult<Manifest>> {
    return this.guard(async () => {
      const { target, reference } = this.target(image);
      if (SHA256.test(reference)) return this.manifestByDigest(target, reference, signal);
      const r = await this.resolveUncached(image, signal);
      if (!r.ok) throw new RegistryFailure(r.error);
      return this.manifestByDigest(target, r.value.digest, signal);
    });
  }

  /**
   * Fetches a blob of `repository` (`host/path`, no tag) and checks that its sha256 is `digest`. Blobs are
   * capped (`maxBytes`, default `maxBlobBytes` or 4 MiB): signature layers and bundles are small, and a
   * registry that sends more is not trusted with memory.
   */
  async blob(repository: string, digest: string, options: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<RegistryResult<Buffer>> {
    return this.guard(async () => {
      if (!SHA256.test(digest)) fail('invalid-reference', `"${digest}" is not a sha256 digest; only sha256 blobs are fetched.`);
      const { target } = this.target(`${repository}@${digest}`);
      const key = `${target.apiHost}/${target.repository}@${digest}#blob`;
      const known = this.blobs.get(key);
      if (known) return known;
      const maxBytes = options.maxBytes ?? this.options.maxBlobBytes ?? 4 * 1024 * 1024;
      const res = await this.send(target, 'GET', `blobs/${digest}`, options.signal, { accept: '*/*', maxBytes });
      if (res.status !== 200) this.statusError(target, res, `blob ${digest}`);
      const actual = sha256(res.body);
      if (actual !== digest) {
        fail('digest-mismatch', `${target.host} returned content for blob ${target.repository}@${digest} whose sha256 is ${actual}. Not trusting it: the registry or a proxy is altering content.`, target.host);
      }
      this.blobs.set(key, res.body);
      while (this.blobs.size > 200) this.blobs.delete(this.blobs.keys().next().value!);
      return res.body;
    });
  }

  /**
   * OCI 1.1 referrers of `repository@digest`: the referrers API first; when the registry has none (404, 400,
   * 405, 406 — distribution 2.8 answers 404), the tag-schema fallback index `sha256-<hex>`. No referrers at
   * all is an empty list. Entries are returned unfiltered: cosign ≤ 2.5 writes fallback entries whose
   * `artifactType` is the config media type, so callers must read each manifest to know what it is.
   */
  async referrers(repository: string, digest: string, signal?: AbortSignal): Promise<RegistryResult<Referrers>> {
    return this.guard(async () => {
      if (!SHA256.test(digest)) fail('invalid-reference', `"${digest}" is not a sha256 digest.`);
      const { target } = this.target(`${repository}@${digest}`);
      const memo = this.noReferrersApi.get(target.apiHost);
      if (!(memo !== undefined && memo > this.now())) {
        const api = await this.send(target, 'GET', `referrers/${digest}`, signal, { accept: MEDIA_TYPES.ociIndex });
        if (api.status === 200) return { via: 'api', descriptors: descriptorsOf(target, api.body) };
        if (![404, 400, 405, 406].includes(api.status)) this.statusError(target, api, `referrers of ${digest}`);
        // A registry without the API has no such route: a bare 404 (distribution 2.8: "404 page not found") or
        // 405. A registry with it answers an unknown repository or digest with an OCI error body instead, so
        // only the bare answer is remembered, for a while, saving a request per digest.
        if ((api.status === 404 || api.status === 405) && !registryErrorDetail(api)) {
          this.noReferrersApi.set(target.apiHost, this.now() + NO_REFERRERS_API_TTL_MS);
        }
      }
      const tag = digest.replace(':', '-');
      const res = await this.send(target, 'GET', `manifests/${tag}`, signal);
      if (res.status === 404) return { via: 'none', descriptors: [] };
      if (res.status !== 200) this.statusError(target, res, `referrers fallback tag ${tag}`);
      return { via: 'tag-fallback', descriptors: descriptorsOf(target, res.body) };
    });
  }

  /** The repository's tags (one page of up to `max`), for diagnostics; undefined when the registry will not list them. */
  async tags(repository: string, options: { signal?: AbortSignal; max?: number } = {}): Promise<RegistryResult<string[]>> {
    return this.guard(async () => {
      const { target } = this.target(`${repository}:latest`);
      const res = await this.send(target, 'GET', `tags/list?n=${options.max ?? 1000}`, options.signal, { accept: 'application/json' });
      if (res.status === 404) return [];
      if (res.status !== 200) this.statusError(target, res, 'tag list');
      try {
        const json = JSON.parse(res.body.toString('utf8')) as { tags?: unknown };
        return Array.isArray(json.tags) ? json.tags.filter((t): t is string => typeof t === 'string') : [];
      } catch {
        return fail('protocol', `${target.host} sent a tag list for ${target.repository} that is not JSON.`, target.host);
      }
    });
  }

  private async resolveUncached(image: string, signal?: AbortSignal): Promise<RegistryResult<ResolvedImage>> {
    return this.guard(async () => {
      const { target, reference, tag } = this.target(image);
      const describe = (m: Manifest): ResolvedImage => ({
        image,
        registry: target.host,
        repository: target.repository,
        tag,
        digest: m.digest,
        mediaType: m.mediaType,
        platforms: platformsOf(m),
      });
      if (SHA256.test(reference)) return describe(await this.manifestByDigest(target, reference, signal));

      // Docker Hub counts manifest GETs, not HEADs, against its pull limit: there, HEAD first, and the GET by
      // digest is skipped when that manifest is already held. Elsewhere one GET by tag answers in one round trip
      // what HEAD + GET would in two.
      if (isDockerHub(target.apiHost)) {
        const head = await this.send(target, 'HEAD', `manifests/${reference}`, signal);
        const headDigest = header(head, 'docker-content-digest');
        if (head.status === 200 && headDigest && SHA256.test(headDigest)) {
          // Confirm what HEAD claims by reading the content it names and hashing it.
          return describe(await this.manifestByDigest(target, headDigest, signal));
        }
        if (head.status !== 200 && head.status !== 405) this.statusError(target, head, `tag "${reference}"`);
      }
      // Read the manifest by tag; the digest is the hash of the bytes.
      const res = await this.send(target, 'GET', `manifests/${reference}`, signal);
      if (res.status !== 200) this.statusError(target, res, `tag "${reference}"`);
      const digest = sha256(res.body);
      const claimed = header(res, 'docker-content-digest');
      if (claimed && claimed !== digest) {
        fail('digest-mismatch', `${target.host} served ${target.repository}:${reference} with bytes whose digest ${digest} differs from the digest it claims (${claimed}). Not trusting it: the registry or a proxy is altering content.`, target.host);
      }
      return describe(this.remember(parseManifest(target, res, digest), `${target.apiHost}/${target.repository}@${digest}`));
    });
  }

  private async manifestByDigest(target: Target, digest: string, signal?: AbortSignal): Promise<Manifest> {
    const known = this.verified.get(`${target.apiHost}/${target.repository}@${digest}`);
    if (known) return known;
    const res = await this.send(target, 'GET', `manifests/${digest}`, signal);
    if (res.status !== 200) this.statusError(target, res, `digest ${digest}`);
    const actual = sha256(res.body);
    if (actual !== digest) {
      fail('digest-mismatch', `${target.host} returned content for ${target.repository}@${digest} whose sha256 is ${actual}. Not trusting it: the registry or a proxy is altering content.`, target.host);
    }
    const m = parseManifest(target, res, digest);
    this.verified.set(`${target.apiHost}/${target.repository}@${digest}`, m);
    return this.remember(m, `${target.apiHost}/${target.repository}@${digest}`);
  }

  private remember(m: Manifest, key?: string): Manifest {
    if (key) this.verified.set(key, m);
    while (this.verified.size > 500) this.verified.delete(this.verified.keys().next().value!);
    return m;
  }

  private target(image: string): { target: Target; reference: string; tag?: string } {
    const ref = parseImageReference(image);
    if (!ref.ok) fail('invalid-reference', `"${image}" is not a valid image reference: ${ref.error}.`);
    const host = normalizeHost(ref.domain ?? 'docker.io');
    const hub = isDockerHub(host);
    const repository = hub && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
    const setting = settingFor(this.options.settings ?? [], host);
    const target: Target = { host, apiHost: hub ? 'registry-1.docker.io' : host, repository, setting };
    const tag = ref.digest ? ref.tag : ref.tag ?? 'latest';
    return { target, reference: ref.digest ?? tag!, tag };
  }

  private allowHttp = (hostPort: string): boolean => isLoopback(hostPort) || !!settingFor(this.options.settings ?? [], hostPort)?.insecure;

  private baseUrl(target: Target): URL {
    const s = target.setting;
    const plain = s?.insecure === true || (isLoopback(target.apiHost) && s?.insecure !== false && !s?.caFile);
    const scheme = plain ? 'http' : 'https';
    return new URL(`${scheme}://${target.apiHost}/v2/`);
  }

  private async creds(target: Target): Promise<Credentials | undefined> {
    const hit = this.credentials.get(target.host);
    if (hit && hit.expiresAt > this.now()) return hit.value;
    const value = findCredentials(target.host, {
      settings: this.options.settings ?? [],
      home: this.options.home,
      dockerConfigDir: this.options.dockerConfigDir,
      path: this.options.path,
    }).then((c) => {
      for (const s of secretsOf(c)) this.secrets.add(s);
      return c;
    });
    this.credentials.set(target.host, { value, expiresAt: this.now() + (this.options.cacheTtlMs ?? 60_000) });
    return value;
  }

  /** One authenticated registry request: anonymous or cached auth first, then the challenge the registry sets. */
  private async send(target: Target, method: 'GET' | 'HEAD', path: string, signal?: AbortSignal, limits: { accept?: string; maxBytes?: number } = {}): Promise<HttpResponse> {
    const url = new URL(`${target.repository}/${path}`, this.baseUrl(target));
    const scope = `repository:${target.repository}:pull`;
    const creds = await this.creds(target);
    const authFor = (): string | undefined => {
      const token = this.tokens.get(target.apiHost, scope);
      if (token) return `Bearer ${token}`;
      if (creds?.bearer) return `Bearer ${creds.bearer}`;
      if (this.basicHosts.has(target.apiHost) && creds?.username !== undefined) return basic(creds);
      return undefined;
    };
    const go = (authorization: string | undefined) =>
      this.limiter(target.apiHost).run(() =>
        request({
          method,
          url,
          headers: { accept: limits.accept ?? ACCEPT, ...(authorization ? { authorization } : {}) },
          ca: this.ca(target),
          timeoutMs: this.options.timeoutMs ?? 15_000,
          maxBytes: limits.maxBytes ?? this.options.maxManifestBytes ?? 4 * 1024 * 1024,
          maxRedirects: this.options.maxRedirects ?? 5,
          signal,
          host: target.host,
          allowHttp: this.allowHttp,
          log: this.logLine,
          agents: this.agents,
        }),
      );
    const first = authFor();
    let res = await go(first);
    this.log(`${method} ${loggableUrl(url)} → ${res.status}${first ? ' (authenticated)' : ''}`);
    if (res.status !== 401) return res;
    // Only the registry itself may ask for its credentials: a host it redirected to could name any realm.
    if (res.url.origin !== url.origin) {
      fail('unauthorized', `${target.host} redirected to ${res.url.host}, which asked for credentials. Credentials for ${target.host} are not sent on behalf of another host.`, target.host);
    }

    const challenge = parseChallenge(res.headers['www-authenticate']);
    let retry: string | undefined;
    if (challenge?.scheme === 'bearer' && challenge.params.realm) {
      const token = await this.fetchToken(target, challenge.params, scope, creds, signal);
      retry = `Bearer ${token}`;
    } else if (challenge?.scheme === 'basic' && creds?.username !== undefined) {
      this.basicHosts.add(target.apiHost);
      retry = basic(creds);
    }
    if (!retry || retry === first) this.unauthorized(target, creds);
    res = await go(retry);
    this.log(`${method} ${loggableUrl(url)} → ${res.status} (authenticated)`);
    if (res.status === 401) this.unauthorized(target, creds);
    return res;
  }

  /** A bearer token from the realm the registry named, asked with this registry's credentials only. */
  private async fetchToken(target: Target, params: Record<string, string>, scope: string, creds: Credentials | undefined, signal?: AbortSignal): Promise<string> {
    const wanted = params.scope || scope;
    const cached = this.tokens.get(target.apiHost, wanted);
    if (cached) return cached;
    let realm: URL;
    try {
      realm = new URL(params.realm);
    } catch {
      fail('protocol', `${target.host} asked for a token from an invalid realm "${params.realm}".`, target.host);
    }
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && this.allowHttp(realm.host))) {
      fail('insecure', `${target.host} asked for a token from ${realm.origin}, which is not HTTPS; refusing to send credentials there.`, target.host);
    }
    if (params.service) realm.searchParams.set('service', params.service);
    realm.searchParams.set('scope', wanted);
    const useBasic = creds?.username !== undefined && creds.password !== undefined;
    const res = await this.limiter(realm.host).run(() =>
      request({
        method: 'GET',
        url: realm,
        headers: useBasic ? { authorization: basic(creds!) } : {},
        ca: this.ca(target),
        timeoutMs: this.options.timeoutMs ?? 15_000,
        maxBytes: 1024 * 1024,
        maxRedirects: this.options.maxRedirects ?? 5,
        signal,
        host: target.host,
        allowHttp: this.allowHttp,
        log: this.logLine,
        agents: this.agents,
      }),
    );
    this.log(`GET ${realm.origin}${realm.pathname} (token for ${wanted}) → ${res.status}`);
    if (res.status === 401 || res.status === 403) this.unauthorized(target, creds);
    if (res.status !== 200) fail('protocol', `The token service of ${target.host} (${realm.host}) answered ${res.status}.`, target.host);
    const parsed = parseTokenResponse(res.body);
    if (!parsed) fail('protocol', `The token service of ${target.host} (${realm.host}) sent no token.`, target.host);
    this.secrets.add(parsed.token);
    this.tokens.set(target.apiHost, wanted, parsed.token, parsed.expiresIn);
    // Also under the scope requests look up, in case the registry named a different one.
    if (wanted !== scope) this.tokens.set(target.apiHost, scope, parsed.token, parsed.expiresIn);
    return parsed.token;
  }

  private unauthorized(target: Target, creds: Credentials | undefined): never {
    if (creds) {
      fail('unauthorized', `${target.host} refused access to ${target.repository} with the credentials from ${creds.source}. Check that they are current and may pull this repository.`, target.host);
    }
    fail('unauthorized', `${target.host} requires authentication for ${target.repository} and no credentials were found (looked in the imageTrust.registries setting and Docker's config.json). Run \`docker login ${target.host}\` or add credentials for "${target.host}" to imageTrust.registries.`, target.host);
  }

  private statusError(target: Target, res: HttpResponse, what: string): never {
    const detail = registryErrorDetail(res);
    const suffix = detail ? ` (${detail})` : '';
    switch (res.status) {
      case 404: fail('not-found', `${target.host}/${target.repository}: ${what} not found${suffix}. Check the repository name and tag.`, target.host);
      case 403: fail('denied', `${target.host} denied access to ${target.repository}${suffix}. The credentials in use may not pull this repository.`, target.host);
      case 429: fail('rate-limited', `${target.host} is rate-limiting requests${suffix}. Log in (docker login) for a higher limit, or retry later.`, target.host);
      default:
        if (res.status >= 500) fail('server-error', `${target.host} failed with HTTP ${res.status}${suffix}; try again later.`, target.host);
        fail('protocol', `${target.host} answered HTTP ${res.status} for ${target.repository} ${what}${suffix}.`, target.host);
    }
  }

  private ca(target: Target): string[] | undefined {
    try {
      return caBundle(target.setting);
    } catch (e) {
      fail('tls', `Cannot read the caFile "${target.setting?.caFile}" configured for ${target.host} in imageTrust.registries: ${(e as Error).message}.`, target.host);
    }
  }

  private limiter(host: string): Semaphore {
    let l = this.limiters.get(host);
    if (!l) this.limiters.set(host, (l = new Semaphore(this.options.perHostConcurrency ?? 4)));
    return l;
  }

  private log(line: string): void {
    this.options.log?.(redact(line, this.secrets));
  }

  /** For the HTTP layer's own lines (redirects, retries): through the same redaction. */
  private readonly logLine = (line: string): void => this.log(line);

  /** Runs `fn`, turning failures into error values whose messages hold no secrets. */
  private async guard<T>(fn: () => Promise<T>): Promise<RegistryResult<T>> {
    try {
      return { ok: true, value: await fn() };
    } catch (e) {
      const error: RegistryError = e instanceof RegistryFailure
        ? e.error
        : { code: 'protocol', message: `Unexpected registry client failure: ${(e as Error)?.message ?? String(e)}` };
      return { ok: false, error: { ...error, message: redact(error.message, this.secrets) } };
    }
  }
}

const MANIFEST_TYPES = new Set<string>(Object.values(MEDIA_TYPES));

function parseManifest(target: Target, res: HttpResponse, digest: string): Manifest {
  const contentType = header(res, 'content-type')?.split(';')[0].trim();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(res.body.toString('utf8'));
  } catch {
    fail('protocol', `${target.host} sent a manifest for ${target.repository} that is not JSON${contentType ? ` (Content-Type ${contentType})` : ''}.`, target.host);
  }
  if (!json || typeof json !== 'object' || json.schemaVersion !== 2) {
    fail('protocol', `${target.host} sent a manifest for ${target.repository} that is not an OCI or Docker v2 manifest (schemaVersion ${String(json?.schemaVersion)}); only schema 2 can be pinned.`, target.host);
  }
  const declared = typeof json.mediaType === 'string' ? json.mediaType : undefined;
  if (declared !== undefined && !MANIFEST_TYPES.has(declared)) {
    fail('protocol', `${target.host} sent content for ${target.repository} whose mediaType "${declared}" is not an image manifest or index.`, target.host);
  }
  // The header and the content must agree on what this is: one being read as the other is how type confusion starts.
  if (declared && contentType && MANIFEST_TYPES.has(contentType) && contentType !== declared) {
    fail('protocol', `${target.host} sent ${target.repository} as ${contentType}, but the content says it is ${declared}. Not trusting content whose type is ambiguous.`, target.host);
  }
  const inferred = Array.isArray(json.manifests) ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest;
  const mediaType = declared ?? (contentType && MANIFEST_TYPES.has(contentType) ? contentType : inferred);
  return { digest, mediaType, bytes: res.body, json };
}

function descriptorsOf(target: Target, body: Buffer): Descriptor[] {
  let json: { manifests?: unknown };
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return fail('protocol', `${target.host} sent a referrers index for ${target.repository} that is not JSON.`, target.host);
  }
  if (!Array.isArray(json?.manifests)) return [];
  const out: Descriptor[] = [];
  for (const raw of json.manifests as Record<string, unknown>[]) {
    if (!raw || typeof raw.digest !== 'string' || !SHA256.test(raw.digest)) continue;
    out.push({
      mediaType: typeof raw.mediaType === 'string' ? raw.mediaType : MEDIA_TYPES.ociManifest,
      digest: raw.digest,
      size: typeof raw.size === 'number' ? raw.size : 0,
      artifactType: typeof raw.artifactType === 'string' ? raw.artifactType : undefined,
      annotations: raw.annotations && typeof raw.annotations === 'object' ? (raw.annotations as Record<string, string>) : undefined,
    });
  }
  return out;
}

function platformsOf(m: Manifest): string[] | undefined {
  if (!INDEX_TYPES.has(m.mediaType) || !Array.isArray(m.json.manifests)) return undefined;
  return (m.json.manifests as { platform?: { os?: string; architecture?: string; variant?: string } }[])
    .map((x) => x.platform)
    .filter((p): p is { os: string; architecture: string; variant?: string } => !!p?.os && !!p.architecture)
    .map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/'));
}

function registryErrorDetail(res: HttpResponse): string | undefined {
  try {
    const json = JSON.parse(res.body.toString('utf8')) as { errors?: { code?: string; message?: string }[] };
    const e = json.errors?.[0];
    if (e?.code) return `${e.code}${e.message ? `: ${String(e.message).slice(0, 200)}` : ''}`;
  } catch {
    /* not a registry error body */
  }
  return undefined;
}

function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function basic(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}`;
}

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** At most `size` tasks at once; the rest wait in order. */
export class Semaphore {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly size: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}
