// When no verifyImages rule covers an image, which policy comes closest, so the message can point at the
// place to change: a rule whose pattern matches but whose match/exclude leaves this workload out, else a
// rule that verifies other images of the same registry.
import { isScalar, isSeq } from 'yaml';
import type { YamlDoc } from '../document/yamlFile';
import { verifyImagesEntries } from '../policy/kyvernoPolicy';
import { kyvernoImageInfo, wildcardMatch } from '../image/wildcard';
import { metadataString } from '../manifest/ruleMatch';
import type { ImageSubject } from '../manifest/coverage';

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
  const info = kyvernoImageInfo(subject.image);
  if (!info) return undefined;
  let sameRegistry: CoverageHint | undefined;
  for (const policy of policies) {
    if (policy.kind !== 'kyverno-policy') continue;
    for (const entry of verifyImagesEntries(policy)) {
      for (const pattern of imagePatterns(entry.node.get('imageReferences', true))) {
        const hint = { policy, policyName: metadataString(policy, 'name'), ruleName: entry.rule.name, pattern };
        // The caller only asks when no rule covers the image, so a matching pattern means the rule is not selected.
        if (wildcardMatch(pattern, info.normalized)) return { kind: 'not-selected', ...hint };
        if (!sameRegistry && info.registry !== '' && registryOf(pattern) !== undefined && wildcardMatch(registryOf(pattern)!, info.registry)) {
          sameRegistry = { kind: 'same-registry', ...hint };
        }
      }
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
