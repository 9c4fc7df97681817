import type { Rule } from '../rule';
import { Severity } from '../../types';
import { describePublicKeys } from '../../crypto';
import { hashLines, looksLikePem, materialSites } from './materialSites';
import { sourceSpan } from './scalarOffsets';

/**
 * PEM public keys that will not load when Kyverno or the policy-controller verifies an image. Kyverno does
 * not parse them at admission, so without this the policy is accepted and every verification fails.
 */
export const invalidPublicKey: Rule = {
  id: 'policy-invalid-public-key',
  severity: Severity.Error,
  summary: 'A PEM public key in the policy does not parse.',
  docs:
    'Kyverno accepts any text in `publicKeys` when the policy is created and only parses it when an image is verified, ' +
    'so a truncated, re-wrapped or wrong key makes every verification fail. Paste the output of ' +
    '`cosign public-key --key cosign.key` (a `-----BEGIN PUBLIC KEY-----` block) as a `|` block scalar. Values that do not ' +
    'start with `-----BEGIN` (`k8s://…`, `awskms://…`, `{{ variables }}`) are key references and are not checked.',
  appliesTo: ['kyverno-policy', 'image-validating-policy', 'cluster-image-policy'],
  check(ctx) {
    for (const site of materialSites(ctx.doc)) {
      if (site.kind !== 'public-key' || !looksLikePem(site.node.value)) continue;
      // A `#` line is reported by policy-comment-in-block, which explains the real cause.
      if (hashLines(site.node.value).length > 0) continue;
      for (const d of describePublicKeys(site.node.value)) {
        if (d.ok) continue;
        const span = sourceSpan(ctx.file, site.node, d.start, d.end);
        const stray = d.code === 'framing' && d.label === '';
        ctx.report({
          ...(span ? { offsets: span } : { node: site.node }),
          message: stray
            ? `${site.field}: text outside the PEM blocks is ignored by the key decoder; remove it (use a YAML comment above \`${site.pair.key.value}:\` for notes).`
            : `${site.field}: invalid public key: ${d.error}.`,
          severity: stray ? Severity.Warning : undefined,
          data: { errorCode: d.code },
        });
      }
    }
  },
};
