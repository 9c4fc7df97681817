// A navigable view of a Kyverno ClusterPolicy/Policy document: rules, verifyImages entries and attestor sets,
// each with the YAML node it came from. The policy model (model.ts) is built on these views.
import { isMap, isScalar, isSeq, Node, Pair, Scalar, YAMLMap } from 'yaml';
import type { YamlDoc } from '../document/yamlFile';
import { asMap, pairOf, scalarValue, seqItems } from '../document/yamlFile';

export type Path = (string | number)[];

export interface PolicyRuleView {
  index: number;
  node: YAMLMap<Scalar, Node | null>;
  name?: string;
  path: Path;
}

export interface VerifyImagesView {
  rule: PolicyRuleView;
  index: number;
  node: YAMLMap<Scalar, Node | null>;
  path: Path;
}

export interface AttestorSetView {
  node: YAMLMap<Scalar, Node | null>;
  path: Path;
  /** The entries' YAML nodes (only the maps; other items are schema errors). */
  entries: { node: YAMLMap<Scalar, Node | null>; path: Path }[];
}

/** The value node under `key`, read through the shared YAML helpers (never `map.get`, so they decide what a key resolves to). */
export function child(map: unknown, key: string): Node | undefined {
  return pairOf(map, key)?.value ?? undefined;
}

export function specOf(doc: YamlDoc): YAMLMap<Scalar, Node | null> | undefined {
  return asMap(child(doc.doc.contents, 'spec'));
}

// Some fifty rules walk the same views on every keystroke. Parsed trees are never mutated (an edit yields new
// nodes for what changed), so the views are cached per node object.
function cachedBy<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = compute(key);
      cache.set(key, value);
    }
    return value;
  };
}

const rulesOfDocument = cachedBy((doc: YamlDoc['doc']) => computePolicyRules(doc));
const entriesOfDocument = cachedBy((doc: YamlDoc['doc']) => computeVerifyImagesEntries(rulesOfDocument(doc)));
const setsOfEntry = cachedBy((node: YAMLMap<Scalar, Node | null>) => computeAttestorSets(node));

export function policyRules(doc: YamlDoc): PolicyRuleView[] {
  return rulesOfDocument(doc.doc);
}

export function verifyImagesEntries(doc: YamlDoc): VerifyImagesView[] {
  return entriesOfDocument(doc.doc);
}

/** Attestor sets of an entry: its `attestors[]` and every `attestations[].attestors[]`, recursively through nested `attestor`. */
export function attestorSets(entry: VerifyImagesView): AttestorSetView[] {
  return attestorSetsOf(entry.node, entry.path);
}

/** The attestor sets under any map with `attestors` (a verifyImages entry, a rule's `validate.manifests`), at `path`. */
export function attestorSetsOf(owner: YAMLMap<Scalar, Node | null>, path: Path): AttestorSetView[] {
  return setsOfEntry(owner).map((s) => ({ ...s, path: [...path, ...s.path], entries: s.entries.map((e) => ({ node: e.node, path: [...path, ...e.path] })) }));
}

function computePolicyRules(document: YamlDoc['doc']): PolicyRuleView[] {
  const rules = child(child(document.contents, 'spec'), 'rules');
  const out: PolicyRuleView[] = [];
  seqItems(rules).forEach((node, index) => {
    const map = asMap(node);
    if (!map) return;
    const name = scalarValue(map, 'name');
    out.push({ index, node: map, name: typeof name === 'string' ? name : undefined, path: ['spec', 'rules', index] });
  });
  return out;
}

function computeVerifyImagesEntries(rules: PolicyRuleView[]): VerifyImagesView[] {
  const out: VerifyImagesView[] = [];
  for (const rule of rules) {
    seqItems(child(rule.node, 'verifyImages')).forEach((node, index) => {
      const map = asMap(node);
      if (map) out.push({ rule, index, node: map, path: [...rule.path, 'verifyImages', index] });
    });
  }
  return out;
}

/** Attestor sets with paths relative to the entry (cached per entry node; `attestorSets` makes them absolute). */
function computeAttestorSets(entryNode: YAMLMap<Scalar, Node | null>): AttestorSetView[] {
  const out: AttestorSetView[] = [];
  const collect = (setsNode: unknown, path: Path) => {
    seqItems(setsNode).forEach((setNode, i) => visitSet(setNode, [...path, i]));
  };
  const visitSet = (setNode: unknown, path: Path) => {
    const set = asMap(setNode);
    if (!set) return;
    const entries: AttestorSetView['entries'] = [];
    seqItems(child(set, 'entries')).forEach((e, j) => {
      const em = asMap(e);
      if (!em) return;
      const ep = [...path, 'entries', j];
      entries.push({ node: em, path: ep });
    });
    out.push({ node: set, path, entries });
    for (const e of entries) {
      const nested = child(e.node, 'attestor');
      if (isMap(nested)) visitSet(nested, [...e.path, 'attestor']);
    }
  };
  collect(child(entryNode, 'attestors'), ['attestors']);
  seqItems(child(entryNode, 'attestations')).forEach((att, k) => {
    collect(child(att, 'attestors'), ['attestations', k, 'attestors']);
  });
  return out;
}

/** Every attestor entry of a verifyImages entry, wherever it is nested. */
export function attestorEntries(entry: VerifyImagesView): { node: YAMLMap<Scalar, Node | null>; path: Path }[] {
  return attestorSets(entry).flatMap((s) => s.entries);
}

export { pairOf, isScalar, isSeq };
export type { Pair };
