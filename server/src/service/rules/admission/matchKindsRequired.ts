import type { Rule } from '../rule';
import { Severity } from '../../types';
import { asMap, pairOf, seqItems } from '../../document/yamlFile';
import { policyRules } from '../../policy/kyvernoPolicy';
import type { FilterBlock } from './facts';
import { admissionChecked, anchor, filterBlocks, kindItems } from './facts';

export const matchKindsRequired: Rule = {
  id: 'policy-match-kinds-required',
  severity: Severity.Error,
  summary: 'Kyverno rejects a match block that selects no kinds.',
  docs: [
    'Every resource filter under `match` must name the kinds it selects: each `match.any[]` item (or, without `any`, each',
    '`match.all[]` item), or `match.resources` in the legacy form, needs a non-empty `resources.kinds`. Kyverno refuses the',
    'policy otherwise ("the kind attribute is mandatory when working with the resources element"). `exclude` blocks may omit',
    'kinds.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    for (const rule of policyRules(ctx.doc)) {
      const match = asMap(rule.node.get('match', true));
      if (!match) continue;
      const blocks = filterBlocks(rule, 'match');
      // Kyverno checks `any` when it has items, else `all`, else the legacy `resources`.
      const via = seqItems(match.get('any', true)).length > 0 ? 'any' : seqItems(match.get('all', true)).length > 0 ? 'all' : 'resources';
      const checked: (FilterBlock | undefined)[] = via === 'resources' ? [blocks.find((b) => b.via === 'resources')] : blocks.filter((b) => b.via === via);
      for (const block of checked) {
        if (block && kindItems(block.resources).length > 0) continue;
        const spot = block
          ? pairOf(block.block, 'resources') ? { keyOf: pairOf(block.block, 'resources')! } : anchor(block.block)
          : { keyOf: pairOf(rule.node, 'match')! };
        ctx.report({
          ...spot,
          message: 'Kyverno rejects this policy: this match block selects no kinds. ' +
            'Add resources.kinds with the kinds the rule applies to, e.g. kinds: [Pod] (autogen extends Pod rules to controllers).',
        });
      }
    }
  },
};
