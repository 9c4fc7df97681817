// Quick-fixes shared by the weak-pattern rules: replace the flagged scalar with a suggested value.
import type { FixContext } from '../rule';
import { offsetAt } from '../../document/yamlFile';
import type { CodeAction } from '../../types';

export interface ReplacementData {
  replacement: string;
}

export function replacementData(replacement: string | undefined): ReplacementData | undefined {
  return replacement === undefined ? undefined : { replacement };
}

/** One quick-fix that swaps the diagnostic's scalar for `data.replacement`, keeping the original quoting style. */
export function replaceValueFix(ctx: FixContext, title: (replacement: string) => string): CodeAction[] {
  const data = ctx.diagnostic.data as Partial<ReplacementData> | undefined;
  if (typeof data?.replacement !== 'string') return [];
  const { range } = ctx.diagnostic;
  const original = ctx.file.text.slice(offsetAt(ctx.file, range.start), offsetAt(ctx.file, range.end));
  return [{
    title: title(data.replacement),
    kind: 'quickfix',
    diagnostics: [ctx.diagnostic],
    isPreferred: true,
    edit: { changes: { [ctx.file.uri]: [{ range, newText: quoteLike(original, data.replacement) }] } },
  }];
}

function quoteLike(original: string, value: string): string {
  if (original.startsWith("'")) return `'${value.replace(/'/g, "''")}'`;
  if (original.startsWith('"') || needsQuotes(value)) return JSON.stringify(value);
  return value;
}

function needsQuotes(value: string): boolean {
  return value === '' || /^[-?:,[\]{}#&*!|>'"%@`\s]/.test(value) || /: | #|\s$/.test(value);
}
