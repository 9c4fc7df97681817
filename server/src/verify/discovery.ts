// Finding what is attached to an image digest: cosign's tag-scheme objects (`sha256-<hex>.sig` / `.att`) and
// Sigstore bundles stored as OCI 1.1 referrers (referrers API, or the `sha256-<hex>` fallback index). Only bytes
// whose digests were checked come out of here; what they mean is for the verifier to decide.
import type { Descriptor, RegistryClient } from '../registry/client';
import type { RegistryError } from '../registry/errors';
import { parseImageReference } from '../service/image/reference';
import type { LegacyLayer } from './legacy';

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
export const BUNDLE_MEDIA_TYPE_PREFIX = 'application/vnd.dev.sigstore.bundle';
/** cosign v3 signatures are DSSE bundles with this predicate type. */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

/** At most this many layers per `.sig`/`.att` manifest and referrers per digest are read. */
const MAX_LAYERS = 64;
const MAX_REFERRERS = 64;
/** Signature payloads and DSSE envelopes are small; anything bigger is not read. */
const MAX_LAYER_BYTES = 4 * 1024 * 1024;

export interface LegacyObject {
  /** `repo:sha256-….sig` layer n. */
  source: string;
  layer: LegacyLayer;
  mediaType: string;
  /** `.att` layers carry a `predicateType` annotation. */
  predicateType?: string;
}

export interface BundleObject {
  /** `repo@sha256:…` of the referrer manifest. */
  source: string;
  bundle: Buffer;
  /** From the referrer manifest's annotations (`dev.sigstore.bundle.predicateType`). */
  predicateType?: string;
  /** `dsse-envelope` or `message-signature` (annotation `dev.sigstore.bundle.content`). */
  content?: string;
}

export interface Discovered {
  repository: string;
  signatures: LegacyObject[];
  attestations: LegacyObject[];
  bundles: BundleObject[];
  /** How referrers were looked up, for explanations. */
  referrersVia: 'api' | 'tag-fallback' | 'none';
  /** Problems met on the way that did not stop discovery (an unreadable layer, a foreign referrer). */
  notes: string[];
}

export class DiscoveryError extends Error {
  constructor(readonly error: RegistryError) {
    super(error.message);
  }
}

/** `host/path` of an image reference (Docker Hub implied as `docker.io`); undefined when it does not parse. */
export function repositoryOf(image: string): string | undefined {
  const ref = parseImageReference(image);
  if (!ref.ok) return undefined;
  return `${ref.domain ?? 'docker.io'}/${ref.repository}`;
}

/** The cosign tag for `digest` with a suffix: `sha256:ab…` → `sha256-ab….sig`. */
export function cosignTag(digest: string, suffix: 'sig' | 'att' | 'sbom' | ''): string {
  const base = digest.replace(':', '-');
  return suffix ? `${base}.${suffix}` : base;
}

/** Which kinds of object a caller will look at; the others are not fetched. */
export interface Wanted {
  signatures: boolean;
  attestations: boolean;
}
const ALL: Wanted = { signatures: true, attestations: true };

/**
 * Everything attached to `digest` in `repository` (the image's own, or a COSIGN_REPOSITORY-style override).
 * Absent tags are empty results; transport failures throw a DiscoveryError.
 */
export async function discover(registry: RegistryClient, repository: string, digest: string, signal?: AbortSignal, wanted: Wanted = ALL): Promise<Discovered> {
  const notes: string[] = [];
  // Independent lookups, all at once (the client's per-host limit bounds them).
  const [signatures, attestations, referrers] = await Promise.all([
    wanted.signatures ? legacyObjects(registry, repository, digest, 'sig', notes, signal) : [],
    wanted.attestations ? legacyObjects(registry, repository, digest, 'att', notes, signal) : [],
    referrerBundles(registry, repository, digest, notes, signal, wanted),
  ]);
  return { repository, signatures, attestations, bundles: referrers.bundles, referrersVia: referrers.via, notes };
}

async function legacyObjects(registry: RegistryClient, repository: string, digest: string, suffix: 'sig' | 'att', notes: string[], signal?: AbortSignal): Promise<LegacyObject[]> {
  const tag = cosignTag(digest, suffix);
  const m = await registry.manifest(`${repository}:${tag}`, signal);
  if (!m.ok) {
    if (m.error.code === 'not-found') return [];
    throw new DiscoveryError(m.error);
  }
  const layers = Array.isArray(m.value.json.layers) ? (m.value.json.layers as Record<string, unknown>[]) : [];
  if (layers.length > MAX_LAYERS) notes.push(`${repository}:${tag} has ${layers.length} layers; only the first ${MAX_LAYERS} were read`);
  const out: LegacyObject[] = [];
  for (const [i, layer] of layers.slice(0, MAX_LAYERS).entries()) {
    const source = `${repository}:${tag} layer ${i}`;
    if (typeof layer?.digest !== 'string') {
      notes.push(`${source} has no digest`);
      continue;
    }
    if (typeof layer.size === 'number' && layer.size > MAX_LAYER_BYTES) {
      notes.push(`${source} is ${layer.size} bytes; not read (limit ${MAX_LAYER_BYTES})`);
      continue;
    }
    const blob = await registry.blob(repository, layer.digest, { signal, maxBytes: MAX_LAYER_BYTES });
    if (!blob.ok) {
      if (blob.error.code === 'cancelled' || blob.error.code === 'offline' || blob.error.code === 'timeout') throw new DiscoveryError(blob.error);
      notes.push(`${source} could not be read: ${blob.error.message}`);
      continue;
    }
    const annotations = layer.annotations && typeof layer.annotations === 'object' ? stringMap(layer.annotations as Record<string, unknown>) : {};
    out.push({ source, layer: { payload: blob.value, annotations }, mediaType: String(layer.mediaType ?? ''), predicateType: annotations.predicateType });
  }
  return out;
}

async function referrerBundles(registry: RegistryClient, repository: string, digest: string, notes: string[], signal: AbortSignal | undefined, wanted: Wanted): Promise<{ via: Discovered['referrersVia']; bundles: BundleObject[] }> {
  const r = await registry.referrers(repository, digest, signal);
  if (!r.ok) {
    if (r.error.code === 'not-found') return { via: 'none', bundles: [] };
    throw new DiscoveryError(r.error);
  }
  const bundles: BundleObject[] = [];
  const descriptors: Descriptor[] = r.value.descriptors.slice(0, MAX_REFERRERS);
  for (const d of descriptors) {
    // The index entry's artifactType cannot be trusted (cosign 2.5 writes the config media type there): read the manifest.
    const source = `${repository}@${d.digest}`;
    const m = await registry.manifest(`${repository}@${d.digest}`, signal);
    if (!m.ok) {
      if (m.error.code === 'cancelled' || m.error.code === 'offline' || m.error.code === 'timeout') throw new DiscoveryError(m.error);
      notes.push(`referrer ${source} could not be read: ${m.error.message}`);
      continue;
    }
    const json = m.value.json;
    const subject = json.subject as { digest?: unknown } | undefined;
    if (subject?.digest !== digest) {
      notes.push(`referrer ${source} names another subject (${String(subject?.digest ?? 'none')}); ignored`);
      continue;
    }
    const config = json.config as { mediaType?: unknown } | undefined;
    const artifactType = typeof json.artifactType === 'string' ? json.artifactType : typeof config?.mediaType === 'string' ? config.mediaType : '';
    const layers = Array.isArray(json.layers) ? (json.layers as Record<string, unknown>[]) : [];
    const bundleLayer = layers.find((l) => typeof l?.mediaType === 'string' && l.mediaType.startsWith(BUNDLE_MEDIA_TYPE_PREFIX));
    if (!artifactType.startsWith(BUNDLE_MEDIA_TYPE_PREFIX) && !bundleLayer) continue; // an SBOM, a Notary signature…: not ours
    if (!bundleLayer || typeof bundleLayer.digest !== 'string') {
      notes.push(`referrer ${source} is a Sigstore bundle artifact without a bundle layer`);
      continue;
    }
    const annotations = json.annotations && typeof json.annotations === 'object' ? stringMap(json.annotations as Record<string, unknown>) : {};
    const predicateType = annotations['dev.sigstore.bundle.predicateType'];
    const content = annotations['dev.sigstore.bundle.content'];
    // A bundle of a kind the caller does not look at: its layer is not fetched.
    if (!(isSignatureBundle(predicateType) ? wanted.signatures : wanted.attestations)) continue;
    const blob = await registry.blob(repository, bundleLayer.digest, { signal, maxBytes: MAX_LAYER_BYTES });
    if (!blob.ok) {
      if (blob.error.code === 'cancelled') throw new DiscoveryError(blob.error);
      notes.push(`referrer ${source}: bundle layer could not be read: ${blob.error.message}`);
      continue;
    }
    bundles.push({ source, bundle: blob.value, predicateType, content });
  }
  return { via: r.value.via, bundles };
}

/** A cosign v3 signature (a DSSE bundle of the sign predicate); every other bundle is an attestation. */
function isSignatureBundle(predicateType: string | undefined): boolean {
  return predicateType === COSIGN_SIGN_PREDICATE;
}

function stringMap(obj: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) if (typeof v === 'string') out[k] = v;
  return out;
}
