// keys.signatureAlgorithm → the attestor entry's signatureAlgorithm (deprecated since Kyverno 1.13).
import { isScalar } from 'yaml';
import { asMap, nodeAt, pairOf, scalarValue } from '../../document/yamlFile';
import { attestorEntries, verifyImagesEntries } from '../../policy/kyvernoPolicy';
import type { DeprecationChecker } from './checker';
import { quickFix } from './checker';
import { appendToMap, isBlockMap, movedPair, OffsetEdit, removePair, toTextEdits } from './yamlEdits';

export const keysSignatureAlgorithm: DeprecationChecker = {
  kind: 'keys-signature-algorithm',
  check(ctx, report) {
    for (const entry of verifyImagesEntries(ctx.doc)) {
      for (const attestor of attestorEntries(entry)) {
        const pair = pairOf(asMap(attestor.node.get('keys', true)), 'signatureAlgorithm');
        if (!pair) continue;
        const value = isScalar(pair.value) ? String(pair.value.value) : '…';
        const entryLevel = scalarValue(attestor.node, 'signatureAlgorithm');
        const conflict = entryLevel !== undefined && entryLevel !== value;
        report({
          keyOf: pair,
          message:
            `keys.signatureAlgorithm is deprecated since Kyverno 1.13: set \`signatureAlgorithm: ${value}\` on the attestor entry (next to \`keys\`).` +
            (conflict ? ` The entry already says \`${String(entryLevel)}\`, but Kyverno applies the keys-level value last, so \`${value}\` is what is used today.` : ''),
          data: { kind: 'keys-signature-algorithm', path: attestor.path },
        });
      }
    }
  },
  fix(ctx, data) {
    const attestor = asMap(nodeAt(ctx.doc!.doc.contents, data.path));
    const keys = asMap(attestor?.get('keys', true));
    const pair = pairOf(keys, 'signatureAlgorithm');
    if (!attestor || !keys || !pair || !isBlockMap(attestor) || !isBlockMap(keys)) return [];
    const current = scalarValue(attestor, 'signatureAlgorithm');
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    if (current !== undefined && current !== value) return [];
    const edits: OffsetEdit[] = [removePair(ctx.file, keys, pair)];
    if (current === undefined) edits.push(appendToMap(ctx.file, attestor, movedPair(ctx.file, pair)));
    return [quickFix(ctx, 'Move `signatureAlgorithm` to the attestor entry', toTextEdits(ctx.file, edits))];
  },
};
