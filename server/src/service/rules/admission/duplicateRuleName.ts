import { isScalar } from 'yaml';
import type { Rule } from '../rule';
import { Severity } from '../../types';
import { policyRules } from '../../policy/kyvernoPolicy';
import { admissionChecked } from './facts';

export const duplicateRuleName: Rule = {
  id: 'policy-duplicate-rule-name',
  severity: Severity.Error,
  summary: 'Kyverno rejects a policy in which two rules share a name.',
  docs: [
    'Rule names identify rules in reports, events and autogen rules, so they must be unique within a policy; Kyverno refuses',
    'duplicates ("Duplicate rule name"). Each repetition after the first is reported.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    const seen = new Set<string>();
    for (const rule of policyRules(ctx.doc)) {
      const node = rule.node.get('name', true);
      if (!isScalar(node) || typeof node.value !== 'string') continue;
      if (!seen.has(node.value)) {
        seen.add(node.value);
        continue;
      }
      ctx.report({
        node,
        message: `Kyverno rejects this policy: another rule is already named ${JSON.stringify(node.value)}. Rule names must be unique within a policy; rename this one.`,
      });
    }
  },
};
