// The pure language service: text in, LSP-shaped data out. No connection, no process, no globals.
import { parseYamlFile, YamlFile } from './document/yamlFile';
import { reparseYamlFile } from './document/incremental';
import { validateFile } from './validate';
import { defaultSettings, ServiceSettings } from './settings';
import type { CodeAction, CompletionList, Diagnostic, Hover, Position, Range } from './types';
import { doComplete as complete, CompletionContext } from './completion';
import { doHover as hover } from './hover';
import { doCodeActions as codeActions } from './codeActions';
import type { WorkspaceView } from './workspace/policyIndex';
import { codeLenses, CodeLens } from './codeLens';

export interface WorkspaceFiles {
  /** Files in the workspace whose name matches `pattern` (e.g. `**\/*.pub`), with their text. */
  findFiles(pattern: string): Promise<{ uri: string; text: string }[]>;
}

export interface LanguageServiceOptions {
  workspace?: WorkspaceFiles;
  /** The workspace's policies and images (see workspace/policyIndex.ts): enables coverage diagnostics and hovers. */
  policyIndex?: WorkspaceView;
}

export interface LanguageService {
  /** Parse once per (uri, version); every other call takes the parsed file. */
  parse(uri: string, text: string, version?: number): YamlFile;
  doValidation(file: YamlFile, settings?: ServiceSettings): Diagnostic[];
  doComplete(file: YamlFile, position: Position): Promise<CompletionList>;
  doHover(file: YamlFile, position: Position): Hover | null;
  doCodeActions(file: YamlFile, range: Range, diagnostics: Diagnostic[]): CodeAction[];
  /** Verification lenses (commands only; the host runs them). */
  doCodeLens(file: YamlFile): CodeLens[];
  forget(uri: string): void;
}

export function getLanguageService(options: LanguageServiceOptions = {}): LanguageService {
  const cache = new Map<string, YamlFile>();
  const ctx: CompletionContext = { workspace: options.workspace };
  return {
    parse(uri, text, version = 0) {
      const cached = cache.get(uri);
      if (cached && cached.version === version && cached.text === text) return cached;
      // After an edit, re-parse only the document or sequence item that changed (same result as a full parse).
      const file = cached ? reparseYamlFile(cached, text, version).file : parseYamlFile(uri, text, version);
      cache.set(uri, file);
      return file;
    },
    doValidation: (file, settings = defaultSettings) => validateFile(file, settings, undefined, options.policyIndex),
    doComplete: (file, position) => complete(file, position, ctx),
    doHover: (file, position) => hover(file, position, new Date(), options.policyIndex),
    doCodeActions: (file, range, diagnostics) => codeActions(file, range, diagnostics),
    doCodeLens: (file) => codeLenses(file, options.policyIndex),
    forget: (uri) => void cache.delete(uri),
  };
}
