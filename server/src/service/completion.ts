// Completion inside policy documents: keys from the schema, enum values, snippets, and workspace *.pub keys.
import type { YamlFile } from './document/yamlFile';
import { offsetAt } from './document/yamlFile';
import { isPolicyKind } from './document/classify';
import { locateCursor } from './document/cursor';
import type { WorkspaceFiles } from './languageService';
import type { CompletionList, Position } from './types';
import { schemaForDoc } from './schema/schemaStore';
import type { DocFamily } from './schema/fieldDocs';
import { resolveSchema, valueShape } from './completion/schemaPath';
import { keyCompletions } from './completion/keys';
import { valueCompletions } from './completion/values';
import { snippetCompletions } from './completion/snippets';
import { publicKeyCompletions } from './completion/publicKeys';
import type { PositionedCompletionItem } from './completion/edits';

export interface CompletionContext { workspace?: WorkspaceFiles }

const EMPTY: CompletionList = { isIncomplete: false, items: [] };

export async function doComplete(file: YamlFile, position: Position, ctx: CompletionContext): Promise<CompletionList> {
  const offset = offsetAt(file, position);
  const cursor = locateCursor(file, offset);
  if (!cursor || !isPolicyKind(cursor.doc.kind)) return EMPTY;
  const entry = schemaForDoc(cursor.doc);
  if (!entry) return EMPTY;
  const family = cursor.doc.kind as DocFamily;
  const items: PositionedCompletionItem[] = [];
  const schema = resolveSchema(entry.schema, cursor.path);
  if (cursor.kind === 'key') {
    if (schema && valueShape(schema) === 'map') items.push(...keyCompletions(file, cursor, family, schema));
    else if (schema && cursor.afterDash) items.push(...valueCompletions(file, cursor, schema));
    items.push(...snippetCompletions(file, cursor));
  } else {
    if (schema && !cursor.blockScalar) items.push(...valueCompletions(file, cursor, schema));
    items.push(...(await publicKeyCompletions(file, cursor, ctx.workspace)));
  }
  return { isIncomplete: false, items };
}
