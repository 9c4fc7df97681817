// The shape shared by the deprecation checkers: each finds one deprecated form and knows how to rewrite it.
// They all report under the one code `policy-deprecated`; the fix dispatches on `data.kind`.
import type { Node, Pair } from 'yaml';
import type { FixContext, RuleContext } from '../rule';
import type { CodeAction, Severity, TextEdit } from '../../types';
import type { Path } from '../../policy/kyvernoPolicy';

export interface DeprecationData {
  kind: string;
  /** YAML path of the map that holds the deprecated field. */
  path: Path;
  /** The deprecated key, when the map holds several. */
  key?: string;
}

export interface DeprecationReport {
  keyOf?: Pair;
  node?: Node | null;
  message: string;
  data: DeprecationData;
  /** For a deprecated form Kyverno refuses outright (not only warns about). */
  severity?: Severity;
}

export interface DeprecationChecker {
  kind: string;
  check(ctx: RuleContext, report: (r: DeprecationReport) => void): void;
  fix?(ctx: FixContext, data: DeprecationData): CodeAction[];
}

export function quickFix(ctx: FixContext, title: string, edits: TextEdit[], isPreferred = true): CodeAction {
  return { title, kind: 'quickfix', diagnostics: [ctx.diagnostic], isPreferred, edit: { changes: { [ctx.file.uri]: edits } } };
}
