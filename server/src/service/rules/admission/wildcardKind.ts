import type { Rule } from '../rule';
import { Severity } from '../../types';
import { asMap, seqItems } from '../../document/yamlFile';
import { policyRules } from '../../policy/kyvernoPolicy';
import { admissionChecked, filterBlocks, kindItems, ruleOperations, specFlag } from './facts';

export const wildcardKind: Rule = {
  id: 'policy-wildcard-kind',
  severity: Severity.Error,
  summary: 'Kyverno rejects `kinds: ["*"]` in verifyImages (and generate) rules, in background mode, and next to other kinds.',
  docs: [
    'A wildcard kind makes a rule apply to every resource. Kyverno refuses it for verifyImages, generate and validate.foreach',
    'rules ("wildcard policy does not support rule type"), whenever `spec.background` is true (the default), and when `"*"` is',
    'listed with other kinds. For image verification, list the kinds that carry images (Pod; autogen adds the controllers).',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    const background = specFlag(ctx.doc, 'background').value;
    for (const rule of policyRules(ctx.doc)) {
      const ops = ruleOperations(ctx.doc, rule).map((o) => o.op);
      const foreach = seqItems(asMap(rule.node.get('validate', true))?.get('foreach', true)).length > 0;
      const unsupported = ops.includes('verifyImages') ? 'verifyImages' : ops.includes('generate') ? 'generate' : foreach ? 'validate.foreach' : undefined;
      for (const section of ['match', 'exclude'] as const) {
        for (const block of filterBlocks(rule, section)) {
          const kinds = kindItems(block.resources);
          for (const kind of kinds.filter((k) => k.value === '*')) {
            const reason = unsupported
              ? `Kyverno does not allow a wildcard kind in a ${unsupported} rule. List the kinds to check instead, e.g. kinds: [Pod].`
              : background
                ? 'Kyverno does not allow a wildcard kind while spec.background is true (the default). Set spec.background: false or list the kinds.'
                : kinds.length > 1
                  ? 'Kyverno does not allow "*" together with other kinds. Keep either "*" alone or the explicit kinds.'
                  : undefined;
            if (!reason) continue;
            ctx.report({ node: kind, message: `Kyverno rejects this policy: ${reason}` });
          }
        }
      }
    }
  },
};
