// Shared reading of image patterns for the weak-pattern rules: where patterns live in a Kyverno policy,
// which part of a pattern names the registry, and concrete images that show what a pattern lets through.
import { isScalar, Node, Scalar } from 'yaml';
import type { YamlDoc } from '../../document/yamlFile';
import { asMap, mapItems, seqItems } from '../../document/yamlFile';
import { policyRules } from '../../policy/kyvernoPolicy';
import type { KyvernoEntry } from '../../policy/model';
import { kyvernoNormalize, wildcardMatch } from '../../image/wildcard';

export interface PatternItem {
  node: Scalar;
  value: string;
}

function stringItem(node: unknown): PatternItem | undefined {
  return isScalar(node) && typeof node.value === 'string' ? { node, value: node.value } : undefined;
}

/** The patterns Kyverno uses to select images for an entry: the model's `imageReferences`, after Convert(). */
export function selectingPatterns(entry: KyvernoEntry): PatternItem[] {
  return entry.imageReferences.map((m) => ({ node: m.node, value: m.pattern }));
}

export function skipPatterns(entry: KyvernoEntry): PatternItem[] {
  return entry.skipImageReferences.map((m) => ({ node: m.node, value: m.pattern }));
}

/** Keys that hold an image value in a validate pattern; conditional/negation anchors do not allow anything. */
const IMAGE_KEYS = new Set(['image', '=(image)']);

/** Every `image:` string inside `validate.pattern`, `validate.anyPattern` and their `foreach` forms. */
export function validatePatternImages(doc: YamlDoc): PatternItem[] {
  const out: PatternItem[] = [];
  const walk = (node: unknown) => {
    for (const pair of mapItems(node)) {
      const item = IMAGE_KEYS.has(String(pair.key.value)) ? stringItem(pair.value) : undefined;
      if (item) out.push(item);
      else walk(pair.value);
    }
    seqItems(node).forEach(walk);
  };
  const walkRoots = (holder: unknown) => {
    const map = asMap(holder);
    if (!map) return;
    walk(map.get('pattern', true));
    seqItems(map.get('anyPattern', true)).forEach(walk);
  };
  for (const rule of policyRules(doc)) {
    const validate = asMap(rule.node.get('validate', true));
    walkRoots(validate);
    seqItems(validate?.get('foreach', true)).forEach(walkRoots);
  }
  return out;
}

/**
 * Kyverno validate-pattern strings are an OR (`|`) of ANDs (`&`) of operands, each trimmed; an operand with an
 * operator prefix (`!`, `<`, `>`, `=`) is a comparison, not an allow pattern.
 */
export function patternAlternatives(value: string): string[][] {
  return value.split('|').map((alt) => alt.split('&').map((c) => c.trim()));
}

export function isOperatorOperand(operand: string): boolean {
  return /^[!<>=]/.test(operand);
}

/** The registry part of a pattern: up to the first `/`, or the whole pattern when it has none. */
export function hostPart(pattern: string): string {
  const slash = pattern.indexOf('/');
  return slash < 0 ? pattern : pattern.slice(0, slash);
}

/** A pattern made only of `*` and `?` (at least one `*`): it accepts every (non-empty, with `?`) string. */
export function isAllWildcards(pattern: string): boolean {
  return /^[*?]*\*[*?]*$/.test(pattern);
}

/** Registries where anyone can create a namespace, so an organisation-name prefix is not a boundary. */
export const PUBLIC_REGISTRIES = new Set([
  'docker.io', 'index.docker.io', 'registry-1.docker.io', 'ghcr.io', 'quay.io', 'gcr.io', 'registry.gitlab.com', 'public.ecr.aws',
]);

export type RegistryWildcard =
  // A `*` leads the registry name: any host ending in the rest, e.g. `*.company.com/app` or `*` + `/nginx`.
  | { kind: 'leading'; index: number }
  // A `*` inside or right after the host name: look-alike hosts, e.g. `registry.company.com*`.
  | { kind: 'host'; index: number }
  // A `*` inside the namespace of a public registry: look-alike organisations, e.g. `ghcr.io/myorg*`.
  | { kind: 'namespace'; index: number };

/**
 * Where a pattern lets somebody else's registry or namespace in. A `*` right after `host:` is a port
 * wildcard and stays on the same host, so it is not reported.
 */
export function registryWildcard(pattern: string): RegistryWildcard | undefined {
  const host = hostPart(pattern);
  const star = host.indexOf('*');
  if (star === 0) return { kind: 'leading', index: 0 };
  if (star > 0 && host[star - 1] !== ':') return { kind: 'host', index: star };
  if (star >= 0 || host.length === pattern.length || /[?]/.test(host)) return undefined;
  if (!PUBLIC_REGISTRIES.has(host)) return undefined;
  const rest = pattern.slice(host.length + 1);
  const segment = rest.split('/')[0];
  const inSegment = segment.indexOf('*');
  // `ghcr.io/*` (the whole registry) is a different finding; `ghcr.io/myorg*` is the look-alike one.
  if (inSegment > 0) return { kind: 'namespace', index: host.length + 1 + inSegment };
  return undefined;
}

const ATTACKER_HOST = 'attacker.example';

/**
 * A concrete, valid, already-normalised image that `pattern` matches and that an outsider controls, found by
 * trying fillers for the wildcard at `at` and plain fillers for the other wildcards. Verified by matching.
 */
export function lookalikeExample(pattern: string, at: RegistryWildcard, accept: (image: string) => boolean = () => true): string | undefined {
  const chars = Array.from(pattern);
  const prev = chars[at.index - 1] ?? '';
  const next = chars[at.index + 1] ?? '';
  let attack: string[];
  if (at.kind === 'namespace') attack = /[a-z0-9]/.test(prev) ? ['-attacker', 'attacker'] : ['attacker'];
  else if (at.kind === 'leading') attack = next === '/' || next === ':' || next === '' ? [ATTACKER_HOST] : /[a-z0-9]/i.test(next) ? ['evil', `${ATTACKER_HOST}/x`] : [`${ATTACKER_HOST}/x`];
  else attack = /[a-z0-9]/i.test(prev) ? [`.${ATTACKER_HOST}/x`, `.${ATTACKER_HOST}`] : [`${ATTACKER_HOST}/x`, ATTACKER_HOST];
  const attackFillers = at.kind === 'namespace'
    ? attack.flatMap((a) => [`${a}/app:latest`, `${a}/app:v1`, a, `${a}:latest`])
    : attack.flatMap((a) => [a, `${a}:latest`, `${a}/app:latest`, `${a}:v1`, `${a}/app:v1`]);
  const plainStar = ['', 'latest', 'app', ':latest', 'app:latest', '/app:latest', 'x/app:latest', ':v1', 'app:v1', '/app:v1'];
  const isOutsider = (image: string) =>
    // The host must be one an outsider registers: not a subdomain of the name the pattern spells out.
    at.kind === 'namespace' ? (image.split('/')[1] ?? '').includes('attacker') : /^evil|attacker\.example(:\d+)?$/.test(hostPart(image));

  const wildcardSlots = chars.map((c, i) => (c === '*' || c === '?' ? i : -1)).filter((i) => i >= 0);
  if (wildcardSlots.length > 4) return undefined;
  const options = wildcardSlots.map((i) => (i === at.index ? attackFillers : chars[i] === '?' ? ['5', 'a'] : plainStar));
  const pick = (slot: number, built: string[]): string | undefined => {
    if (slot === wildcardSlots.length) {
      const image = built.join('');
      return kyvernoNormalize(image) === image && wildcardMatch(pattern, image) && isOutsider(image) && accept(image) ? image : undefined;
    }
    for (const filler of options[slot]) {
      const copy = built.slice();
      copy[wildcardSlots[slot]] = filler;
      const found = pick(slot + 1, copy);
      if (found) return found;
    }
    return undefined;
  };
  return pick(0, chars);
}

/**
 * A replacement that pins the registry (or namespace) the pattern most likely meant, or undefined when the
 * wildcard sits in the middle of a name and the intended host cannot be guessed.
 */
export function tighterPattern(pattern: string, at: RegistryWildcard): string | undefined {
  const host = hostPart(pattern);
  const afterStar = pattern.slice(at.index + 1);
  if (at.kind === 'namespace') {
    const before = pattern.slice(0, at.index);
    return afterStar.startsWith('/') ? before + afterStar : `${before}/*`;
  }
  if (at.kind === 'host') {
    if (at.index !== host.length - 1) return undefined;
    const rest = pattern.slice(host.length);
    return `${pattern.slice(0, at.index)}${rest || '/*'}`;
  }
  const suffix = host.replace(/^\*+/, '');
  if (/[*?]/.test(suffix)) return undefined;
  const rest = pattern.slice(host.length) || '/*';
  if (suffix === '' || suffix.startsWith(':')) return `registry.example.com${suffix}${rest}`;
  return `${suffix.startsWith('.') ? `registry${suffix}` : suffix}${rest}`;
}

/** Replaces every wildcard so a pattern reads as one concrete string (for probing other patterns). */
export function fillWildcards(pattern: string, star: string, question = 'x'): string {
  return pattern.replace(/\*/g, star).replace(/\?/g, question);
}

export function quote(s: string): string {
  return `"${s}"`;
}

export type { Node };

/** A scalar child of a map with its plain value, whatever the map's declared value type. */
export function scalarChild(map: unknown, key: string): { node: Scalar; value: unknown } | undefined {
  const node = asMap(map)?.get(key, true) as unknown;
  return isScalar(node) ? { node, value: node.value } : undefined;
}
