import type { Rule } from '../rule';
import { Severity } from '../../types';
import { pairOf } from '../../document/yamlFile';
import { policyRules } from '../../policy/kyvernoPolicy';
import { admissionChecked, anchor, ruleOperations } from './facts';

export const ruleOperation: Rule = {
  id: 'policy-rule-operation',
  severity: Severity.Error,
  summary: 'Kyverno rejects a rule that defines no operation, or more than one, of mutate / validate / generate / verifyImages.',
  docs: [
    'Each rule does exactly one thing: `mutate`, `validate`, `generate` or `verifyImages`. Kyverno refuses a rule with none',
    '("No operation defined in the rule") and a rule with several ("Multiple operations defined in the rule"). An empty',
    '`verifyImages: []` does not count as an operation. Split a rule with several operations into one rule per operation.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    for (const rule of policyRules(ctx.doc)) {
      const ops = ruleOperations(ctx.doc, rule);
      if (ops.length === 1) continue;
      const name = pairOf(rule.node, 'name');
      const spot = name?.value ? { node: name.value } : anchor(rule.node);
      const label = rule.name ? `rule ${JSON.stringify(rule.name)}` : 'this rule';
      ctx.report({
        ...spot,
        message: ops.length === 0
          ? `Kyverno rejects this policy: ${label} defines no operation. Add one of mutate, validate, generate or verifyImages (with at least one entry).`
          : `Kyverno rejects this policy: ${label} defines ${ops.map((o) => o.op).join(' and ')}, but a rule may have only one operation. Split it into one rule per operation.`,
      });
    }
  },
};
