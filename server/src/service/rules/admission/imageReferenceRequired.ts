import type { Rule } from '../rule';
import { Severity } from '../../types';
import { pairOf, seqItems } from '../../document/yamlFile';
import { verifyImagesEntries } from '../../policy/kyvernoPolicy';
import { admissionChecked, anchor, convertsDeprecatedFields, stringField } from './facts';

export const imageReferenceRequired: Rule = {
  id: 'policy-image-reference-required',
  severity: Severity.Error,
  summary: 'Kyverno rejects a verifyImages entry without imageReferences.',
  docs: [
    'Every verifyImages entry needs at least one `imageReferences` pattern saying which images it verifies; Kyverno refuses the',
    'policy otherwise ("An image reference is required"). In `kyverno.io/v1` the deprecated `image` field still counts.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    const legacy = convertsDeprecatedFields(ctx.doc);
    for (const entry of verifyImagesEntries(ctx.doc)) {
      if (seqItems(entry.node.get('imageReferences', true)).length > 0) continue;
      if (legacy && stringField(entry.node, 'image') !== '') continue;
      const written = pairOf(entry.node, 'imageReferences');
      ctx.report({
        ...(written ? { keyOf: written } : anchor(entry.node)),
        message: 'Kyverno rejects this policy: the verifyImages entry has no image reference. ' +
          'Add imageReferences with at least one pattern for the images to verify, e.g. imageReferences: ["ghcr.io/my-org/*"].',
      });
    }
  },
};
