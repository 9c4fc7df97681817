// Values for enum and boolean fields (and enum sequence items, e.g. validationActions).
import type { CursorContext } from '../document/cursor';
import type { YamlFile } from '../document/yamlFile';
import type { JsonSchema } from '../schema/schemaStore';
import { CompletionItemKind, InsertTextFormat } from '../types';
import type { PositionedCompletionItem } from './edits';
import { replacing } from './edits';
import { preferredValues } from '../hover/fieldMarkdown';

export function valueCompletions(file: YamlFile, ctx: CursorContext, schema: JsonSchema): PositionedCompletionItem[] {
  const values = preferredValues(schema);
  if (!values) return [];
  return values.map((value, i) => {
    const text = String(value);
    const isDefault = schema.default === value;
    return {
      label: text,
      kind: CompletionItemKind.EnumMember,
      detail: isDefault ? 'default' : undefined,
      textEdit: replacing(file, ctx.word.start, ctx.word.end, text),
      insertTextFormat: InsertTextFormat.PlainText,
      sortText: `${isDefault ? 0 : 1}_${String(i).padStart(2, '0')}`,
      preselect: isDefault || undefined,
    };
  });
}
