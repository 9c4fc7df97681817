// Shared plumbing of the schema rules: each rule reports the validator's problems of its own code.
import type { CodeAction } from '../../types';
import type { DocKind } from '../../document/classify';
import type { FixContext, RuleContext } from '../rule';
import { SchemaCode, validateAgainstSchema } from '../../schema/validator';

export const SCHEMA_KINDS: readonly DocKind[] = ['kyverno-policy', 'image-validating-policy', 'cluster-image-policy'];

/** What a schema diagnostic carries for its quick fix. */
export interface SchemaDiagnosticData {
  replacement?: string;
}

export function reportSchemaProblems(ctx: RuleContext, code: SchemaCode): void {
  for (const p of validateAgainstSchema(ctx.doc)) {
    if (p.code !== code) continue;
    const data: SchemaDiagnosticData | undefined = p.replacement ? { replacement: p.replacement } : undefined;
    ctx.report({ offsets: p.offsets, message: p.message, data });
  }
}

/** "Change to `x`": replaces the diagnostic's text (a key or a value) with the suggested one. */
export function replaceWithSuggestion(ctx: FixContext): CodeAction[] {
  const replacement = (ctx.diagnostic.data as SchemaDiagnosticData | undefined)?.replacement;
  if (!replacement) return [];
  return [{
    title: `Change to \`${replacement}\``,
    kind: 'quickfix',
    diagnostics: [ctx.diagnostic],
    isPreferred: true,
    edit: { changes: { [ctx.file.uri]: [{ range: ctx.diagnostic.range, newText: replacement }] } },
  }];
}
