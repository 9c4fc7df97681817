// attestations[].predicateType → type (deprecated since Kyverno 1.11, which warns on it).
import { isScalar } from 'yaml';
import { asMap, nodeAt, pairOf, seqItems } from '../../document/yamlFile';
import { verifyImagesEntries } from '../../policy/kyvernoPolicy';
import type { DeprecationChecker } from './checker';
import { quickFix } from './checker';
import { isBlockMap, removePair, replaceNode, toTextEdits } from './yamlEdits';

export const predicateType: DeprecationChecker = {
  kind: 'predicate-type',
  check(ctx, report) {
    for (const entry of verifyImagesEntries(ctx.doc)) {
      seqItems(entry.node.get('attestations', true)).forEach((item, i) => {
        const pair = pairOf(asMap(item), 'predicateType');
        if (!pair) return;
        const value = isScalar(pair.value) ? String(pair.value.value) : '…';
        const both = pairOf(asMap(item), 'type') !== undefined;
        report({
          keyOf: pair,
          message: both
            ? '`predicateType` is deprecated since Kyverno 1.11 and `type` is already set: remove `predicateType`.'
            : `\`predicateType\` is deprecated since Kyverno 1.11: write \`type: ${value}\`.`,
          data: { kind: 'predicate-type', path: [...entry.path, 'attestations', i] },
        });
      });
    }
  },
  fix(ctx, data) {
    const attestation = asMap(nodeAt(ctx.doc!.doc.contents, data.path));
    const pair = pairOf(attestation, 'predicateType');
    if (!attestation || !pair?.key.range) return [];
    if (pairOf(attestation, 'type')) {
      if (!isBlockMap(attestation)) return [];
      return [quickFix(ctx, 'Remove `predicateType` (`type` is set)', toTextEdits(ctx.file, [removePair(ctx.file, attestation, pair)]))];
    }
    return [quickFix(ctx, 'Rename `predicateType` to `type`', toTextEdits(ctx.file, [replaceNode(pair.key, 'type')]))];
  },
};
