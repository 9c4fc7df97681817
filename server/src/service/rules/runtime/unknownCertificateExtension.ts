import type { Rule } from '../rule';
import { Severity } from '../../types';
import { admissionChecked } from '../admission/facts';
import { asMap, mapItems } from '../../document/yamlFile';
import { attestorEntries, verifyImagesEntries } from '../../policy/kyvernoPolicy';

const FULCIO_ARC = '1.3.6.1.4.1.57264.1.';
/** The extensions Kyverno's ClusterPolicy matching can read (cosign's CertExtensions getters), by name; OIDs are arc 1–6. */
const READABLE = ['oidcIssuer', 'githubWorkflowTrigger', 'githubWorkflowSha', 'githubWorkflowName', 'githubWorkflowRepository', 'githubWorkflowRef'];

function readable(key: string): boolean {
  if (READABLE.includes(key)) return true;
  if (!key.startsWith(FULCIO_ARC)) return false;
  const arc = key.slice(FULCIO_ARC.length);
  return /^[1-6]$/.test(arc);
}

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
    for (const entry of verifyImagesEntries(ctx.doc)) {
      // The deprecated entry-level field (v1 Convert() moves it into a keyless attestor) and each keyless attestor.
      const owners = [entry.node.get('additionalExtensions', true), ...attestorEntries(entry).map((e) => asMap(e.node.get('keyless', true))?.get('additionalExtensions', true))];
      for (const owner of owners) {
        for (const pair of mapItems(owner)) {
          const key = String(pair.key.value);
          if (readable(key)) continue;
          ctx.report({
            keyOf: pair,
            message: `Kyverno cannot read the certificate extension "${key}" ("invalid certificate extension"): every verification with this attestor fails. Use one of ${READABLE.join(', ')} (or 1.3.6.1.4.1.57264.1.1–.6).`,
          });
        }
      }
    }
  },
};
