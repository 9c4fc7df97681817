// Schema lookup by path, aware of the places the generated schema leaves open but Kyverno gives a shape:
// a nested `attestor` inside an attestor entry is itself an attestor set (count + entries).
import { childSchema, JsonSchema, typesOf } from '../schema/schemaStore';
import type { PathStep } from '../document/cursor';

export function resolveSchema(root: JsonSchema, path: readonly PathStep[]): JsonSchema | undefined {
  let current: JsonSchema | undefined = root;
  let attestorSet: JsonSchema | undefined;
  for (let i = 0; i < path.length && current; i++) {
    const step = path[i];
    const parentKey = path[i - 1];
    let next = childSchema(current, step);
    if (typeof step === 'number' && parentKey === 'attestors' && next?.properties?.entries) attestorSet = next;
    if (step === 'attestor' && typeof parentKey === 'number' && attestorSet && !next?.properties) next = attestorSet;
    current = next;
  }
  return current;
}

/** A short type label: `string`, `boolean`, `object`, `string[]`, `object[]`. */
export function typeLabel(schema: JsonSchema | undefined): string | undefined {
  if (!schema) return undefined;
  const types = typesOf(schema);
  if (types.includes('array')) {
    const item = schema.items ? typeLabel(schema.items) ?? 'any' : 'any';
    return `${item}[]`;
  }
  if (types.length > 0) return types.join(' | ');
  if (schema.properties) return 'object';
  return undefined;
}

export type ValueShape = 'scalar' | 'map' | 'list' | 'unknown';

export function valueShape(schema: JsonSchema | undefined): ValueShape {
  if (!schema) return 'unknown';
  const types = typesOf(schema);
  if (types.includes('array')) return 'list';
  if (types.includes('object') || schema.properties) return 'map';
  if (types.length > 0) return 'scalar';
  return 'unknown';
}
