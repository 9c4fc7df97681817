import { isScalar } from 'yaml';
import type { Rule } from '../rule';
import { Severity } from '../../types';
import { attestorEntries, verifyImagesEntries } from '../../policy/kyvernoPolicy';
import { admissionChecked, setPair, stringField } from './facts';

export const rekorUrlRequired: Rule = {
  id: 'policy-rekor-url-required',
  severity: Severity.Error,
  summary: 'Kyverno rejects a keyless attestor whose rekor block has no url.',
  docs: [
    'Although the field documentation says an empty `rekor: {}` selects the public instance, Kyverno refuses a keyless',
    '`rekor` without a `url` ("An URL is required") and the CRD sets no default. Write the URL explicitly, e.g.',
    '`rekor: {url: https://rekor.sigstore.dev}`.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    for (const entry of verifyImagesEntries(ctx.doc)) {
      for (const att of attestorEntries(entry)) {
        const keyless = setPair(att.node, 'keyless');
        const rekor = keyless && setPair(keyless.value, 'rekor');
        if (!rekor || stringField(rekor.value, 'url') !== '') continue;
        const url = setPair(rekor.value, 'url');
        ctx.report({
          ...(url && isScalar(url.value) ? { node: url.value } : { keyOf: rekor }),
          message: 'Kyverno rejects this policy: the keyless rekor block has no url, and Kyverno does not fill one in. ' +
            'Set rekor.url, e.g. https://rekor.sigstore.dev for the public Sigstore log.',
        });
      }
    }
  },
};
