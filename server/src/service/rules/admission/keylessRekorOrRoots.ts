import type { Rule } from '../rule';
import { Severity } from '../../types';
import { attestorEntries, verifyImagesEntries } from '../../policy/kyvernoPolicy';
import { admissionChecked, convertsDeprecatedFields, setPair, stringField } from './facts';

export const keylessRekorOrRoots: Rule = {
  id: 'policy-keyless-rekor-or-roots',
  severity: Severity.Error,
  summary: 'Kyverno rejects a keyless attestor with neither rekor nor roots.',
  docs: [
    'Keyless verification needs a trust anchor: a Rekor transparency log (`rekor.url`, normally https://rekor.sigstore.dev)',
    'or the PEM `roots` of a private Fulcio. Kyverno refuses a `keyless` block with neither ("Either Rekor URL or roots are',
    'required"); the CRD does not fill in a default Rekor URL. In `kyverno.io/v1` the deprecated entry-level `issuer`',
    '(without `roots`) becomes such a keyless attestor and is rejected the same way.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    const fix = 'Add rekor: {url: https://rekor.sigstore.dev} for the public Sigstore instance, or roots with the PEM root certificates of your own Fulcio.';
    for (const entry of verifyImagesEntries(ctx.doc)) {
      for (const att of attestorEntries(entry)) {
        const keyless = setPair(att.node, 'keyless');
        if (!keyless || setPair(keyless.value, 'rekor') || stringField(keyless.value, 'roots') !== '') continue;
        ctx.report({ keyOf: keyless, message: `Kyverno rejects this policy: the keyless attestor has neither rekor nor roots. ${fix}` });
      }
      // v1 Convert(): a deprecated `issuer` (when no deprecated `key`) becomes keyless{issuer, subject, roots} without rekor.
      if (!convertsDeprecatedFields(ctx.doc) || stringField(entry.node, 'key') !== '' || stringField(entry.node, 'roots') !== '') continue;
      const issuer = setPair(entry.node, 'issuer');
      if (!issuer || stringField(entry.node, 'issuer') === '') continue;
      ctx.report({
        keyOf: issuer,
        message: 'Kyverno rejects this policy: the deprecated issuer field becomes a keyless attestor without rekor, which needs roots. ' +
          'Move issuer and subject into attestors[].entries[].keyless and add rekor: {url: https://rekor.sigstore.dev} (or add roots here).',
      });
    }
  },
};
