import { isScalar } from 'yaml';
import type { Rule } from '../rule';
import { Severity } from '../../types';
import { asMap, pairOf } from '../../document/yamlFile';
import { specOf } from '../../policy/kyvernoPolicy';
import { admissionChecked } from './facts';

const MIN = 1;
const MAX = 30;

export const webhookTimeout: Rule = {
  id: 'policy-webhook-timeout',
  severity: Severity.Error,
  summary: 'Kyverno rejects a webhook timeout outside 1–30 seconds.',
  docs: [
    'Kyverno copies `spec.webhookConfiguration.timeoutSeconds` (or the deprecated `spec.webhookTimeoutSeconds`) into the',
    'admission webhook it registers, and Kubernetes only allows 1 to 30 seconds there, so Kyverno refuses other values',
    '("the timeout value must be between 1 and 30 seconds"). Image verification that needs longer should fetch less',
    '(e.g. `useCache`) rather than wait longer.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    const spec = specOf(ctx.doc);
    const sites = [
      { pair: pairOf(spec, 'webhookTimeoutSeconds'), field: 'spec.webhookTimeoutSeconds' },
      { pair: pairOf(asMap(spec?.get('webhookConfiguration', true)), 'timeoutSeconds'), field: 'spec.webhookConfiguration.timeoutSeconds' },
    ];
    for (const { pair, field } of sites) {
      const value = pair?.value;
      // Non-integers are schema-type findings.
      if (!isScalar(value) || typeof value.value !== 'number' || !Number.isInteger(value.value)) continue;
      if (value.value >= MIN && value.value <= MAX) continue;
      ctx.report({
        node: value,
        message: `Kyverno rejects this policy: ${field} is ${value.value}, but a webhook timeout must be between ${MIN} and ${MAX} seconds.`,
      });
    }
  },
};
