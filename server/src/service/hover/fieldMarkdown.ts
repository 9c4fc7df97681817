// The markdown shown for a field, by hover and as completion documentation.
import type { PathStep } from '../document/cursor';
import type { FieldDoc } from '../schema/fieldDocs';
import { pathPattern } from '../schema/fieldDocs';
import type { JsonSchema } from '../schema/schemaStore';
import { typeLabel } from '../completion/schemaPath';

/** Enum values worth offering: lowercase duplicates of capitalised values (`audit` vs `Audit`) are deprecated. */
export function preferredValues(schema: JsonSchema | undefined): unknown[] | undefined {
  const values = schema?.enum ?? (schema?.type === 'boolean' ? [true, false] : undefined);
  if (!values) return undefined;
  const strings = new Set(values.filter((v): v is string => typeof v === 'string'));
  return values.filter((v) => !(typeof v === 'string' && v !== capitalise(v) && strings.has(capitalise(v))));
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function fieldMarkdown(name: string, path: readonly PathStep[], schema: JsonSchema | undefined, doc: FieldDoc | undefined): string {
  const type = typeLabel(schema);
  const parts: string[] = [`**\`${name}\`**${type ? ` · \`${type}\`` : ''}`];
  if (doc?.deprecated) parts.push(`**Deprecated.** ${doc.deprecated}`);
  if (doc) parts.push(doc.text);
  const facts: string[] = [];
  const dflt = schema?.default !== undefined && typeof schema.default !== 'object' ? `\`${String(schema.default)}\`` : doc?.default;
  if (dflt) facts.push(`Default: ${dflt}`);
  const values = preferredValues(schema?.items && !schema.enum ? schema.items : schema);
  if (values && values.length > 0) facts.push(`Allowed: ${values.map((v) => `\`${String(v)}\``).join(', ')}`);
  if (doc?.since) facts.push(`Since ${doc.since}`);
  if (facts.length > 0) parts.push(facts.join(' · '));
  if (doc?.example) parts.push('```yaml\n' + doc.example + '\n```');
  parts.push(`\`${pathPattern(path)}\``);
  return parts.join('\n\n');
}
