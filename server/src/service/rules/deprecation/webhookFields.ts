// spec.failurePolicy / spec.webhookTimeoutSeconds → spec.webhookConfiguration (deprecated since Kyverno 1.13).
import { asMap, pairOf } from '../../document/yamlFile';
import { Severity } from '../../types';
import { specOf } from '../../policy/kyvernoPolicy';
import type { DeprecationChecker } from './checker';
import { quickFix } from './checker';
import { appendToMap, indent, isBlockMap, movedPair, OffsetEdit, removePair, toTextEdits } from './yamlEdits';

const MOVES: Record<string, string> = { failurePolicy: 'failurePolicy', webhookTimeoutSeconds: 'timeoutSeconds' };

export const webhookFields: DeprecationChecker = {
  kind: 'webhook-fields',
  check(ctx, report) {
    const spec = specOf(ctx.doc);
    for (const [from, to] of Object.entries(MOVES)) {
      const pair = pairOf(spec, from);
      if (!pair) continue;
      const both = pairOf(asMap(spec?.get('webhookConfiguration', true)), to) !== undefined;
      report({
        keyOf: pair,
        message: both
          ? `spec.${from} is deprecated and spec.webhookConfiguration.${to} is also set; Kyverno rejects a policy with both: remove spec.${from}.`
          : `spec.${from} is deprecated since Kyverno 1.13: use spec.webhookConfiguration.${to}.`,
        data: { kind: 'webhook-fields', path: ['spec'], key: from },
        // Kyverno's Spec validation forbids the deprecated field next to its replacement: an admission error.
        ...(both ? { severity: Severity.Error } : {}),
      });
    }
  },
  fix(ctx, data) {
    const spec = specOf(ctx.doc!);
    const from = data.key ?? '';
    const to = MOVES[from];
    const pair = pairOf(spec, from);
    if (!spec || !to || !pair || !isBlockMap(spec)) return [];
    const edits: OffsetEdit[] = [removePair(ctx.file, spec, pair)];
    const moved = movedPair(ctx.file, pair, to);
    const config = spec.get('webhookConfiguration', true);
    if (config === undefined) {
      edits.push(appendToMap(ctx.file, spec, ['webhookConfiguration:', ...indent(moved, 2)]));
    } else {
      const map = asMap(config);
      if (!map || !isBlockMap(map)) return [];
      if (!pairOf(map, to)) edits.push(appendToMap(ctx.file, map, moved));
    }
    return [quickFix(ctx, `Move to \`spec.webhookConfiguration.${to}\``, toTextEdits(ctx.file, edits))];
  },
};
