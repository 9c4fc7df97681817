import type { YamlFile } from './document/yamlFile';
import type { WorkspaceFiles } from './languageService';
import type { CompletionList, Position } from './types';

export interface CompletionContext { workspace?: WorkspaceFiles }

export async function doComplete(_file: YamlFile, _position: Position, _ctx: CompletionContext): Promise<CompletionList> {
  return { isIncomplete: false, items: [] };
}
