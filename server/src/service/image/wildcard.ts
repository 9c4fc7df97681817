// How Kyverno ClusterPolicy/Policy compares image patterns with images: its go-wildcard matcher and the
// normalised image string it matches against. The reference grammar itself is `reference.ts`'s.
import { kyvernoNormalized, parseImageReference } from './reference';

/**
 * Kyverno's `imageReferences` / `skipImageReferences` / keyless `subject` matcher (go-wildcard v1.0.3):
 * anchored, case-sensitive, compared rune by rune. `*` matches any run of runes, including none and
 * including `/`, `:` and `@`; `?` matches exactly one rune. There are no character classes and no escapes.
 */
export function wildcardMatch(pattern: string, value: string): boolean {
  // Greedy matcher with single-star backtracking over UTF-16 indexes (no per-call allocation: it runs for
  // every pattern × image × keystroke). Linear-ish instead of exponential on patterns such as `*a*a*a*b`.
  // Positions advance by whole code points so that `?` consumes a surrogate pair as one rune.
  const pn = pattern.length;
  const sn = value.length;
  let pi = 0;
  let si = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (si < sn) {
    if (pi < pn) {
      const pc = pattern.charCodeAt(pi);
      if (pc === QUESTION) {
        pi++;
        si += runeWidth(value, si);
        continue;
      }
      if (pc === STAR) {
        starAt = pi++;
        resumeAt = si;
        continue;
      }
      if (pc === value.charCodeAt(si)) {
        const width = runeWidth(pattern, pi);
        // Equal runes: same width and same units (a lone high surrogate never equals a pair).
        if (width === 1 ? runeWidth(value, si) === 1 : pattern.charCodeAt(pi + 1) === value.charCodeAt(si + 1)) {
          pi += width;
          si += width;
          continue;
        }
      }
    }
    if (starAt < 0) return false;
    pi = starAt + 1;
    resumeAt += runeWidth(value, resumeAt);
    si = resumeAt;
  }
  while (pi < pn && pattern.charCodeAt(pi) === STAR) pi++;
  return pi === pn;
}

const STAR = 0x2a;
const QUESTION = 0x3f;

/** UTF-16 units of the code point at `i`: 2 for a surrogate pair, else 1 (lone surrogates count as one rune). */
function runeWidth(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff || i + 1 >= s.length) return 1;
  const next = s.charCodeAt(i + 1);
  return next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
}

/** True when a pattern has a go-wildcard metacharacter. */
export function hasWildcard(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

export interface KyvernoImageInfo {
  /** Empty when default-registry mutation is disabled and the registry was only implied. */
  registry: string;
  path: string;
  tag?: string;
  digest?: string;
  /** The string Kyverno matches patterns against: `registry/path@digest` or `registry/path:tag`. */
  normalized: string;
}

export interface KyvernoNormalizeOptions {
  /** Kyverno's `defaultRegistry` setting (default `docker.io`). */
  defaultRegistry?: string;
  /** Kyverno's `enableDefaultRegistryMutation` setting (default true). */
  enableDefaultRegistryMutation?: boolean;
}

/**
 * Kyverno's view of an image (pkg/utils/image/infos.go): the default registry is prefixed when the first
 * path segment is not a host, nothing else is inserted (`nginx` → `docker.io/nginx:latest`, never
 * `library/`), `latest` is assumed when there is neither tag nor digest, and a digest drops the tag.
 * Returns undefined for strings Kyverno cannot parse.
 */
export function kyvernoImageInfo(image: string, options: KyvernoNormalizeOptions = {}): KyvernoImageInfo | undefined {
  const ref = parseImageReference(image);
  if (!ref.ok) return undefined;
  const normalized = kyvernoNormalized(ref, options);
  const registry = ref.domain ?? (options.enableDefaultRegistryMutation === false ? '' : options.defaultRegistry ?? 'docker.io');
  const tag = ref.tag === undefined && ref.digest === undefined ? 'latest' : ref.tag;
  return { registry, path: ref.repository, tag, digest: ref.digest, normalized };
}

/** The string Kyverno matches `imageReferences` against, or undefined when it cannot parse the image. */
export function kyvernoNormalize(image: string, options: KyvernoNormalizeOptions = {}): string | undefined {
  return kyvernoImageInfo(image, options)?.normalized;
}

