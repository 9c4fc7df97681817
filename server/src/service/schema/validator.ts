// Validates a policy document against its generated JSON schema (ajv) and maps each problem to the exact
// YAML node, with a message that says what is wrong and how to fix it. Shared by the schema rules and
// by completion, so it returns plain problems (path, keyword, offsets) rather than diagnostics.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Document, isAlias, isCollection, isMap, isPair, isScalar, isSeq, Node, Pair, Scalar, visit } from 'yaml';
import type { YamlDoc } from '../document/yamlFile';
import { aliasFacts } from '../document/aliases';
import { allSchemas, JsonSchema, SchemaEntry, schemaAtPath, schemaForDoc, typesOf } from './schemaStore';
import { loadValidator } from './generated';
import { closest } from './suggest';

export type SchemaCode = 'schema-unknown-field' | 'schema-type' | 'schema-enum' | 'schema-required' | 'schema-value';

export type Path = (string | number)[];

export interface SchemaProblem {
  code: SchemaCode;
  /** The ajv keyword behind it (`additionalProperties`, `type`, `enum`, `required`, `minimum`, …). */
  keyword: string;
  /** Where the problem is: the value's path (type/enum/value), the unknown key's path, or the missing field's path. */
  path: Path;
  message: string;
  /** File offsets of the text the diagnostic covers (a key or a value). */
  offsets: [number, number];
  /** Text that can replace `offsets` to fix it (a field name or enum value), when one answer is clear. */
  replacement?: string;
  /** The allowed field names or enum values at this place. */
  allowed?: string[];
  /** For `schema-required`: the missing fields this problem covers. */
  fields?: string[];
}

// ---------------------------------------------------------------------------------------------------
// Validators: standalone code that ajv generated ahead of time from the same schemas and options
// (scripts/generate-validators.mjs: allErrors, strict off, verbose errors). Compiling at run time cost
// the first document 0.3–2 s; loading the generated module costs tens of ms.

const compiled = new Map<string, ValidateFunction>();

function compiledValidator(entry: SchemaEntry): ValidateFunction {
  let fn = compiled.get(entry.id);
  if (!fn) {
    fn = loadValidator(entry.id);
    if (!fn) throw new Error(`No generated validator for schema ${entry.id}: run \`npm run generate-schemas\`.`);
    compiled.set(entry.id, fn);
  }
  return fn;
}

/**
 * Loads the generated validators ahead of the first document. Nothing needs to call it now that no schema
 * is compiled at run time (loading all takes tens of ms); tests use it to check every schema has one.
 */
export function warmUpSchemaValidators(entries: readonly SchemaEntry[] = allSchemas): void {
  for (const entry of entries) compiledValidator(entry);
}

// ---------------------------------------------------------------------------------------------------
// Entry point.

const cache = new WeakMap<Document.Parsed, SchemaProblem[]>();

/** Schema problems of one policy document (cached per parsed document; empty when it has no schema). */
export function validateAgainstSchema(doc: YamlDoc): SchemaProblem[] {
  let problems = cache.get(doc.doc);
  if (!problems) {
    problems = computeProblems(doc);
    cache.set(doc.doc, problems);
  }
  return problems;
}

const KYVERNO_POLICY_VERSIONS = ['kyverno.io/v1', 'kyverno.io/v2beta1'];

function computeProblems(doc: YamlDoc): SchemaProblem[] {
  const root = doc.doc.contents;
  if (!isMap(root)) return [];
  const entry = schemaForDoc(doc);
  if (!entry) return unservedVersion(doc, root);

  let data: unknown;
  try {
    data = normalize(plainData(doc.doc));
  } catch {
    return []; // data the YAML library cannot build: the yaml-* rules report the YAML itself
  }
  const validate = compiledValidator(entry);
  if (validate(data) || !validate.errors) return [];
  // A document with `status` is a recorded or asserted object (chainsaw asserts), often partial: no `required`.
  const snapshot = isMap(root) && root.has('status');

  const mapper = new ErrorMapper(doc.doc, root, entry.schema);
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  const typeFailed = new Set<string>();
  // Type errors first: a value of the wrong type makes its enum/limit errors noise.
  const errors = [...validate.errors].sort((a, b) => Number(b.keyword === 'type') - Number(a.keyword === 'type'));
  const requiredByMap = new Map<string, ErrorObject[]>();
  const add = (problem: SchemaProblem | undefined) => {
    if (!problem) return;
    const key = `${problem.code}:${problem.offsets[0]}:${problem.offsets[1]}:${problem.path.join('/')}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(problem);
  };
  for (const err of errors) {
    if (err.keyword !== 'type' && typeFailed.has(err.instancePath)) continue;
    if (err.keyword === 'required') {
      if (snapshot) continue;
      const group = requiredByMap.get(err.instancePath);
      if (group) group.push(err);
      else requiredByMap.set(err.instancePath, [err]);
      continue;
    }
    if (err.keyword === 'type') typeFailed.add(err.instancePath);
    add(mapper.map(err));
  }
  for (const group of requiredByMap.values()) mapper.missing(group).forEach(add);
  return dropInsideSyntaxErrors(doc, out, mapper).sort((a, b) => a.offsets[0] - b.offsets[0]);
}

/** `kyverno.io/v2` (or any other version) has no ClusterPolicy/Policy: the API server would not find the kind. */
function unservedVersion(doc: YamlDoc, root: Node): SchemaProblem[] {
  if (doc.kind !== 'kyverno-policy' || !doc.apiVersion || KYVERNO_POLICY_VERSIONS.includes(doc.apiVersion)) return [];
  const node = isMap(root) ? root.get('apiVersion', true) : undefined;
  if (!isScalar(node) || !node.range) return [];
  return [{
    code: 'schema-enum',
    keyword: 'enum',
    path: ['apiVersion'],
    message: `${doc.kindName} is not served as \`${doc.apiVersion}\`; use \`kyverno.io/v1\` (or \`kyverno.io/v2beta1\`).`,
    offsets: [node.range[0], node.range[1]],
    replacement: 'kyverno.io/v1',
    allowed: KYVERNO_POLICY_VERSIONS,
  }];
}

/**
 * The document's data with aliases expanded. Their expansion is bounded by what Kubernetes' reader accepts
 * (document/aliases.ts); a document it refuses for excessive aliasing is validated with every alias left empty, so a
 * typo beside a bomb is still found (yaml-excessive-aliasing says why the aliased parts are not checked).
 */
function plainData(document: Document.Parsed): unknown {
  const facts = aliasFacts(document);
  const collectionKeys = hasCollectionKey(document);
  if (!facts.excessive && facts.unknown.length === 0 && !collectionKeys) return document.toJS({ maxAliasCount: -1 });
  // An unknown alias (yaml-unknown-alias) is left empty too, instead of failing the whole document.
  const unknown = new Set(facts.unknown.map((a) => a.range?.[0]));
  const copy = document.clone();
  visit(copy, {
    Alias: (_key, alias) => (facts.excessive || unknown.has(alias.range?.[0]) ? new Scalar(null) : undefined),
    // A map or list used as a key has no JSON form (Kubernetes refuses it), and turning it into a string key costs
    // the YAML library time quadratic in its nesting: such pairs are left out of the data.
    Pair: (_key, pair) => (isCollection(pair.key) ? visit.REMOVE : undefined),
  });
  return copy.toJS({ maxAliasCount: -1 });
}

function hasCollectionKey(document: Document.Parsed): boolean {
  let found = false;
  visit(document, {
    Pair: (_key, pair) => {
      if (!isCollection(pair.key)) return undefined;
      found = true;
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * Normalizes the plain data the way the API server sees it:
 * - null fields are dropped before validation (structural-schema pruning), so a key typed with no value
 *   yet counts as absent: no type error while the user is still typing, only `required` if it matters;
 * - `<<` merge keys are expanded, as kubectl's YAML 1.1 reader does (our YAML 1.2 parse keeps them as keys).
 */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (const item of value) normalize(item);
  } else if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (MERGE_KEY in obj) {
      const sources = obj[MERGE_KEY];
      delete obj[MERGE_KEY];
      for (const source of Array.isArray(sources) ? sources : [sources]) {
        if (!source || typeof source !== 'object' || Array.isArray(source)) continue;
        for (const [k, v] of Object.entries(source)) if (!(k in obj)) obj[k] = v;
      }
    }
    for (const k of Object.keys(obj)) {
      if (obj[k] === null || obj[k] === undefined) delete obj[k];
      else normalize(obj[k]);
    }
  }
  return value;
}

const MERGE_KEY = '<<';

/**
 * A broken YAML region already has a yaml-syntax diagnostic; schema noise on top of it helps nobody. An
 * unclosed flow collection (`[a, b`) reports its error at the end, so the whole collection counts as broken.
 */
function dropInsideSyntaxErrors(doc: YamlDoc, problems: SchemaProblem[], mapper: ErrorMapper): SchemaProblem[] {
  if (doc.doc.errors.length === 0) return problems;
  const errors = doc.doc.errors.map((e) => e.pos);
  return problems.filter((p) => {
    const spans = [p.offsets, mapper.flowSpans.get(p)].filter((s): s is [number, number] => !!s);
    return !errors.some(([a, b]) => spans.some(([start, end]) => a <= end && b >= start));
  });
}

// ---------------------------------------------------------------------------------------------------
// Mapping an ajv error to a YAML node and a message.

interface Step {
  /** The value node at this depth (aliases resolved). */
  node: Node | null | undefined;
  /** The map pair holding it, when its parent is a map. */
  pair?: Pair;
}

class ErrorMapper {
  /** For problems inside a flow collection (`[…]`, `{…}`): the outermost one's range. */
  readonly flowSpans = new WeakMap<SchemaProblem, [number, number]>();
  private currentFlowSpan: [number, number] | undefined;

  constructor(private readonly document: Document.Parsed, private readonly root: Node, private readonly schema: JsonSchema) {}

  map(err: ErrorObject): SchemaProblem | undefined {
    const problem = this.mapOne(err);
    if (problem) this.noteFlowSpan([problem]);
    return problem;
  }

  private noteFlowSpan(problems: SchemaProblem[]): SchemaProblem[] {
    if (this.currentFlowSpan) for (const p of problems) this.flowSpans.set(p, this.currentFlowSpan);
    return problems;
  }

  private mapOne(err: ErrorObject): SchemaProblem | undefined {
    switch (err.keyword) {
      case 'additionalProperties':
        return this.unknownField(err);
      case 'type':
        return this.wrongType(err);
      case 'enum':
        return this.badEnum(err);
      case 'minimum':
      case 'maximum':
      case 'minLength':
      case 'maxLength':
      case 'minItems':
      case 'maxItems':
        return this.outOfRange(err);
      default:
        // anyOf/oneOf/allOf umbrellas repeat their branches' errors; other keywords are not generated.
        return undefined;
    }
  }

  private unknownField(err: ErrorObject): SchemaProblem | undefined {
    const field = String((err.params as { additionalProperty: string }).additionalProperty);
    const { steps, path } = this.walk(err.instancePath);
    const parent = steps[steps.length - 1].node;
    const pair = findPair(parent, field);
    const props = Object.keys((err.parentSchema as JsonSchema | undefined)?.properties ?? {});
    const present = new Set(isMap(parent) ? parent.items.map((p) => keyString(p.key)) : []);
    const candidates = props.filter((p) => !present.has(p));
    const guess = closest(field, candidates);
    const where = path.length ? ` in \`${label(path)}\`` : '';
    let message = `Unknown field \`${field}\`${where}.`;
    const elsewhere = guess ? undefined : this.misplaced(field, path);
    if (guess) message += ` Did you mean \`${guess}\`?`;
    else if (elsewhere) message += ` ${elsewhere}`;
    else if (props.length) message += ` Allowed here: ${listOf(props, 8)}.`;
    return {
      code: 'schema-unknown-field',
      keyword: err.keyword,
      path: [...path, field],
      message,
      offsets: (pair && keyOffsets(pair)) ?? locate(steps),
      replacement: guess,
      allowed: props,
    };
  }

  /** A known field at the wrong depth is usually an indentation slip: say where it belongs. */
  private misplaced(field: string, path: Path): string | undefined {
    // Up to two maps up (list indexes count as steps; a list's schema has no properties, so it never matches).
    for (let up = 1; up <= 4 && up <= path.length; up++) {
      const ancestor = path.slice(0, path.length - up);
      if (schemaAtPath(this.schema, ancestor)?.properties?.[field]) {
        return `It belongs ${ancestor.length ? `under \`${label(ancestor)}\`` : 'at the top level'}; check the indentation.`;
      }
    }
    const here = schemaAtPath(this.schema, path);
    for (const [child, childSchema] of Object.entries(here?.properties ?? {})) {
      const inner = childSchema.items ?? childSchema;
      if (inner.properties?.[field]) return `It is a field of \`${child}\`; indent it under \`${child}:\`.`;
    }
    return undefined;
  }

  private wrongType(err: ErrorObject): SchemaProblem | undefined {
    const { steps, path } = this.walk(err.instancePath);
    const last = steps[steps.length - 1];
    const schema = (err.parentSchema ?? {}) as JsonSchema;
    const data = err.data;
    if (data === null || data === undefined) return undefined; // an empty list item being typed
    const expected = describeSchemaType(schema);
    const name = label(path);
    const message = `\`${name}\` must be ${expected}, not ${describeValue(data, last.node)}. ${typeHint(name, schema, data, last.node)}`;
    return { code: 'schema-type', keyword: err.keyword, path, message: message.trim(), offsets: locate(steps) };
  }

  private badEnum(err: ErrorObject): SchemaProblem | undefined {
    const { steps, path } = this.walk(err.instancePath);
    const allowed = ((err.params as { allowedValues?: unknown[] }).allowedValues ?? []).map(String);
    const value = String(err.data);
    const guess = closest(value, allowed);
    let message = `\`${label(path)}\` does not accept \`${value}\`; allowed: ${listOf(allowed, 12)}.`;
    if (guess) message += ` Did you mean \`${guess}\`?`;
    return { code: 'schema-enum', keyword: err.keyword, path, message, offsets: locate(steps), replacement: guess, allowed };
  }

  /** All `required` errors of one map at once: one diagnostic for the fields it lacks, one per empty key. */
  missing(errs: ErrorObject[]): SchemaProblem[] {
    const fields = errs.map((e) => String((e.params as { missingProperty: string }).missingProperty));
    const { steps, path } = this.walk(errs[0].instancePath);
    const last = steps[steps.length - 1];
    const parent = last.node;
    const name = path.length ? `\`${label(path)}\`` : 'the document';
    const out: SchemaProblem[] = [];
    const absent: string[] = [];
    for (const field of fields) {
      const emptyPair = findPair(parent, field);
      if (!emptyPair) {
        absent.push(field);
        continue;
      }
      // Written with no value (pruned like the API server does): point at that key.
      out.push({
        code: 'schema-required',
        keyword: 'required',
        path: [...path, field],
        message: `\`${field}\` is required${path.length ? ` in ${name}` : ''} but has no value; fill it in.`,
        offsets: keyOffsets(emptyPair) ?? firstOffsets(parent),
        fields: [field],
      });
    }
    if (absent.length) {
      const what = absent.length === 1 ? `the required field \`${absent[0]}\`` : `the required fields ${listOf(absent, 10)}`;
      const add = absent.map((f) => `\`${f}:\``).join(', ');
      out.push({
        code: 'schema-required',
        keyword: 'required',
        path: [...path, absent[0]],
        message: `${name.charAt(0).toUpperCase()}${name.slice(1)} is missing ${what}; add ${add}.`,
        offsets: (last.pair && keyOffsets(last.pair)) ?? (parent ? firstOffsets(parent) : locate(steps)),
        fields: absent,
      });
    }
    return this.noteFlowSpan(out);
  }

  private outOfRange(err: ErrorObject): SchemaProblem | undefined {
    const { steps, path } = this.walk(err.instancePath);
    const limit = (err.params as { limit: number }).limit;
    const name = `\`${label(path)}\``;
    const text: Record<string, string> = {
      minimum: `${name} must be at least ${limit}.`,
      maximum: `${name} must be at most ${limit}.`,
      minLength: `${name} must be at least ${limit} characters long.`,
      maxLength: `${name} must be at most ${limit} characters long; shorten it.`,
      minItems: `${name} needs at least ${limit} item${limit === 1 ? '' : 's'}.`,
      maxItems: `${name} takes at most ${limit} item${limit === 1 ? '' : 's'}.`,
    };
    const offsets = locate(steps);
    return { code: 'schema-value', keyword: err.keyword, path, message: text[err.keyword], offsets };
  }

  /** Follows an ajv instancePath (JSON pointer) through the YAML tree, resolving aliases. */
  private walk(pointer: string): { steps: Step[]; path: Path } {
    const steps: Step[] = [{ node: this.root }];
    const path: Path = [];
    this.currentFlowSpan = undefined;
    if (!pointer) return { steps, path };
    for (const raw of pointer.slice(1).split('/')) {
      const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      const current = steps[steps.length - 1].node;
      if ((isMap(current) || isSeq(current)) && current.flow && current.range && !this.currentFlowSpan) {
        this.currentFlowSpan = [current.range[0], current.range[1]];
      }
      if (isSeq(current)) {
        const index = Number(seg);
        path.push(index);
        steps.push({ node: this.resolve(current.items[index] as Node | undefined) });
      } else {
        path.push(seg);
        const pair = findPair(current, seg);
        steps.push({ node: this.resolve(pair?.value as Node | null | undefined), pair });
      }
    }
    const last = steps[steps.length - 1].node;
    if ((isMap(last) || isSeq(last)) && last.flow && last.range && !this.currentFlowSpan) {
      this.currentFlowSpan = [last.range[0], last.range[1]];
    }
    return { steps, path };
  }

  private resolve(node: Node | null | undefined): Node | null | undefined {
    return isAlias(node) ? (node.resolve(this.document) as Node | undefined) : node;
  }
}

/** A key as a field name; a collection key is none (and stringifying it could be slow). */
function keyString(key: unknown): string {
  return isScalar(key) ? String(key.value) : isCollection(key) ? '' : String(key);
}

/** The last pair with this key (toJS lets a duplicate key's later value win). */
function findPair(map: unknown, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  let found: Pair | undefined;
  for (const item of map.items) if (isPair(item) && keyString(item.key) === key) found = item;
  return found;
}

function keyOffsets(pair: Pair): [number, number] | undefined {
  const key = pair.key as Node | null;
  return key?.range ? [key.range[0], key.range[1]] : undefined;
}

/** A short range that identifies a collection: its first key or first item, or its opening. */
function firstOffsets(node: Node | null | undefined): [number, number] {
  if (isMap(node)) {
    const first = node.items.find(isPair);
    const k = first && keyOffsets(first);
    if (k) return k;
  }
  if (isSeq(node)) {
    const first = node.items[0] as Node | undefined;
    if (first?.range) return isScalar(first) ? [first.range[0], first.range[1]] : firstOffsets(first);
  }
  const r = node?.range;
  return r ? [r[0], Math.max(r[0], Math.min(r[1], r[0] + 1))] : [0, 0];
}

/**
 * Where a problem about the last step goes. Single-line scalars: the value itself. Collections and block
 * scalars (`|`, `>`): the key that holds them, since their range can span many lines. A value that is not
 * in the YAML as such (it came through a `<<` merge): the merge key, or else the nearest ancestor.
 */
function locate(steps: readonly Step[]): [number, number] {
  for (let i = steps.length - 1; i >= 0; i--) {
    const { node, pair } = steps[i];
    if (node === undefined && !pair) {
      const merge = findPair(steps[i - 1]?.node, MERGE_KEY);
      const k = merge && keyOffsets(merge);
      if (k) return k;
      continue;
    }
    const block = isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED');
    if (isScalar(node) && node.range && node.range[1] > node.range[0] && !(block && pair)) return [node.range[0], node.range[1]];
    const k = pair && keyOffsets(pair);
    if (k) return k;
    if (node) return firstOffsets(node);
  }
  return [0, 0];
}

/** The tail of a path, up to two keys: `verifyImages[1].imageReferences`, `secret.name`, `validationActions[0]`. */
function label(path: Path): string {
  let start = path.length;
  let keys = 0;
  while (start > 0 && keys < 2) {
    start--;
    if (typeof path[start] === 'string') keys++;
  }
  let out = '';
  for (const step of path.slice(start)) out += typeof step === 'number' ? `[${step}]` : out ? `.${step}` : step;
  return out || '(document)';
}

function listOf(items: readonly string[], max: number): string {
  const shown = items.slice(0, max).map((i) => `\`${i}\``).join(', ');
  return items.length > max ? `${shown}, … (${items.length - max} more)` : shown;
}

// ---------------------------------------------------------------------------------------------------
// Words for types and values.

function describeSchemaType(schema: JsonSchema): string {
  const types = typesOf(schema).filter((t) => t !== 'null');
  if (types.length === 0) return 'a value';
  return types.map((t) => describeOne(t, schema)).join(' or ');
}

function describeOne(type: string, schema: JsonSchema): string {
  switch (type) {
    case 'array': {
      const itemTypes = schema.items ? typesOf(schema.items).filter((t) => t !== 'null') : [];
      const plural: Record<string, string> = { object: 'maps', string: 'strings', integer: 'whole numbers', number: 'numbers', boolean: 'booleans', array: 'lists' };
      return itemTypes.length === 1 ? `a list of ${plural[itemTypes[0]] ?? 'values'}` : 'a list';
    }
    case 'object':
      return 'a map of fields';
    case 'string':
      return 'a string';
    case 'integer':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'boolean':
      return '`true` or `false`';
    default:
      return type;
  }
}

function describeValue(data: unknown, node: Node | null | undefined): string {
  if (Array.isArray(data)) return 'a list';
  if (data && typeof data === 'object') return 'a map';
  if (typeof data === 'string') return isQuoted(node) ? 'a quoted string' : 'a string';
  if (typeof data === 'number') return 'a number';
  if (typeof data === 'boolean') return 'a boolean';
  return 'an empty value';
}

function isQuoted(node: Node | null | undefined): boolean {
  return isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
}

/** One concrete way out, written as the YAML the user should have. */
function typeHint(name: string, schema: JsonSchema, data: unknown, node: Node | null | undefined): string {
  const types = typesOf(schema);
  const inList = /\]$/.test(name);
  const key = name.split('.').pop() ?? name;
  // The corrected YAML: `key: value` for a field, `- value` for a list item.
  const yamlOf = (value: string) => (inList ? `- ${value}` : `${key}: ${value}`);
  const isScalarData = data === null || typeof data !== 'object';
  if (types.includes('array')) {
    if (isScalarData) return `Put it in a list: \`${yamlOf(`[${JSON.stringify(data)}]`)}\`.`;
    if (!Array.isArray(data)) return 'Make it a list: start each entry with `- `.';
  }
  if (types.includes('object')) {
    const fields = Object.keys(schema.properties ?? {});
    if (Array.isArray(data)) return `It takes a single map, not a list: remove the \`- \` in front of its fields.`;
    if (fields.length) return `It holds nested fields such as ${listOf(fields, 4)}, not a single value.`;
    return 'It holds nested `key: value` fields, not a single value.';
  }
  if (!isScalarData) return Array.isArray(data) ? 'It takes a single value, not a list.' : 'It takes a single value, not a map.';
  if (types.includes('string')) return `Quote it: \`${yamlOf(JSON.stringify(String(data)))}\`.`;
  if (types.includes('boolean')) {
    if (typeof data === 'string' && /^(true|false)$/i.test(data)) return `Remove the quotes: \`${yamlOf(data.toLowerCase())}\`.`;
    return `Write \`${yamlOf('true')}\` or \`${yamlOf('false')}\`.`;
  }
  if (types.includes('integer') || types.includes('number')) {
    if (typeof data === 'string' && /^-?\d+$/.test(data.trim())) return `Remove the quotes: \`${yamlOf(data.trim())}\`.`;
    if (typeof data === 'number') return 'Use a whole number.';
    return isQuoted(node) ? 'Write a number without quotes.' : 'Write a number.';
  }
  return '';
}
