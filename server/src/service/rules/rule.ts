// The contract every rule file implements: one rule, one file, with its id, docs, check and fix.
import type { Node, Pair } from 'yaml';
import type { YamlDoc, YamlFile } from '../document/yamlFile';
import type { DocKind } from '../document/classify';
import type { CodeAction, Diagnostic, DiagnosticTag, Severity } from '../types';
import type { ServiceSettings } from '../settings';
import type { WorkspaceView } from '../workspace/policyIndex';

export interface Report {
  /** Where the diagnostic goes: a node (its value range), a pair (its key), or explicit offsets. */
  node?: Node | null;
  keyOf?: Pair;
  offsets?: [number, number];
  message: string;
  /** Overrides the rule's default severity for this one finding. */
  severity?: Severity;
  tags?: DiagnosticTag[];
  data?: unknown;
  /** Overrides the rule id as the code (for a rule that owns several codes, e.g. schema). */
  code?: string;
}

export interface RuleContext {
  file: YamlFile;
  doc: YamlDoc;
  settings: ServiceSettings;
  /** The workspace's policies and images, when the host indexes a workspace (the LSP server does). */
  workspace?: WorkspaceView;
  report(r: Report): void;
}

export interface FixContext {
  file: YamlFile;
  doc: YamlDoc | undefined;
  diagnostic: Diagnostic;
}

export interface Rule {
  /** Stable diagnostic code, e.g. `policy-mutate-digest-audit`. */
  id: string;
  severity: Severity;
  /** One line, shown in the rule list and in docs. */
  summary: string;
  /** Markdown: why it matters and how to fix it. */
  docs: string;
  appliesTo: readonly DocKind[];
  check(ctx: RuleContext): void;
  fix?(ctx: FixContext): CodeAction[];
}
