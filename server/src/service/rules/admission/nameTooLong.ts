import { isScalar } from 'yaml';
import type { Rule } from '../rule';
import { Severity } from '../../types';
import { asMap } from '../../document/yamlFile';
import { admissionChecked } from './facts';

const MAX = 63;

export const nameTooLong: Rule = {
  id: 'policy-name-too-long',
  severity: Severity.Error,
  summary: 'Kyverno rejects policy names longer than 63 bytes.',
  docs: [
    'Kyverno stores the policy name in labels (of reports and webhooks), and label values are limited to 63 characters, so it',
    'refuses longer policy names ("may not be more than 63 bytes") although Kubernetes itself would allow them.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    const name = asMap(asMap(ctx.doc.doc.contents)?.get('metadata', true))?.get('name', true);
    if (!isScalar(name) || typeof name.value !== 'string') return;
    const bytes = Buffer.byteLength(name.value, 'utf8');
    if (bytes <= MAX) return;
    ctx.report({
      node: name,
      message: `Kyverno rejects this policy: its name is ${bytes} bytes long, more than the ${MAX} Kyverno allows. Shorten metadata.name.`,
    });
  },
};
