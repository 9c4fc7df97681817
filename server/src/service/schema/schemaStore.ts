// The generated JSON schemas (schemas/*.json), bundled into the server, and lookups into them by path.
import kyvernoV1 from '../../../../schemas/kyverno-policy.v1.json';
import kyvernoV2beta1 from '../../../../schemas/kyverno-policy.v2beta1.json';
import imageValidatingPolicy from '../../../../schemas/image-validating-policy.json';
import clusterImagePolicy from '../../../../schemas/cluster-image-policy.json';
import type { YamlDoc } from '../document/yamlFile';

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  minLength?: number;
  [key: string]: unknown;
}

export interface SchemaEntry {
  /** Stable id (the schema's file name), also the ajv cache key. */
  id: string;
  schema: JsonSchema;
}

const ENTRIES = {
  kyvernoV1: { id: 'kyverno-policy.v1.json', schema: kyvernoV1 as JsonSchema },
  kyvernoV2beta1: { id: 'kyverno-policy.v2beta1.json', schema: kyvernoV2beta1 as JsonSchema },
  ivp: { id: 'image-validating-policy.json', schema: imageValidatingPolicy as JsonSchema },
  cip: { id: 'cluster-image-policy.json', schema: clusterImagePolicy as JsonSchema },
} satisfies Record<string, SchemaEntry>;

export const allSchemas: readonly SchemaEntry[] = Object.values(ENTRIES);

/** The schema a document is validated against, from its apiVersion and kind; undefined if we have none. */
export function schemaForDoc(doc: Pick<YamlDoc, 'kind' | 'apiVersion'>): SchemaEntry | undefined {
  switch (doc.kind) {
    case 'kyverno-policy':
      if (doc.apiVersion === 'kyverno.io/v1') return ENTRIES.kyvernoV1;
      if (doc.apiVersion === 'kyverno.io/v2beta1') return ENTRIES.kyvernoV2beta1;
      return undefined;
    case 'image-validating-policy':
      return ENTRIES.ivp;
    case 'cluster-image-policy':
      return ENTRIES.cip;
    default:
      return undefined;
  }
}

/** The sub-schema that describes the value at `path` (map keys and sequence indexes), or undefined. */
export function schemaAtPath(schema: JsonSchema, path: readonly (string | number)[]): JsonSchema | undefined {
  let current: JsonSchema | undefined = schema;
  for (const step of path) {
    if (!current) return undefined;
    current = childSchema(current, step);
  }
  return current;
}

export function childSchema(schema: JsonSchema, step: string | number): JsonSchema | undefined {
  if (typeof step === 'number') return schema.items;
  const prop = schema.properties?.[step];
  if (prop) return prop;
  if (typeof schema.additionalProperties === 'object') return schema.additionalProperties;
  // Objects the CRD leaves open (x-kubernetes-preserve-unknown-fields) accept anything.
  return undefined;
}

export function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  return schema.type ? [schema.type] : [];
}
