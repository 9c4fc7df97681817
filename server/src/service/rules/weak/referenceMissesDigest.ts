import type { Rule } from '../rule';
import { Severity } from '../../types';
import { kyvernoModel } from '../../policy/model';
import { wildcardMatch } from '../../image/wildcard';
import { fillWildcards, quote, selectingPatterns } from './imagePatterns';
import { neverMatchReason } from './referenceNeverMatches';
import { replaceValueFix, replacementData } from './fixes';

const PROBE_DIGEST = `sha256:${'0'.repeat(64)}`;

/** The repository part of a pattern that pins a tag after its last `/` (`ghcr.io/x/y:v*` → `ghcr.io/x/y`), else undefined. */
export function tagConstrainedRepository(pattern: string): string | undefined {
  const lastSlash = pattern.lastIndexOf('/');
  if (lastSlash < 0) return undefined;
  const colon = pattern.indexOf(':', lastSlash + 1);
  if (colon < 0 || pattern.includes('@', lastSlash + 1)) return undefined;
  return pattern.slice(0, colon);
}

export const referenceMissesDigest: Rule = {
  id: 'policy-reference-misses-digest',
  severity: Severity.Warning,
  summary: 'A tag-shaped imageReferences pattern (`repo:*`) never matches digest-pinned images, so they skip verification.',
  docs: [
    'When an image carries a digest, Kyverno matches `registry/repo@sha256:…` and drops the tag, so `ghcr.io/x/y:*` or',
    '`ghcr.io/x/y:v*` never select `ghcr.io/x/y@sha256:…` nor `ghcr.io/x/y:v1@sha256:…`. Anyone can then bypass the',
    'signature check by pinning a digest, and images already pinned (for example by `mutateDigest` on the Deployment) are no',
    'longer checked on the Pods created from it. Use `ghcr.io/x/y*` or add `ghcr.io/x/y@*` next to the tag pattern.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    for (const entry of kyvernoModel(ctx.doc)?.entries ?? []) {
      const patterns = selectingPatterns(entry);
      for (const item of patterns) {
        const repo = tagConstrainedRepository(item.value);
        if (repo === undefined || neverMatchReason(item.value)) continue;
        const probe = `${fillWildcards(repo, 'x', '5')}@${PROBE_DIGEST}`;
        if (patterns.some((p) => wildcardMatch(p.value, probe))) continue;
        const shown = fillWildcards(repo, 'x', '5');
        ctx.report({
          node: item.node,
          message:
            `Pattern ${quote(item.value)} never matches a digest-pinned image: Kyverno matches "${shown}:v1@sha256:…" as ` +
            `"${shown}@sha256:…" (the tag is dropped), so pinned images skip this verification. ` +
            `Use ${quote(`${repo}*`)}, or add ${quote(`${repo}@*`)} to imageReferences.`,
          data: replacementData(`${repo}*`),
        });
      }
    }
  },
  fix(ctx) {
    return replaceValueFix(ctx, (r) => `Use ${quote(r)} (matches tags and digests)`);
  },
};
