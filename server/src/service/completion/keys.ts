// Map keys the schema allows at the cursor, with our docs, and an insertion shaped by the value's type.
import type { CursorContext } from '../document/cursor';
import type { YamlFile } from '../document/yamlFile';
import type { JsonSchema } from '../schema/schemaStore';
import { docFor, DocFamily } from '../schema/fieldDocs';
import { CompletionItemKind, InsertTextFormat } from '../types';
import { INSERT_AS_IS, pad, PositionedCompletionItem, replacing } from './edits';
import { typeLabel, valueShape } from './schemaPath';
import { fieldMarkdown, preferredValues } from '../hover/fieldMarkdown';

export function keyCompletions(
  file: YamlFile,
  ctx: CursorContext,
  family: DocFamily,
  mapSchema: JsonSchema,
): PositionedCompletionItem[] {
  const props = mapSchema.properties;
  if (!props) return [];
  const required = new Set(mapSchema.required ?? []);
  const present = new Set(ctx.presentKeys);
  const items: PositionedCompletionItem[] = [];
  for (const [name, schema] of Object.entries(props)) {
    if (present.has(name)) continue;
    // `status` is written by the controller, never by hand.
    if (name === 'status' && ctx.path.length === 0) continue;
    const path = [...ctx.path, name];
    const doc = docFor(family, path);
    const rank = required.has(name) ? 0 : doc?.deprecated ? 2 : 1;
    const detail = [typeLabel(schema), schema.default !== undefined ? `default ${JSON.stringify(schema.default)}` : undefined, doc?.deprecated ? 'deprecated' : undefined]
      .filter(Boolean)
      .join(' · ');
    items.push({
      label: name,
      kind: CompletionItemKind.Property,
      detail: detail || undefined,
      documentation: { kind: 'markdown', value: fieldMarkdown(name, path, schema, doc) },
      textEdit: replacing(file, ctx.word.start, ctx.word.end, ctx.hasColon ? name : keyInsertion(name, schema, ctx.column)),
      insertTextFormat: ctx.hasColon ? InsertTextFormat.PlainText : InsertTextFormat.Snippet,
      insertTextMode: INSERT_AS_IS,
      sortText: `${rank}_${name}`,
      filterText: name,
    });
  }
  return items;
}

/** `key: ` plus a placeholder, a choice of values, or a nested block/list one level deeper. */
export function keyInsertion(name: string, schema: JsonSchema, column: number): string {
  const child = pad(column + 2);
  switch (valueShape(schema)) {
    case 'map':
      return `${name}:\n${child}$0`;
    case 'list':
      return `${name}:\n${child}- $0`;
    default: {
      const choices = preferredValues(schema);
      if (choices && choices.length > 0) {
        const first: unknown[] = schema.default !== undefined && choices.includes(schema.default) ? [schema.default] : [];
        const ordered = [...first, ...choices.filter((c) => !first.includes(c))];
        return `${name}: \${1|${ordered.map((c) => String(c).replace(/[|,$}\\]/g, '\\$&')).join(',')}|}`;
      }
      return `${name}: $0`;
    }
  }
}
