import type { Rule } from '../rule';
import { Severity } from '../../types';
import { isPolicyKind } from '../../document/classify';

/** YAML parse errors, reported only inside documents this service owns, so other YAML stays quiet. */
export const yamlSyntax: Rule = {
  id: 'yaml-syntax',
  severity: Severity.Error,
  summary: 'The YAML does not parse.',
  docs: 'The text is not valid YAML at this point, so the policy cannot be read as written. Fix the indentation, quoting or structure the message names.',
  appliesTo: ['kyverno-policy', 'image-validating-policy', 'cluster-image-policy', 'manifest', 'kustomization'],
  check(ctx) {
    if (!isPolicyKind(ctx.doc.kind) && ctx.doc.kind !== 'manifest' && ctx.doc.kind !== 'kustomization') return;
    for (const err of ctx.doc.doc.errors) {
      const [start, end] = err.pos;
      ctx.report({ offsets: [start, Math.max(end, start + 1)], message: firstLine(err.message) });
    }
  },
};

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
