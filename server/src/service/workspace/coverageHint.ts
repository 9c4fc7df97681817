// When no verifyImages rule covers an image, which policy comes closest, so the message can point at the
// place to change: a rule whose pattern matches but whose match/exclude leaves this workload out, else a
// rule that verifies other images of the same registry.
import { isScalar, isSeq } from 'yaml';
import type { YamlDoc } from '../document/yamlFile';
import { kyvernoImageInfo, wildcardMatch } from '../image/wildcard';
import { coverageModel, CoverageModel, ImageSubject } from '../manifest/coverage';

export interface CoverageHint {
  kind: 'not-selected' | 'same-registry';
  policy: YamlDoc;
  policyName?: string;
  ruleName?: string;
  /** The imageReferences pattern that matched (not-selected) or shares the registry (same-registry). */
  pattern: string;
}

/** The closest verifyImages rule for an image that none covers; undefined when nothing is close. */
export function coverageHint(policies: readonly YamlDoc[], subject: ImageSubject): CoverageHint | undefined {
  const hints = hintsOf(coverageModel(policies));
  // The answer depends on the image alone, and a manifest repeats its images.
  if (hints.byImage.has(subject.image)) return hints.byImage.get(subject.image);
  const hint = closestPattern(hints.patterns, subject.image);
  if (hints.byImage.size >= 10_000) hints.byImage.clear();
  hints.byImage.set(subject.image, hint);
  return hint;
}

interface HintPattern {
  policy: YamlDoc;
  policyName?: string;
  ruleName?: string;
  pattern: string;
  /** The pattern's registry segment, when it has a usable one. */
  registry?: string;
}

interface Hints {
  patterns: HintPattern[];
  byImage: Map<string, CoverageHint | undefined>;
}

const hintCache = new WeakMap<CoverageModel, Hints>();

/** Every imageReferences pattern of the model's verifyImages entries, in policy order, read once per model. */
function hintsOf(model: CoverageModel): Hints {
  let hints = hintCache.get(model);
  if (!hints) {
    const patterns = model.entries.flatMap((entry) => imagePatterns(entry.view.node.get('imageReferences', true)).map((pattern) => ({
      policy: entry.policy,
      policyName: entry.policyName,
      ruleName: entry.view.rule.name,
      pattern,
      registry: registryOf(pattern),
    })));
    hints = { patterns, byImage: new Map() };
    hintCache.set(model, hints);
  }
  return hints;
}

function closestPattern(patterns: readonly HintPattern[], image: string): CoverageHint | undefined {
  const info = kyvernoImageInfo(image);
  if (!info) return undefined;
  let sameRegistry: CoverageHint | undefined;
  for (const { policy, policyName, ruleName, pattern, registry } of patterns) {
    const hint = { policy, policyName, ruleName, pattern };
    // The caller only asks when no rule covers the image, so a matching pattern means the rule is not selected.
    if (wildcardMatch(pattern, info.normalized)) return { kind: 'not-selected', ...hint };
    if (!sameRegistry && info.registry !== '' && registry !== undefined && wildcardMatch(registry, info.registry)) {
      sameRegistry = { kind: 'same-registry', ...hint };
    }
  }
  return sameRegistry;
}

/** A pattern that covers every tag and digest of the image's repository, e.g. `ghcr.io/acme/web*`. */
export function suggestedPattern(image: string): string | undefined {
  const info = kyvernoImageInfo(image);
  if (!info) return undefined;
  return `${info.registry ? `${info.registry}/` : ''}${info.path}*`;
}

/** The registry part of a pattern (its first segment), unless that segment is a bare `*`. */
function registryOf(pattern: string): string | undefined {
  const slash = pattern.indexOf('/');
  if (slash <= 0) return undefined;
  const first = pattern.slice(0, slash);
  return /^[*?]+$/.test(first) ? undefined : first;
}

function imagePatterns(node: unknown): string[] {
  const items = isSeq(node) ? node.items : [node];
  return items.flatMap((n) => (isScalar(n) && typeof n.value === 'string' ? [n.value] : []));
}
