import { isScalar } from 'yaml';
import type { Rule } from '../rule';
import { Severity } from '../../types';
import { attestorEntries, verifyImagesEntries } from '../../policy/kyvernoPolicy';
import { admissionChecked, setPair, stringField } from './facts';

const ALLOWED = ['sha224', 'sha256', 'sha384', 'sha512'];

export const signatureAlgorithm: Rule = {
  id: 'policy-signature-algorithm',
  severity: Severity.Error,
  summary: 'Kyverno rejects keys.signatureAlgorithm values other than sha224, sha256, sha384 or sha512 when publicKeys is set.',
  docs: [
    'With `keys.publicKeys` set, Kyverno accepts only `sha224`, `sha256` (the default), `sha384` or `sha512` as',
    '`keys.signatureAlgorithm` ("Invalid signature algorithm provided"). The field is deprecated; prefer the entry-level',
    '`signatureAlgorithm`, which the CRD itself restricts to the same values.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    for (const entry of verifyImagesEntries(ctx.doc)) {
      for (const att of attestorEntries(entry)) {
        const keys = setPair(att.node, 'keys');
        if (!keys || stringField(keys.value, 'publicKeys') === '') continue;
        const alg = setPair(keys.value, 'signatureAlgorithm');
        if (!alg || !isScalar(alg.value)) continue;
        const value = alg.value.value;
        if (typeof value === 'string' && (value === '' || ALLOWED.includes(value))) continue;
        ctx.report({
          node: alg.value,
          message: `Kyverno rejects this policy: ${JSON.stringify(value)} is not a supported signature algorithm. ` +
            `Use one of ${ALLOWED.join(', ')} (sha256 is the default and what cosign uses).`,
        });
      }
    }
  },
};
