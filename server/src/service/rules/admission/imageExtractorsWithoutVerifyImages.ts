import type { Rule } from '../rule';
import { Severity } from '../../types';
import { policyRules } from '../../policy/kyvernoPolicy';
import { admissionChecked, hasVerifyImages, setPair } from './facts';

export const imageExtractorsWithoutVerifyImages: Rule = {
  id: 'policy-imageextractors-without-verifyimages',
  severity: Severity.Error,
  summary: 'Kyverno rejects imageExtractors in a rule that has no verifyImages.',
  docs: [
    '`imageExtractors` tell a verifyImages rule where to find images in custom resources. Kyverno refuses them in any other',
    'rule ("imageExtractors can only be defined for verifyImages rule"). Move them to the verifyImages rule or remove them.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    for (const rule of policyRules(ctx.doc)) {
      const extractors = setPair(rule.node, 'imageExtractors');
      if (!extractors || hasVerifyImages(rule)) continue;
      ctx.report({
        keyOf: extractors,
        message: 'Kyverno rejects this policy: imageExtractors are only allowed in a rule with verifyImages entries. ' +
          'Move them to the verifyImages rule that should use them, or remove them.',
      });
    }
  },
};
