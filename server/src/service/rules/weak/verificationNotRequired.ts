import type { Rule } from '../rule';
import { Severity } from '../../types';
import { kyvernoModel } from '../../policy/model';

export const verificationNotRequired: Rule = {
  id: 'policy-verification-not-required',
  severity: Severity.Warning,
  summary: '`required: false` in an enforcing rule lets images through that were never verified.',
  docs: [
    'With `required: true` (the default) Kyverno\'s validating webhook rejects a matched image that carries no verification',
    'record, which catches images the mutating webhook did not verify (webhook skipped or timed out, a later update). With',
    '`required: false` those images are admitted. Only reported when the rule enforces; remove `required: false`.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    for (const entry of kyvernoModel(ctx.doc)?.entries ?? []) {
      const { value, node } = entry.required;
      if (!node || value !== false) continue;
      if (entry.ruleAction !== 'Enforce') continue;
      ctx.report({
        node,
        message: 'required: false stops Kyverno from rejecting matched images that were not verified (for example when the mutating webhook was skipped or timed out), although this rule enforces. ' +
          'Remove it (the default is true).',
      });
    }
  },
};
