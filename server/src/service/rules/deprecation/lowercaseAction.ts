// Lowercase `audit` / `enforce` (deprecated since Kyverno 1.9, which warns on them).
import { isScalar, Scalar } from 'yaml';
import { asMap, nodeAt, pairOf, seqItems } from '../../document/yamlFile';
import type { YamlDoc } from '../../document/yamlFile';
import { specOf } from '../../policy/kyvernoPolicy';
import type { DeprecationChecker } from './checker';
import { quickFix } from './checker';
import { replaceNode, toTextEdits } from './yamlEdits';
import { canonicalAction } from './validationFailureAction';

function lowercaseSites(doc: YamlDoc) {
  const out: { node: Scalar; path: (string | number)[]; key: string }[] = [];
  const spec = specOf(doc);
  const top = pairOf(spec, 'validationFailureAction')?.value;
  if (isScalar(top)) out.push({ node: top, path: ['spec'], key: 'validationFailureAction' });
  seqItems(spec?.get('validationFailureActionOverrides', true)).forEach((item, i) => {
    const action = pairOf(asMap(item), 'action')?.value;
    if (isScalar(action)) out.push({ node: action, path: ['spec', 'validationFailureActionOverrides', i], key: 'action' });
  });
  return out.filter((s) => (s.node.value === 'audit' || s.node.value === 'enforce'));
}

export const lowercaseAction: DeprecationChecker = {
  kind: 'lowercase-action',
  check(ctx, report) {
    for (const site of lowercaseSites(ctx.doc)) {
      const value = String(site.node.value);
      report({
        node: site.node,
        message: `Lowercase \`${value}\` is deprecated (Kyverno warns "use Enforce/Audit instead"): write \`${canonicalAction(value)}\`.`,
        data: { kind: 'lowercase-action', path: site.path, key: site.key },
      });
    }
  },
  fix(ctx, data) {
    const map = asMap(nodeAt(ctx.doc!.doc.contents, data.path));
    const node = pairOf(map, data.key ?? '')?.value;
    if (!isScalar(node) || !node.range) return [];
    const action = canonicalAction(node.value);
    if (!action || node.value === action) return [];
    const quote = /^["']/.exec(ctx.file.text.slice(node.range[0], node.range[1]))?.[0] ?? '';
    return [quickFix(ctx, `Change to \`${action}\``, toTextEdits(ctx.file, [replaceNode(node, quote + action + quote)]))];
  },
};
