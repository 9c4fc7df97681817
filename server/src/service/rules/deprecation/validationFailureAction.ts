// spec.validationFailureAction(Overrides) → per-rule failureAction (deprecated in Kyverno 1.13).
import { isMap } from 'yaml';
import { pairOf, scalarValue } from '../../document/yamlFile';
import { policyRules, specOf, verifyImagesEntries } from '../../policy/kyvernoPolicy';
import type { DeprecationChecker } from './checker';
import { quickFix } from './checker';
import { appendToMap, isBlockMap, OffsetEdit, removePair, toTextEdits } from './yamlEdits';

export function canonicalAction(value: unknown): 'Audit' | 'Enforce' | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  return lower === 'enforce' ? 'Enforce' : lower === 'audit' ? 'Audit' : undefined;
}

export const validationFailureAction: DeprecationChecker = {
  kind: 'validation-failure-action',
  check(ctx, report) {
    const spec = specOf(ctx.doc);
    const pair = pairOf(spec, 'validationFailureAction');
    if (pair) {
      const action = canonicalAction(scalarValue(spec, 'validationFailureAction')) ?? 'Enforce';
      report({
        keyOf: pair,
        message: `spec.validationFailureAction is deprecated since Kyverno 1.13: set \`failureAction: ${action}\` on each verifyImages entry and validate rule instead.`,
        data: { kind: 'validation-failure-action', path: ['spec'] },
      });
    }
    const overrides = pairOf(spec, 'validationFailureActionOverrides');
    if (overrides) {
      report({
        keyOf: overrides,
        message: 'spec.validationFailureActionOverrides is deprecated since Kyverno 1.13: use `failureActionOverrides` in each validate rule (verifyImages entries have no per-namespace override; split the policy by namespace instead).',
        data: { kind: 'validation-failure-action-overrides', path: ['spec'] },
      });
    }
  },
  fix(ctx) {
    const doc = ctx.doc!;
    const spec = specOf(doc);
    const pair = pairOf(spec, 'validationFailureAction');
    const action = canonicalAction(pair && isMap(spec) ? scalarValue(spec, 'validationFailureAction') : undefined);
    if (!spec || !pair || !action || !isBlockMap(spec)) return [];
    const edits: OffsetEdit[] = [removePair(ctx.file, spec, pair)];
    const targets = [
      ...verifyImagesEntries(doc).map((e) => e.node),
      ...policyRules(doc).flatMap((r) => {
        const validate = r.node.get('validate', true);
        return isMap(validate) ? [validate] : [];
      }),
    ].filter((map) => !pairOf(map, 'failureAction'));
    if (!targets.every(isBlockMap)) return [];
    for (const map of targets) edits.push(appendToMap(ctx.file, map, [`failureAction: ${action}`]));
    return [quickFix(ctx, `Move to \`failureAction: ${action}\` on each rule`, toTextEdits(ctx.file, edits))];
  },
};
