// Facts the admission rules share: which documents Kyverno's policy webhook validates, and how Go's
// "field is set" tests (non-nil pointer, non-empty string, non-empty struct after CRD defaults) read in YAML.
import { isMap, isScalar, isSeq, Node, Pair, Scalar, YAMLMap } from 'yaml';
import type { YamlDoc } from '../../document/yamlFile';
import { asMap, mapItems, pairOf, resolvedNode, seqItems } from '../../document/yamlFile';
import type { PolicyRuleView } from '../../policy/kyvernoPolicy';
import { specOf } from '../../policy/kyvernoPolicy';
import type { Report } from '../rule';

/** The ClusterPolicy/Policy versions whose admission checks these rules reproduce. */
const CHECKED_API_VERSIONS = new Set(['kyverno.io/v1', 'kyverno.io/v2beta1']);

export function admissionChecked(doc: YamlDoc): boolean {
  return doc.kind === 'kyverno-policy' && doc.apiVersion !== undefined && CHECKED_API_VERSIONS.has(doc.apiVersion);
}

/** v1 rewrites the deprecated top-level `image`/`key`/`issuer` fields before validating (`Convert()`); v2beta1 has none. */
export function convertsDeprecatedFields(doc: YamlDoc): boolean {
  return doc.apiVersion === 'kyverno.io/v1';
}

/** Kyverno's variable syntax: `{{ … }}` not preceded by a backslash (pkg/engine/variables/regex). */
export const KYVERNO_VARIABLE = /(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/;

/** Every scalar (keys and values) under `node`, each node once however many aliases reach it. */
export function scalarsUnder(node: unknown): Scalar[] {
  const out: Scalar[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown): void => {
    const n = resolvedNode(value);
    if (n === null || n === undefined || seen.has(n)) return;
    seen.add(n);
    if (isScalar(n)) out.push(n as Scalar);
    else if (isMap(n)) for (const pair of n.items) (visit(pair.key), visit(pair.value));
    else if (isSeq(n)) for (const item of n.items) visit(item);
  };
  visit(node);
  return out;
}

/**
 * A node as the plain data Go decodes from it, for Go's `DeepEqual`: nulls dropped (the API server prunes them),
 * map keys sorted (struct fields have no order), everything else as written.
 */
export function plainOf(node: unknown): unknown {
  const n = resolvedNode(node);
  if (isScalar(n)) return n.value;
  if (isSeq(n)) return n.items.map(plainOf);
  if (isMap(n)) {
    const entries = mapItems(n)
      .filter((p) => !isNullNode(p.value))
      .map((p) => [String(p.key.value), plainOf(p.value)] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries);
  }
  return null;
}

/** A YAML null (`key:`, `key: ~`, `key: null`) is dropped by the API server, so it counts as "not set". */
export function isNullNode(value: unknown): boolean {
  const node = resolvedNode(value);
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

/** The pair for `key` when its value is set (not null). Mirrors Go's `ptr != nil`. */
export function setPair(map: unknown, key: string): Pair<Scalar, Node | null> | undefined {
  const pair = pairOf(map, key);
  return pair && !isNullNode(pair.value) ? pair : undefined;
}

/** A string field as Go sees it: the empty string when missing, null, or not a string. */
export function stringField(map: unknown, key: string): string {
  const node = asMap(map)?.get(key, true);
  return isScalar(node) && typeof node.value === 'string' ? node.value : '';
}

/** A map with at least one set field: Go's `!DeepEqual(x, X{})` for a struct decoded from it. */
export function hasContent(node: unknown): boolean {
  return mapItems(node).some((p) => !isNullNode(p.value));
}

/** The spot for a finding about a whole map: its first key, or the map itself when it is empty. */
export function anchor(map: YAMLMap<Scalar, Node | null>): Pick<Report, 'keyOf' | 'node'> {
  const first = mapItems(map)[0];
  return first ? { keyOf: first } : { node: map };
}

/** Kyverno counts a verifyImages list as present when it holds a non-empty entry; CRD defaults fill every map entry. */
export function hasVerifyImages(rule: PolicyRuleView): boolean {
  return seqItems(rule.node.get('verifyImages', true)).some((n) => isMap(n));
}

export type Operation = 'mutate' | 'validate' | 'generate' | 'verifyImages';

/**
 * The operations a rule defines, as Kyverno's `Has*()` see them after CRD defaulting.
 * In v1 the CRD defaults `validate.allowExistingViolations`, so even `validate: {}` counts there.
 */
export function ruleOperations(doc: YamlDoc, rule: PolicyRuleView): { op: Operation; pair: Pair<Scalar, Node | null> }[] {
  const out: { op: Operation; pair: Pair<Scalar, Node | null> }[] = [];
  for (const op of ['mutate', 'validate', 'generate'] as const) {
    const pair = setPair(rule.node, op);
    if (!pair) continue;
    const present = hasContent(pair.value) || (op === 'validate' && doc.apiVersion === 'kyverno.io/v1' && isMap(pair.value));
    if (present) out.push({ op, pair });
  }
  const vi = pairOf(rule.node, 'verifyImages');
  if (vi && hasVerifyImages(rule)) out.push({ op: 'verifyImages', pair: vi });
  return out;
}

/** A spec boolean with its CRD default (true for `background` and `admission`). */
export function specFlag(doc: YamlDoc, key: 'background' | 'admission'): { value: boolean; node?: Scalar } {
  const node = specOf(doc)?.get(key, true);
  if (isScalar(node) && typeof node.value === 'boolean') return { value: node.value, node };
  return { value: true };
}

/** `match` or `exclude` resource-filter blocks: `any[]`, `all[]` and the legacy inline `resources`. */
export interface FilterBlock {
  section: 'match' | 'exclude';
  via: 'any' | 'all' | 'resources';
  /** The map holding `kinds` (the `resources` map), when present. */
  resources?: YAMLMap<Scalar, Node | null>;
  /** The `any[i]`/`all[i]` item, or the `match`/`exclude` map for the legacy form. */
  block: YAMLMap<Scalar, Node | null>;
}

export function filterBlocks(rule: PolicyRuleView, section: 'match' | 'exclude'): FilterBlock[] {
  const root = asMap(rule.node.get(section, true));
  if (!root) return [];
  const out: FilterBlock[] = [];
  for (const via of ['any', 'all'] as const) {
    for (const item of seqItems(root.get(via, true))) {
      const block = asMap(item);
      if (block) out.push({ section, via, block, resources: asMap(block.get('resources', true)) });
    }
  }
  const legacy = asMap(root.get('resources', true));
  if (legacy) out.push({ section, via: 'resources', block: root, resources: legacy });
  return out;
}

/** The `kinds` items of a resource block (scalars only). */
export function kindItems(resources: YAMLMap<Scalar, Node | null> | undefined): Scalar[] {
  const kinds = resources?.get('kinds', true);
  return isSeq(kinds) ? (kinds.items.filter((k) => isScalar(k)) as Scalar[]) : [];
}
