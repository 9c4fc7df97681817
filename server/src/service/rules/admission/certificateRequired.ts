import type { Rule } from '../rule';
import { Severity } from '../../types';
import { attestorEntries, verifyImagesEntries } from '../../policy/kyvernoPolicy';
import { admissionChecked, setPair, stringField } from './facts';

export const certificateRequired: Rule = {
  id: 'policy-certificate-required',
  severity: Severity.Error,
  summary: 'Kyverno rejects a certificates attestor without cert or certChain.',
  docs: [
    'A `certificates` attestor verifies signatures made with a certificate, so it needs the certificate (`cert`) or the chain',
    'it was issued from (`certChain`), in PEM. Kyverno refuses the block otherwise ("cert or certChain required"). The PEM',
    'itself is only parsed when an image is verified.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    for (const entry of verifyImagesEntries(ctx.doc)) {
      for (const att of attestorEntries(entry)) {
        const certs = setPair(att.node, 'certificates');
        if (!certs) continue;
        if (stringField(certs.value, 'cert') !== '' || stringField(certs.value, 'certChain') !== '') continue;
        ctx.report({
          keyOf: certs,
          message: 'Kyverno rejects this policy: the certificates attestor has neither cert nor certChain. ' +
            'Add cert with the signing certificate (PEM) and/or certChain with its issuing chain.',
        });
      }
    }
  },
};
