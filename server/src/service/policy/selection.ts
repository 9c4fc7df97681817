// Which resources a Kyverno rule selects, as written: its `match` / `exclude` blocks read once into facts
// (kinds, names, namespaces, annotations, label selectors, operations, user-info fields). Rule matching
// (manifest/ruleMatch.ts) evaluates them against a workload.
import { isMap, isScalar, Node, Scalar, YAMLMap } from 'yaml';
import { asMap, mapItems, pairOf, scalarValue, seqItems } from '../document/yamlFile';
import { stringList } from './autogen';
import { child } from './kyvernoPolicy';

type MapNode = YAMLMap<Scalar, Node | null>;

export interface LabelExpression {
  key: unknown;
  operator: unknown;
  values: string[];
}

export interface LabelSelector {
  /** `[key, value]`, both Kyverno wildcards. */
  matchLabels: [string, string][];
  matchExpressions: LabelExpression[];
}

/** A ResourceDescription (`resources` of a filter). */
export interface ResourceDescription {
  /** No field at all (an exclude with it excludes nothing). */
  empty: boolean;
  kinds: string[];
  /** `name` then `names`. */
  names: string[];
  namespaces: string[];
  /** `[key, value]`, both Kyverno wildcards. */
  annotations: [string, string][];
  selector?: LabelSelector;
  /** A `namespaceSelector` is written (it cannot be evaluated from the files). */
  namespaceSelector: boolean;
  operations: string[];
}

/** A ResourceFilter: `resources` plus the user-info fields (`subjects`, `roles`, `clusterRoles`) that are set. */
export interface ResourceFilter {
  resources?: ResourceDescription;
  userInfo: string[];
}

/** A match/exclude block: `any` (OR), else `all` (AND), else the block itself as one (legacy) filter. */
export interface Selection {
  /** Undefined items: list items that are not maps (they select nothing). */
  any: (ResourceFilter | undefined)[];
  all: (ResourceFilter | undefined)[];
  self: ResourceFilter;
}

export function selectionOf(block: unknown): Selection | undefined {
  const m = asMap(block);
  if (!m) return undefined;
  const filters = (key: string) => seqItems(child(m, key)).map((f) => (asMap(f) ? filterOf(asMap(f)!) : undefined));
  return { any: filters('any'), all: filters('all'), self: filterOf(m) };
}

function filterOf(f: MapNode): ResourceFilter {
  const resources = asMap(child(f, 'resources'));
  return {
    resources: resources ? descriptionOf(resources) : undefined,
    userInfo: ['subjects', 'roles', 'clusterRoles'].filter((k) => seqItems(child(f, k)).length > 0),
  };
}

function descriptionOf(d: MapNode): ResourceDescription {
  const name = scalarValue(d, 'name');
  const selector = child(d, 'selector');
  return {
    empty: mapItems(d).length === 0,
    kinds: stringList(child(d, 'kinds')),
    names: [...(typeof name === 'string' ? [name] : []), ...stringList(child(d, 'names'))],
    namespaces: stringList(child(d, 'namespaces')),
    annotations: pairsOf(child(d, 'annotations')),
    selector: isMap(selector) ? labelSelectorOf(selector) : undefined,
    namespaceSelector: pairOf(d, 'namespaceSelector') !== undefined,
    operations: stringList(child(d, 'operations')),
  };
}

function labelSelectorOf(selector: unknown): LabelSelector {
  return {
    matchLabels: pairsOf(child(selector, 'matchLabels')),
    matchExpressions: seqItems(child(selector, 'matchExpressions')).map((e) => ({
      key: scalarValue(e, 'key'),
      operator: scalarValue(e, 'operator'),
      values: stringList(child(e, 'values')),
    })),
  };
}

function pairsOf(map: unknown): [string, string][] {
  return mapItems(map).map((p) => [String(p.key.value), isScalar(p.value) ? String(p.value.value) : '']);
}
