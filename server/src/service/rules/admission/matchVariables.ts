import type { Rule } from '../rule';
import { Severity } from '../../types';
import { policyRules } from '../../policy/kyvernoPolicy';
import { admissionChecked, KYVERNO_VARIABLE, scalarsUnder } from './facts';
import { variableSpot } from './imageReferenceVariable';

export const matchVariables: Rule = {
  id: 'policy-match-variables',
  severity: Severity.Error,
  summary: 'Kyverno rejects variables (`{{ … }}`) in a rule\'s match or exclude block.',
  docs: [
    'Kyverno builds its admission webhooks and decides which resources a rule sees from `match` and `exclude` before any',
    'request context exists, so it refuses a policy with a variable anywhere in them, in a value or a key ("should not have',
    'variables in match section" / "… exclude section"). Write literal kinds, names, namespaces and selectors (`*` and `?`',
    'wildcards work in names and namespaces), or move the dynamic test into `preconditions`. An escaped `\\{{` is not a variable.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    for (const rule of policyRules(ctx.doc)) {
      for (const section of ['match', 'exclude'] as const) {
        for (const scalar of scalarsUnder(rule.node.get(section, true))) {
          if (typeof scalar.value !== 'string') continue;
          const m = KYVERNO_VARIABLE.exec(scalar.value);
          if (!m) continue;
          ctx.report({
            ...variableSpot(ctx.file.text, scalar, m[2]),
            message: `Kyverno rejects this policy: rule "${rule.name ?? rule.index}" should not have variables in its ${section} section (${m[2]}). ` +
              `Write a literal value (names and namespaces accept * and ? wildcards) or test the variable in preconditions.`,
          });
        }
      }
    }
  },
};
