import type { Rule } from '../rule';
import { Severity } from '../../types';
import { asMap, pairOf, seqItems } from '../../document/yamlFile';
import { policyRules } from '../../policy/kyvernoPolicy';
import { admissionChecked, hasContent } from './facts';

export const matchAnyAll: Rule = {
  id: 'policy-match-any-all',
  severity: Severity.Error,
  summary: 'Kyverno rejects match/exclude blocks that combine any with all, or any/all with the legacy resources form.',
  docs: [
    'A `match` or `exclude` block uses one form: `any` (OR of filters), `all` (AND of filters), or the legacy inline',
    '`resources`. Kyverno refuses `any` together with `all` ("Can\'t specify any and all together") and either of them next to',
    '`resources` ("can\'t specify any/all together with match resources"). Move the legacy filter into an `any`/`all` item.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    for (const rule of policyRules(ctx.doc)) {
      for (const section of ['match', 'exclude'] as const) {
        const block = asMap(rule.node.get(section, true));
        if (!block) continue;
        const anyPair = pairOf(block, 'any');
        const allPair = pairOf(block, 'all');
        const hasAny = seqItems(anyPair?.value).length > 0;
        const hasAll = seqItems(allPair?.value).length > 0;
        if (hasAny && hasAll && allPair) {
          ctx.report({
            keyOf: allPair,
            message: `Kyverno rejects this policy: ${section} uses both any and all. Keep one of them: any matches when one filter matches, all when every filter matches.`,
          });
        }
        const legacy = pairOf(block, 'resources');
        if ((hasAny || hasAll) && legacy && hasContent(legacy.value)) {
          ctx.report({
            keyOf: legacy,
            message: `Kyverno rejects this policy: ${section}.resources cannot be combined with ${hasAny ? 'any' : 'all'}. ` +
              `Move this filter into an item of ${section}.${hasAny ? 'any' : 'all'} (as "- resources: …") or drop it.`,
          });
        }
      }
    }
  },
};
