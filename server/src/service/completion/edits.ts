// Completion items that carry absolute indentation. Multi-line insertions are built for the exact column
// they land at, so the client must not re-indent them: LSP `insertTextMode: asIs` (1).
import type { YamlFile } from '../document/yamlFile';
import { rangeAt } from '../document/yamlFile';
import type { CompletionItem } from '../types';

export const INSERT_AS_IS = 1 as const;

export type PositionedCompletionItem = CompletionItem;

export function replacing(file: YamlFile, start: number, end: number, newText: string) {
  return { range: rangeAt(file, start, end), newText };
}

export const pad = (n: number) => ' '.repeat(Math.max(0, n));

/** Escapes text for a snippet body (`$`, `}` and `\` are special). */
export function snippetEscape(text: string): string {
  return text.replace(/[$}\\]/g, '\\$&');
}

/**
 * Lays out `lines` (indented relative to the first) so the first lands at `column` where the cursor already is,
 * and the following ones carry `column` spaces themselves.
 */
export function indentBlock(lines: string[], column: number): string {
  return lines.map((l, i) => (i === 0 || l === '' ? l : pad(column) + l)).join('\n');
}
