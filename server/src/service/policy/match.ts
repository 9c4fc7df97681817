// Whether an image pattern of a policy matches an image, in the semantics of the policy's kind. The model
// (model.ts) says which semantics each pattern has; this file is the one place that knows what they mean.
import { kyvernoNormalize, KyvernoNormalizeOptions, wildcardMatch } from '../image/wildcard';
import { parseImageReference, sigstoreNormalized } from '../image/reference';
import type { ImageMatcher } from './model';

/** yes / no, or undefined when it cannot be decided here (a CEL expression, an unparsable image). */
export type MatchAnswer = boolean | undefined;

/** Whether one matcher accepts an image as written in a manifest. */
export function matcherAccepts(matcher: Pick<ImageMatcher, 'semantics' | 'pattern'>, image: string, options: KyvernoNormalizeOptions = {}): MatchAnswer {
  switch (matcher.semantics) {
    case 'kyverno-wildcard': {
      const normalized = kyvernoNormalize(image, options);
      return normalized === undefined ? false : wildcardMatch(matcher.pattern, normalized);
    }
    case 'ivp-glob':
      return ivpGlobMatch(matcher.pattern, image);
    case 'cip-glob': {
      const ref = parseImageReference(image);
      const normalized = ref.ok ? sigstoreNormalized(ref) : undefined;
      return normalized === undefined ? false : cipGlobMatch(matcher.pattern, normalized);
    }
    case 'ivp-cel':
      return undefined;
  }
}

export type KyvernoImageMatch =
  | { applies: true; normalized: string; pattern: string }
  | { applies: false; normalized?: string; reason: string };

/**
 * Whether a Kyverno verifyImages entry verifies `image`: some `imageReferences` pattern (after Convert())
 * matches Kyverno's normalised form and no `skipImageReferences` pattern does.
 */
export function kyvernoEntryMatch(entry: { imageReferences: readonly string[]; skipImageReferences: readonly string[] }, image: string): KyvernoImageMatch {
  const normalized = kyvernoNormalize(image);
  if (!normalized) return { applies: false, reason: `rule does not apply to this image: Kyverno cannot parse "${image}"` };
  const pattern = entry.imageReferences.find((p) => wildcardMatch(p, normalized));
  if (!pattern) {
    return { applies: false, normalized, reason: `rule does not apply to this image: ${normalized} matches none of imageReferences (${entry.imageReferences.join(', ') || 'none'})` };
  }
  const skip = entry.skipImageReferences.find((p) => wildcardMatch(p, normalized));
  if (skip) return { applies: false, normalized, reason: `rule does not apply to this image: ${normalized} matches skipImageReferences ${skip}` };
  return { applies: true, normalized, pattern };
}

/**
 * ImageValidatingPolicy `glob` (gobwas/glob without separators, on the raw image string): `*` any run of
 * characters including `/`, `?` one character, `[abc]` / `[a-z]` / `[!a]` classes, `{a,b}` alternatives,
 * `\` escapes the next character.
 */
export function ivpGlobMatch(pattern: string, value: string): boolean {
  const re = globRegExp(pattern, false);
  return re !== undefined && re.test(value);
}

/**
 * ClusterImagePolicy `glob` (policy-controller's GlobMatch) on the normalised reference: `*` stays within
 * one path segment, `**` crosses `/`; the glob `*` alone means official Docker Hub images.
 */
export function cipGlobMatch(pattern: string, normalized: string): boolean {
  const p = pattern === '*' ? 'index.docker.io/library/*' : pattern;
  const re = globRegExp(p, true);
  return re !== undefined && re.test(normalized);
}

const globCache = new Map<string, RegExp | undefined>();

function globRegExp(pattern: string, segmented: boolean): RegExp | undefined {
  const key = `${segmented ? 's' : 'r'}${pattern}`;
  if (globCache.has(key)) return globCache.get(key);
  let re: RegExp | undefined;
  try {
    re = new RegExp(`^${globSource(pattern, segmented)}$`, 'su');
  } catch {
    re = undefined;
  }
  if (globCache.size > 5_000) globCache.clear();
  globCache.set(key, re);
  return re;
}

function globSource(pattern: string, segmented: boolean): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (segmented && pattern[i + 1] === '*') {
        out += '.*';
        i++;
      } else out += segmented ? '[^/]*' : '.*';
    } else if (c === '?') out += segmented ? '[^/]' : '.';
    else if (c === '[' && !segmented) {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) return '(?!)'; // gobwas refuses an unclosed class: the pattern matches nothing
      let body = pattern.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = close;
    } else if (c === '{' && !segmented) {
      out += '(?:';
      depth++;
    } else if (c === '}' && depth > 0) {
      out += ')';
      depth--;
    } else if (c === ',' && depth > 0) out += '|';
    else if (c === '\\' && !segmented && i + 1 < pattern.length) out += escape(pattern[++i]);
    else out += escape(c);
  }
  return depth > 0 ? '(?!)' : out;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
