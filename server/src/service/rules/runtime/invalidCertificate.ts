import type { Rule } from '../rule';
import { Severity } from '../../types';
import { describeCertificates } from '../../crypto';
import { hashLines, looksLikePem, materialSites } from './materialSites';
import { sourceSpan } from './scalarOffsets';

const day = (d: Date) => d.toISOString().slice(0, 10);

/** PEM certificates (`cert`, `certChain`, `roots`, TSA chains) that will not load or are outside their validity. */
export const invalidCertificate: Rule = {
  id: 'policy-invalid-certificate',
  severity: Severity.Error,
  summary: 'A PEM certificate in the policy does not parse, has expired or is not valid yet.',
  docs:
    'Certificates and roots are only parsed when an image is verified, so a broken or expired certificate is accepted ' +
    'with the policy and then fails every verification. Paste complete `-----BEGIN CERTIFICATE-----` blocks as a `|` block ' +
    'scalar and replace certificates whose validity period has ended.',
  appliesTo: ['kyverno-policy', 'image-validating-policy', 'cluster-image-policy'],
  check(ctx) {
    const now = new Date();
    for (const site of materialSites(ctx.doc)) {
      if (site.kind !== 'certificate' || !looksLikePem(site.node.value)) continue;
      if (hashLines(site.node.value).length > 0) continue;
      for (const d of describeCertificates(site.node.value, now)) {
        const span = sourceSpan(ctx.file, site.node, d.start, d.end);
        const where = span ? { offsets: span } : { node: site.node };
        if (!d.ok) {
          const hint = d.code === 'wrong-type' && d.label === 'PUBLIC KEY' ? ' (for a public key use a `keys` attestor)' : '';
          ctx.report({ ...where, message: `${site.field}: invalid certificate: ${d.error}${hint}.`, data: { errorCode: d.code } });
        } else if (d.expired) {
          ctx.report({
            ...where,
            message: `${site.field}: certificate "${d.subject}" expired on ${day(d.validTo)} (valid ${day(d.validFrom)} to ${day(d.validTo)}); verification against it fails. Replace it with a current certificate.`,
            data: { errorCode: 'expired' },
          });
        } else if (d.notYetValid) {
          ctx.report({
            ...where,
            severity: Severity.Warning,
            message: `${site.field}: certificate "${d.subject}" is not valid until ${day(d.validFrom)} (valid ${day(d.validFrom)} to ${day(d.validTo)}); verification fails before then. Check the issuing clock or use the current certificate.`,
            data: { errorCode: 'not-yet-valid' },
          });
        }
      }
    }
  },
};
