import type { Rule } from '../rule';
import { Severity } from '../../types';
import { seqItems } from '../../document/yamlFile';
import { specOf } from '../../policy/kyvernoPolicy';
import { admissionChecked, setPair } from './facts';

export const failureActionOverridesNamespaced: Rule = {
  id: 'policy-overrides-namespaced',
  severity: Severity.Error,
  summary: 'Kyverno rejects `validationFailureActionOverrides` in a namespaced Policy.',
  docs: [
    '`spec.validationFailureActionOverrides` sets the failure action per namespace, which only makes sense for a',
    'ClusterPolicy; Kyverno refuses it in a `Policy` ("Use of validationFailureActionOverrides is supported only with',
    'ClusterPolicy"). Set `failureAction` on the rules (or `spec.validationFailureAction`) instead.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc) || ctx.doc.kindName !== 'Policy') return;
    const pair = setPair(specOf(ctx.doc), 'validationFailureActionOverrides');
    if (!pair || seqItems(pair.value).length === 0) return;
    ctx.report({
      keyOf: pair,
      message: 'Kyverno rejects this policy: validationFailureActionOverrides is only supported in a ClusterPolicy. ' +
        'Set failureAction on the rules of this Policy instead.',
    });
  },
};
