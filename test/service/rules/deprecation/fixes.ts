// Runs the quick-fixes of a diagnostic and applies their edits to the text, so tests compare whole results.
import { service } from '../../../support/service';
import type { CodeAction, Diagnostic, Position, TextEdit } from '../../../../server/src/service/types';

const URI = 'file:///test/policy.yaml';

function offset(text: string, p: Position): number {
  const lines = text.split('\n');
  return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
}

/** Applies LSP edits (non-overlapping, any order) to `text`. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = edits
    .map((e) => ({ start: offset(text, e.range.start), end: offset(text, e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].end > sorted[i - 1].start) throw new Error('overlapping edits');
  }
  return sorted.reduce((acc, e) => acc.slice(0, e.start) + e.newText + acc.slice(e.end), text);
}

export function codeActionsFor(text: string, diagnostic: Diagnostic): CodeAction[] {
  const s = service();
  return s.doCodeActions(s.parse(URI, text), diagnostic.range, [diagnostic]);
}

/** The text after applying the fix titled like `title` (or the first one) for `diagnostic`. */
export function applyFix(text: string, diagnostic: Diagnostic, title?: RegExp): string {
  const actions = codeActionsFor(text, diagnostic);
  const action = title ? actions.find((a) => title.test(a.title)) : actions[0];
  if (!action?.edit) throw new Error(`no fix${title ? ` matching ${title}` : ''}; got: ${actions.map((a) => a.title).join(', ') || 'none'}`);
  return applyEdits(text, action.edit.changes[URI] ?? []);
}
