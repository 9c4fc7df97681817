import type { Scalar } from 'yaml';
import type { Rule } from '../rule';
import { Severity } from '../../types';
import { kyvernoModel } from '../../policy/model';
import { admissionChecked, KYVERNO_VARIABLE as VARIABLE } from './facts';

export const imageReferenceVariable: Rule = {
  id: 'policy-image-reference-variable',
  severity: Severity.Error,
  summary: 'Kyverno rejects variables (`{{ … }}`) in verifyImages imageReferences.',
  docs: [
    'Kyverno decides which webhooks and images a verifyImages rule covers from its `imageReferences` before any request',
    'context exists, so it refuses variables there ("should not have variables in image reference section"). Write literal',
    'patterns with `*` and `?` wildcards. `skipImageReferences` is not checked. In `kyverno.io/v1` the deprecated `image`',
    'field is checked too.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    // The model's imageReferences are Kyverno's after Convert(): in kyverno.io/v1 they include the deprecated `image`.
    for (const entry of kyvernoModel(ctx.doc)?.entries ?? []) {
      for (const { node } of entry.imageReferences) {
        const m = VARIABLE.exec(node.value);
        if (!m) continue;
        ctx.report({
          ...variableSpot(ctx.file.text, node, m[2]),
          message: `Kyverno rejects this policy: image references cannot contain variables (${m[2]}). ` +
            'Replace the variable with a literal pattern, using * and ? wildcards for the parts that vary.',
        });
      }
    }
  },
};

/** The variable's own text when it appears verbatim in the source, else the whole scalar. */
export function variableSpot(text: string, node: Scalar, variable: string): { offsets: [number, number] } | { node: Scalar } {
  if (!node.range) return { node };
  const at = text.slice(node.range[0], node.range[1]).indexOf(variable);
  return at < 0 ? { node } : { offsets: [node.range[0] + at, node.range[0] + at + variable.length] };
}
