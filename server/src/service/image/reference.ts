// The OCI distribution image-reference grammar (`[domain/]path[:tag][@digest]`), parsed by hand so that an
// invalid reference comes back with the reason and the offset of the offending part, plus the normalised
// forms the different consumers of an image string compute: the kubelet/Docker one, Kyverno's, and
// sigstore policy-controller's (go-containerregistry).

export type ReferenceErrorCode =
  | 'empty'
  | 'whitespace'
  | 'invalid-domain'
  | 'invalid-port'
  | 'empty-path-component'
  | 'uppercase-repository'
  | 'invalid-path-component'
  | 'invalid-character'
  | 'name-too-long'
  | 'hex-identifier'
  | 'empty-tag'
  | 'invalid-tag'
  | 'tag-too-long'
  | 'multiple-digests'
  | 'empty-digest'
  | 'invalid-digest'
  | 'unsupported-digest-algorithm'
  | 'digest-length'
  | 'digest-not-lowercase-hex';

export interface ReferenceError {
  ok: false;
  input: string;
  code: ReferenceErrorCode;
  /** One sentence a user can act on. */
  error: string;
  /** Offsets in the input of the offending part. */
  offset?: number;
  end?: number;
}

export interface ImageReference {
  ok: true;
  input: string;
  /** The registry host[:port] as written; undefined when the reference names none (Docker Hub implied). */
  domain?: string;
  /** The registry the reference resolves to for the kubelet: `domain`, or `docker.io` when implied. */
  registry: string;
  /** The repository path as written, without the domain (`nginx`, `library/nginx`, `org/app`). */
  repository: string;
  tag?: string;
  /** `algorithm:hex`, e.g. `sha256:…`. */
  digest?: string;
  digestAlgorithm?: string;
  /** Offsets of each part in the input (end exclusive), for precise ranges. */
  spans: {
    domain?: [number, number];
    repository: [number, number];
    tag?: [number, number];
    digest?: [number, number];
  };
}

export type ParsedReference = ImageReference | ReferenceError;

export const NAME_TOTAL_LENGTH_MAX = 255;
const TAG_MAX = 128;
// go-digest's registered algorithms and the lowercase-hex length each requires.
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_NAME_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[[a-fA-F0-9:]+\]$/;
const TAG = /^[\w][\w.-]*$/;
const DIGEST_ALGORITHM = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*$/;
const HEX_IDENTIFIER = /^[a-f0-9]{64}$/;

/**
 * Parses an image reference the way the kubelet does (Docker's ParseNormalizedNamed over the distribution
 * grammar): the first path element is a registry when it contains `.` or `:`, is `localhost`, or has an
 * uppercase letter; otherwise the image is on Docker Hub.
 */
export function parseImageReference(input: string): ParsedReference {
  const fail = (code: ReferenceErrorCode, error: string, offset?: number, end?: number): ReferenceError =>
    ({ ok: false, input, code, error, offset, end });

  if (input.trim() === '') return fail('empty', 'the image name is empty');
  const lead = input.length - input.trimStart().length;
  if (lead > 0) return fail('whitespace', 'the image name starts with whitespace; remove it', 0, lead);
  const trail = input.trimEnd().length;
  if (trail < input.length) return fail('whitespace', 'the image name ends with whitespace; remove it', trail, input.length);
  if (HEX_IDENTIFIER.test(input)) {
    return fail('hex-identifier', 'a 64-character hex string is an image ID, not a reference; name the repository (e.g. `repo@sha256:<hex>`)', 0, input.length);
  }

  // Digest: everything after the first '@'.
  const at = input.indexOf('@');
  let digestPart: { text: string; start: number } | undefined;
  let namePart = input;
  if (at >= 0) {
    namePart = input.slice(0, at);
    digestPart = { text: input.slice(at + 1), start: at + 1 };
    const second = digestPart.text.indexOf('@');
    if (second >= 0) return fail('multiple-digests', "a reference can hold only one '@digest'", at + 1 + second, at + 2 + second);
  }

  // Tag: after the last ':' that follows the last '/'.
  const lastSlash = namePart.lastIndexOf('/');
  const colon = namePart.indexOf(':', lastSlash + 1);
  const name = colon >= 0 ? namePart.slice(0, colon) : namePart;
  const tag = colon >= 0 ? namePart.slice(colon + 1) : undefined;

  if (name === '') return fail('empty', 'the repository name is missing before the tag or digest', 0, Math.max(1, namePart.length));

  // Domain.
  const firstSlash = name.indexOf('/');
  const first = firstSlash >= 0 ? name.slice(0, firstSlash) : '';
  const hasDomain = firstSlash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  if (hasDomain) {
    const bad = checkDomain(first);
    if (bad) return fail(bad.code, bad.error, bad.offset, bad.end);
  }
  const repoStart = hasDomain ? firstSlash + 1 : 0;
  const repository = name.slice(repoStart);

  // Path components.
  let offset = repoStart;
  for (const component of repository.split('/')) {
    const bad = checkPathComponent(component, offset);
    if (bad) return fail(bad.code, bad.error, bad.offset, bad.end);
    offset += component.length + 1;
  }

  // Docker checks the length of the fully-qualified name (`docker.io/library/nginx`).
  const qualifiedLength = hasDomain ? name.length : `docker.io/${repository.includes('/') ? '' : 'library/'}${repository}`.length;
  if (qualifiedLength > NAME_TOTAL_LENGTH_MAX) {
    return fail('name-too-long', `the repository name is ${qualifiedLength} characters long once qualified; the limit is ${NAME_TOTAL_LENGTH_MAX}`, 0, name.length);
  }

  if (tag !== undefined) {
    const tagStart = colon + 1;
    const bad = checkTag(tag, tagStart);
    if (bad) return fail(bad.code, bad.error, bad.offset, bad.end);
  }

  let digestAlgorithm: string | undefined;
  if (digestPart) {
    const bad = checkDigest(digestPart.text, digestPart.start);
    if (bad) return fail(bad.code, bad.error, bad.offset, bad.end);
    digestAlgorithm = digestPart.text.slice(0, digestPart.text.indexOf(':'));
  }

  const ref: ImageReference = {
    ok: true,
    input,
    registry: hasDomain ? first : 'docker.io',
    repository,
    spans: { repository: [repoStart, name.length] },
  };
  if (hasDomain) {
    ref.domain = first;
    ref.spans.domain = [0, first.length];
  }
  if (tag !== undefined) {
    ref.tag = tag;
    ref.spans.tag = [colon + 1, colon + 1 + tag.length];
  }
  if (digestPart) {
    ref.digest = digestPart.text;
    ref.digestAlgorithm = digestAlgorithm;
    ref.spans.digest = [digestPart.start, input.length];
  }
  return ref;
}

interface PartError { code: ReferenceErrorCode; error: string; offset: number; end: number }

function checkDomain(domain: string): PartError | undefined {
  const invalid = (error: string): PartError => ({ code: 'invalid-domain', error, offset: 0, end: domain.length });
  let host = domain;
  let port: string | undefined;
  if (domain.startsWith('[')) {
    const close = domain.indexOf(']');
    if (close < 0) return invalid(`the registry "${domain}" opens an IPv6 address with '[' but never closes it`);
    host = domain.slice(0, close + 1);
    const rest = domain.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return invalid(`unexpected "${rest}" after the IPv6 address in registry "${domain}"`);
      port = rest.slice(1);
    }
    if (!IPV6_HOST.test(host)) return invalid(`"${host}" is not a valid bracketed IPv6 address`);
  } else {
    const c = domain.indexOf(':');
    if (c >= 0) {
      host = domain.slice(0, c);
      port = domain.slice(c + 1);
    }
    if (host === '') return invalid(`the registry "${domain}" has a port but no host`);
    for (const component of host.split('.')) {
      if (!DOMAIN_NAME_COMPONENT.test(component)) {
        return invalid(`the registry host "${host}" is not a valid host name (letters, digits and inner '-' between dots)`);
      }
    }
  }
  if (port !== undefined && !/^[0-9]+$/.test(port)) {
    const start = domain.length - port.length;
    return { code: 'invalid-port', error: `the registry port "${port}" is not a number`, offset: start, end: domain.length };
  }
  return undefined;
}

function checkPathComponent(component: string, start: number): PartError | undefined {
  const end = start + component.length;
  if (component === '') {
    return { code: 'empty-path-component', error: "the repository path has an empty component (a leading, trailing or doubled '/')", offset: start, end: Math.max(end, start + 1) };
  }
  if (PATH_COMPONENT.test(component)) return undefined;
  const upper = component.search(/[A-Z]/);
  if (upper >= 0) {
    return { code: 'uppercase-repository', error: `the repository name must be lowercase ("${component}" has an uppercase letter)`, offset: start + upper, end: start + upper + 1 };
  }
  const odd = component.search(/[^a-z0-9._-]/);
  if (odd >= 0) {
    const ch = component[odd];
    return { code: 'invalid-character', error: `the repository name cannot contain ${describeChar(ch)}`, offset: start + odd, end: start + odd + 1 };
  }
  return {
    code: 'invalid-path-component',
    error: `the repository path component "${component}" must start and end with a letter or digit and use only '.', '_', '__' or '-' between them`,
    offset: start,
    end,
  };
}

function checkTag(tag: string, start: number): PartError | undefined {
  const end = start + tag.length;
  if (tag === '') return { code: 'empty-tag', error: "the tag after ':' is empty; remove the ':' or name a tag", offset: start - 1, end: start };
  if (tag.length > TAG_MAX) return { code: 'tag-too-long', error: `the tag is ${tag.length} characters long; the limit is ${TAG_MAX}`, offset: start, end };
  if (!TAG.test(tag)) {
    const odd = tag.search(/[^\w.-]/);
    if (odd >= 0) return { code: 'invalid-tag', error: `the tag "${tag}" cannot contain ${describeChar(tag[odd])} (allowed: letters, digits, '_', '.', '-')`, offset: start + odd, end: start + odd + 1 };
    return { code: 'invalid-tag', error: `the tag "${tag}" cannot start with '${tag[0]}' (it must start with a letter, digit or '_')`, offset: start, end: start + 1 };
  }
  return undefined;
}

function checkDigest(digest: string, start: number): PartError | undefined {
  const end = start + digest.length;
  if (digest === '') return { code: 'empty-digest', error: "the digest after '@' is empty; write '@sha256:<64 hex characters>'", offset: start - 1, end: start };
  const colon = digest.indexOf(':');
  if (colon < 0) return { code: 'invalid-digest', error: `the digest "${digest}" must have the form 'algorithm:hex' (e.g. sha256:<64 hex characters>)`, offset: start, end };
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (!DIGEST_ALGORITHM.test(algorithm)) {
    return { code: 'invalid-digest', error: `the digest algorithm "${algorithm}" is not valid; use sha256`, offset: start, end: start + colon };
  }
  const expected = DIGEST_HEX_LENGTH[algorithm];
  if (expected === undefined) {
    return { code: 'unsupported-digest-algorithm', error: `the digest algorithm "${algorithm}" is not supported; use sha256 (or sha512)`, offset: start, end: start + colon };
  }
  const hexStart = start + colon + 1;
  const odd = hex.search(/[^a-f0-9]/);
  if (odd >= 0) {
    const upper = /[A-F]/.test(hex[odd]);
    return {
      code: 'digest-not-lowercase-hex',
      error: upper ? `the ${algorithm} digest must be lowercase hex` : `the ${algorithm} digest contains ${describeChar(hex[odd])}; it must be lowercase hex`,
      offset: hexStart + odd,
      end: hexStart + odd + 1,
    };
  }
  if (hex.length !== expected) {
    return { code: 'digest-length', error: `the ${algorithm} digest has ${hex.length} hex characters; it needs exactly ${expected}`, offset: hexStart, end };
  }
  return undefined;
}

function describeChar(ch: string): string {
  if (ch === ' ') return 'a space';
  if (/\s/.test(ch)) return 'whitespace';
  return `'${ch}'`;
}

/** True when the reference names its content by digest, so the image that runs cannot change. */
export function isPinned(ref: ImageReference): boolean {
  return ref.digest !== undefined;
}

/** The tag the runtime pulls: the written tag, `latest` when there is neither tag nor digest, else none. */
export function effectiveTag(ref: ImageReference): string | undefined {
  return ref.tag ?? (ref.digest === undefined ? 'latest' : undefined);
}

/**
 * The fully-qualified name the kubelet pulls (Docker normalisation): `nginx` → `docker.io/library/nginx:latest`,
 * `index.docker.io/x/y` → `docker.io/x/y:latest`; tag and digest are both kept when both are written.
 */
export function dockerNormalized(ref: ImageReference): string {
  let registry = ref.domain ?? 'docker.io';
  if (registry === 'index.docker.io') registry = 'docker.io';
  const repository = registry === 'docker.io' && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
  const tag = effectiveTag(ref);
  return `${registry}/${repository}${tag !== undefined ? `:${tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

export interface KyvernoNormalizeOptions {
  /** Kyverno's `defaultRegistry` setting (default `docker.io`). */
  defaultRegistry?: string;
  /** Kyverno's `enableDefaultRegistryMutation` setting (default true). */
  enableDefaultRegistryMutation?: boolean;
}

/**
 * The string Kyverno matches `imageReferences` against (pkg/utils/image/infos.go): the default registry is
 * prefixed when none is written, no `library/` is inserted, `latest` is assumed without tag or digest, and a
 * digest drops the tag: `nginx` → `docker.io/nginx:latest`, `ghcr.io/x/y:v1@sha256:…` → `ghcr.io/x/y@sha256:…`.
 */
export function kyvernoNormalized(ref: ImageReference, options: KyvernoNormalizeOptions = {}): string {
  const registry = ref.domain ?? (options.enableDefaultRegistryMutation === false ? '' : options.defaultRegistry ?? 'docker.io');
  const base = registry ? `${registry}/${ref.repository}` : ref.repository;
  return ref.digest ? `${base}@${ref.digest}` : `${base}:${ref.tag ?? 'latest'}`;
}

/**
 * The name sigstore policy-controller matches ClusterImagePolicy globs against (go-containerregistry
 * `name.ParseReference(image, WeakValidation).Name()`): Docker Hub is `index.docker.io`, single-element
 * Hub names get `library/`, `latest` is assumed, a digest drops the tag. Only a first element with `.` or
 * `:` is a registry there (so `localhost/x` is a Hub repository). Undefined when go-containerregistry
 * rejects the reference (uppercase registry-like first element, non-sha256 digest).
 */
export function sigstoreNormalized(ref: ImageReference): string | undefined {
  if (ref.digest && ref.digestAlgorithm !== 'sha256') return undefined;
  const full = ref.domain ? `${ref.domain}/${ref.repository}` : ref.repository;
  const slash = full.indexOf('/');
  const first = slash >= 0 ? full.slice(0, slash) : '';
  let registry = 'index.docker.io';
  let repository = full;
  if (slash >= 0 && /[.:]/.test(first)) {
    registry = first === 'docker.io' ? 'index.docker.io' : first;
    repository = full.slice(slash + 1);
  }
  if (/[^a-z0-9_./-]/.test(repository)) return undefined;
  if (registry === 'index.docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  const base = `${registry}/${repository}`;
  return ref.digest ? `${base}@${ref.digest}` : `${base}:${ref.tag ?? 'latest'}`;
}
