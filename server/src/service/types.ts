// LSP-shaped data types, declared here so the service has no dependency on the protocol packages.
// They are structurally identical to the LSP ones, so the adapter passes them through unchanged.

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

export enum Severity { Error = 1, Warning = 2, Information = 3, Hint = 4 }
export const severityNames: Record<Severity, 'error' | 'warning' | 'information' | 'hint'> = {
  [Severity.Error]: 'error',
  [Severity.Warning]: 'warning',
  [Severity.Information]: 'information',
  [Severity.Hint]: 'hint',
};

export enum DiagnosticTag { Unnecessary = 1, Deprecated = 2 }

export interface Diagnostic {
  range: Range;
  severity: Severity;
  code: string;
  source: string;
  message: string;
  codeDescription?: { href: string };
  tags?: DiagnosticTag[];
  /** Rule-private data a quick-fix needs (kept small: it travels over the protocol). */
  data?: unknown;
}

export interface TextEdit { range: Range; newText: string }

export interface WorkspaceEdit { changes: { [uri: string]: TextEdit[] } }

export interface Command { title: string; command: string; arguments?: unknown[] }

export interface CodeAction {
  title: string;
  kind: string;
  diagnostics?: Diagnostic[];
  edit?: WorkspaceEdit;
  /** For fixes that need the network (e.g. pinning a digest): the server runs it and applies the edit. */
  command?: Command;
  isPreferred?: boolean;
}

export enum CompletionItemKind { Text = 1, Method = 2, Function = 3, Field = 5, Variable = 6, Module = 9, Property = 10, Value = 12, Enum = 13, Keyword = 14, Snippet = 15, File = 17, EnumMember = 20 }
export enum InsertTextFormat { PlainText = 1, Snippet = 2 }

export interface MarkupContent { kind: 'markdown' | 'plaintext'; value: string }

export interface CompletionItem {
  label: string;
  kind?: CompletionItemKind;
  detail?: string;
  documentation?: MarkupContent;
  insertText?: string;
  insertTextFormat?: InsertTextFormat;
  textEdit?: TextEdit;
  filterText?: string;
  sortText?: string;
  preselect?: boolean;
  /** 1 = insert as is (multi-line items carry absolute indentation), 2 = let the client adjust it. */
  insertTextMode?: 1 | 2;
}

export interface CompletionList { isIncomplete: boolean; items: CompletionItem[] }

export interface Hover { contents: MarkupContent; range?: Range }

export const SOURCE = 'image-trust';
