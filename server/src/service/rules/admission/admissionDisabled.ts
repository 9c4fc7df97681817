import type { Rule } from '../rule';
import { Severity } from '../../types';
import { policyRules } from '../../policy/kyvernoPolicy';
import { admissionChecked, ruleOperations, specFlag } from './facts';

export const admissionDisabled: Rule = {
  id: 'policy-admission-disabled',
  severity: Severity.Error,
  summary: 'Kyverno rejects `spec.admission: false` in policies with verifyImages, mutate or generate rules, and together with `background: false`.',
  docs: [
    'Image verification (like mutation and generation) happens in the admission webhook, so Kyverno refuses `spec.admission:',
    'false` for a policy that has such rules ("disabling admission processing is only allowed with validation policies").',
    'Turning off both admission and background processing is refused as well. Remove `admission: false` (the default is true).',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    const admission = specFlag(ctx.doc, 'admission');
    if (admission.value || !admission.node) return;
    if (!specFlag(ctx.doc, 'background').value) {
      ctx.report({
        node: admission.node,
        message: 'Kyverno rejects this policy: admission and background processing are both disabled, so the policy would never run. ' +
          'Remove admission: false (the default is true) or set background: true.',
      });
      return;
    }
    const ops = new Set(policyRules(ctx.doc).flatMap((r) => ruleOperations(ctx.doc, r).map((o) => o.op)));
    const webhookOnly = (['verifyImages', 'mutate', 'generate'] as const).filter((op) => ops.has(op));
    if (webhookOnly.length === 0) return;
    ctx.report({
      node: admission.node,
      message: `Kyverno rejects this policy: admission processing can only be disabled for validate rules, and this policy has ${webhookOnly.join(' and ')} rules. ` +
        'Remove admission: false (the default is true) so images are verified when Pods are admitted.',
    });
  },
};
