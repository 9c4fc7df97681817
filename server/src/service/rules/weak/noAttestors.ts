import type { Rule } from '../rule';
import { Severity } from '../../types';
import { mapItems, pairOf, seqItems } from '../../document/yamlFile';
import { child, kyvernoModel } from '../../policy/model';

export const noAttestors: Rule = {
  id: 'policy-no-attestors',
  severity: Severity.Warning,
  summary: 'A verifyImages entry with neither attestors nor attestations verifies nothing.',
  docs: [
    'Kyverno accepts a verifyImages entry without `attestors` and `attestations`, but then checks no signature at all: the',
    'selected images are at most rewritten to digests. Add an `attestors` entry (`keys`, `keyless` or `certificates`) or the',
    '`attestations` the images must carry.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    for (const entry of kyvernoModel(ctx.doc)?.entries ?? []) {
      const map = entry.view.node;
      if (seqItems(child(map, 'attestors')).length > 0 || seqItems(child(map, 'attestations')).length > 0) continue;
      // The deprecated `key` / `issuer` fields become an attestor (v1 Convert()).
      if (entry.legacy.converts) continue;
      const anchor = pairOf(map, 'imageReferences') ?? pairOf(map, 'image') ?? mapItems(map)[0];
      if (!anchor) continue;
      ctx.report({
        keyOf: anchor,
        message: 'This verifyImages entry has no attestors and no attestations, so no signature is checked for these images (Kyverno at most pins their digests). ' +
          'Add attestors (keys, keyless or certificates) or the attestations the images must carry.',
      });
    }
  },
};
