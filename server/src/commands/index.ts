// Server-side commands (workspace/executeCommand). Network work lives here, never on the diagnostics path.
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LanguageService } from '../service/languageService';

export interface CommandContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  service: LanguageService;
}

/** Command ids the server executes; advertised in `executeCommandProvider`. */
export const SERVER_COMMANDS: string[] = [];

export function registerCommands(_ctx: CommandContext): void {
  // Filled in by the registry / verification features.
}
