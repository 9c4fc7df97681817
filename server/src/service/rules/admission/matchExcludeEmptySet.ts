import { isDeepStrictEqual } from 'node:util';
import type { Rule } from '../rule';
import { Severity } from '../../types';
import { asMap, seqItems } from '../../document/yamlFile';
import { policyRules } from '../../policy/kyvernoPolicy';
import { admissionChecked, anchor, plainOf } from './facts';

export const matchExcludeEmptySet: Rule = {
  id: 'policy-match-exclude-empty-set',
  severity: Severity.Error,
  summary: 'Kyverno rejects a rule whose exclude repeats one of its match filters: it would match nothing.',
  docs: [
    'When both `match.any` and `exclude.any` are given (and neither block uses `all`), Kyverno refuses the policy if an',
    '`exclude.any` filter is identical to a `match.any` filter ("Rule is matching an empty set"): whatever that filter selects',
    'is excluded again. Identical means the same fields with the same values once empty fields are dropped; key order does',
    'not matter, list order does. Change the exclude filter to the subset you mean to leave out, or remove it.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    for (const rule of policyRules(ctx.doc)) {
      const match = asMap(rule.node.get('match', true));
      const exclude = asMap(rule.node.get('exclude', true));
      if (!match || !exclude) continue;
      if (seqItems(match.get('all', true)).length > 0 || seqItems(exclude.get('all', true)).length > 0) continue;
      const matched = seqItems(match.get('any', true)).map(plainOf);
      if (matched.length === 0) continue;
      for (const item of seqItems(exclude.get('any', true))) {
        const map = asMap(item);
        if (!map) continue;
        const data = plainOf(map);
        const same = matched.findIndex((m) => isDeepStrictEqual(m, data));
        if (same < 0) continue;
        ctx.report({
          ...anchor(map),
          message: `Kyverno rejects this policy: this exclude filter is identical to match.any[${same}], so rule "${rule.name ?? rule.index}" ` +
            'matches an empty set. Narrow the exclude filter to what should be left out, or remove it.',
        });
      }
    }
  },
};
