import type { Rule } from '../rule';
import { Severity } from '../../types';
import { admissionChecked } from '../admission/facts';
import { asMap, mapItems } from '../../document/yamlFile';
import { kyvernoModel } from '../../policy/model';
import { FULCIO_ARC, KYVERNO_READABLE_EXTENSIONS, kyvernoReadsExtension } from '../../../fulcio/extensions';

/** `additionalExtensions` keys Kyverno cannot read: every verification with them fails at run time. */
export const unknownCertificateExtension: Rule = {
  id: 'policy-unknown-certificate-extension',
  severity: Severity.Error,
  summary: 'A keyless additionalExtensions key that Kyverno cannot read fails every verification.',
  docs:
    'Kyverno compares `additionalExtensions` with the signing certificate through cosign\'s extension getters, which know ' +
    'only the original Fulcio extensions: `oidcIssuer`, `githubWorkflowTrigger`, `githubWorkflowSha`, `githubWorkflowName`, ' +
    '`githubWorkflowRepository` and `githubWorkflowRef`, or their OIDs `1.3.6.1.4.1.57264.1.1` to `.6`. Any other key — ' +
    'including the newer extensions such as `sourceRepositoryURI` or `1.3.6.1.4.1.57264.1.12` — makes the check return ' +
    '"invalid certificate extension", so every image the rule covers fails verification. The policy is accepted at ' +
    'admission; the failure only shows when a Pod is created. Use one of the six keys, or move to an ImageValidatingPolicy, ' +
    'whose CEL can read any extension of the certificate.',
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    for (const entry of kyvernoModel(ctx.doc)?.entries ?? []) {
      // Each keyless attestor, and the deprecated entry-level field when Convert() turns it into one (v1 with issuer).
      const owners: unknown[] = entry.attestorSets.flatMap((set) => set.entries.map((e) => asMap(e.node.get('keyless', true))?.get('additionalExtensions', true)));
      if (entry.legacy.converts === 'keyless') owners.push(entry.legacy.pairs.additionalExtensions?.value);
      for (const pair of owners.flatMap((owner) => mapItems(owner))) {
        const key = String(pair.key.value);
        if (kyvernoReadsExtension(key)) continue;
        ctx.report({
          keyOf: pair,
          message: `Kyverno cannot read the certificate extension "${key}" ("invalid certificate extension"): every verification with this attestor fails. Use one of ${KYVERNO_READABLE_EXTENSIONS.join(', ')} (or ${FULCIO_ARC}1–6).`,
        });
      }
    }
  },
};
