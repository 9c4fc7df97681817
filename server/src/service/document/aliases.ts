// YAML as Kubernetes reads it. The parse keeps the text's shape (an `*alias` node, a `<<` pair), but Kubernetes'
// Go YAML readers (yaml.v2 behind sigs.k8s.io/yaml, yaml.v3) replace an alias by its anchor's node and apply YAML 1.1
// merge keys: a map's `<<: *base` (or `<<: [*a, *b]`) adds the merged maps' keys that the map does not set itself
// (explicit keys win; of several merged maps the earlier wins). The document helpers in yamlFile.ts read through
// `resolvedNode`, so every view built on them (policy rules, admission facts, coverage) sees that resolved tree.
//
// Ranges: a value reached through an alias keeps the range of the anchor's node. That is the text Kubernetes reads
// and the one a fix has to change (it changes every use, as the YAML does); what belongs to the use — the key that
// holds the alias, the map that merges — keeps its own range. Merged pairs are the anchor map's own pairs.
//
// Bombs: a resolved view is built once per node (an alias shares its anchor's view), so building views is linear
// in the text even for "billion laughs". What Kubernetes refuses — a document whose decoding would mostly be alias
// expansion (yaml.v2/v3's ratio rule, CVE-2019-11253) — is detected from counts computed once per document, and in
// such a document no alias is followed at all; rules/syntax/yamlAliases.ts reports it.
import { Alias, Document, isAlias, isMap, isPair, isScalar, isSeq, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';

export interface AliasFacts {
  /** Aliases with no anchor of that name before them (Go's reader refuses: "unknown anchor"). */
  unknown: Alias[];
  /** Nodes Kubernetes' reader decodes for the document, and how many of them through aliases. */
  decodes: number;
  aliased: number;
  /** Set when the reader refuses the document for excessive aliasing; no alias is followed then. */
  excessive: boolean;
  /** The alias whose expansion is the largest (where a finding about the expansion goes). */
  largest?: Alias;
}

const NO_ALIASES: AliasFacts = { unknown: [], decodes: 0, aliased: 0, excessive: false };

/** The anchor's node per alias (null: unknown anchor, or not followed in an excessive document). */
const targets = new WeakMap<Alias, Node | null>();
/** Nodes whose subtree holds an alias or a merge key: only those need a resolved view. */
const unresolved = new WeakSet<object>();
const views = new WeakMap<object, Node>();
/** The parsed collection behind a resolved view. */
const writtenNodes = new WeakMap<object, Node>();
/** The parsed pair behind a view's pair whose value was resolved (its value is still the `*alias` as written). */
const writtenPairs = new WeakMap<Pair, Pair>();
const factsByDocument = new WeakMap<Document.Parsed, AliasFacts>();

/** Indexes a parsed document's anchors and aliases (once per Document object; describeDoc calls it). */
export function indexAliases(doc: Document.Parsed): AliasFacts {
  const known = factsByDocument.get(doc);
  if (known) return known;
  const walk = new AliasWalk();
  walk.visit(doc.contents);
  let facts = NO_ALIASES;
  if (walk.aliases.length > 0 || walk.sawMerge) {
    const decodes = saturating(1 + walk.sizeOf(doc.contents));
    const aliased = walk.aliased;
    const excessive = excessiveAliasing(decodes, aliased);
    if (excessive) for (const alias of walk.aliases) targets.set(alias, null);
    facts = { unknown: walk.unknown, decodes, aliased, excessive, largest: walk.largest };
  }
  factsByDocument.set(doc, facts);
  return facts;
}

/** What `indexAliases` found for this document (nothing when it was never indexed). */
export function aliasFacts(doc: Document.Parsed): AliasFacts {
  return factsByDocument.get(doc) ?? NO_ALIASES;
}

/**
 * yaml.v2 and v3 (decode.go) refuse a document once more than 100 decodes came through aliases, more than 1,000
 * nodes were decoded, and the aliased share exceeds 99% up to 400,000 decodes, falling linearly to 10% at 4,000,000.
 */
export function excessiveAliasing(decodes: number, aliased: number): boolean {
  if (aliased <= 100 || decodes <= 1000) return false;
  return aliased / decodes > allowedAliasRatio(decodes);
}

function allowedAliasRatio(decodes: number): number {
  const low = 400_000;
  const high = 4_000_000;
  if (decodes <= low) return 0.99;
  if (decodes >= high) return 0.1;
  return 0.99 - 0.89 * ((decodes - low) / (high - low));
}

/**
 * The node as Kubernetes reads it: an alias becomes its anchor's node, and a collection that holds aliases or
 * merge keys somewhere inside becomes a view of it (a map or sequence with the same range, whose items are
 * resolved). Anything else is returned as it is.
 */
export function resolvedNode(node: unknown): unknown {
  let current = node;
  if (isAlias(current)) current = targets.get(current) ?? undefined;
  if (current === null || typeof current !== 'object' || !unresolved.has(current)) return current;
  let view = views.get(current);
  if (!view) {
    view = isMap(current) ? mapView(current as YAMLMap) : seqView(current as YAMLSeq);
    views.set(current, view);
    writtenNodes.set(view, current as Node);
  }
  return view;
}

/** A plain `<<` key (a quoted one is an ordinary key, as in Go's readers). */
export function isMergeKey(key: unknown): boolean {
  return isScalar(key) && key.value === '<<' && (key.type === 'PLAIN' || key.type === undefined);
}

function mapView(map: YAMLMap): YAMLMap {
  const view = new YAMLMap(map.schema);
  copyLooks(map, view);
  const explicit: Pair[] = [];
  const sources: YAMLMap[] = [];
  for (const pair of map.items) {
    if (!isPair(pair)) continue;
    if (isMergeKey(pair.key)) {
      sources.push(...mergeSources(pair.value));
      continue;
    }
    const key = resolvedNode(pair.key);
    const value = resolvedNode(pair.value);
    explicit.push(key === pair.key && value === pair.value ? pair : resolvedPair(pair, key, value));
  }
  const seen = new Set<unknown>(explicit.map(keyIdentity));
  const merged: Pair[] = [];
  for (const source of sources) {
    for (const pair of source.items) {
      const id = keyIdentity(pair as Pair);
      if (seen.has(id)) continue;
      seen.add(id);
      merged.push(pair as Pair);
    }
  }
  view.items = [...explicit, ...merged];
  return view;
}

/** The maps a `<<` value merges, in order of precedence: one map, or a sequence of maps. */
function mergeSources(value: unknown): YAMLMap[] {
  const resolved = resolvedNode(value);
  if (isMap(resolved)) return [resolved as YAMLMap];
  if (isSeq(resolved)) return resolved.items.filter((item): item is YAMLMap => isMap(item));
  return [];
}

function seqView(seq: YAMLSeq): YAMLSeq {
  const view = new YAMLSeq(seq.schema);
  copyLooks(seq, view);
  view.items = seq.items.map((item) => resolvedNode(item) ?? null);
  return view;
}

function resolvedPair(pair: Pair, key: unknown, value: unknown): Pair {
  const copy = new Pair(key ?? null, value ?? null);
  if (pair.srcToken) copy.srcToken = pair.srcToken;
  writtenPairs.set(copy, pair);
  return copy;
}

/**
 * The collection as the text has it: its items are the `*alias` nodes and `<<` pairs the user wrote, where edits go.
 * A view's merged pairs are not among them (they live in the merged map's text).
 */
export function writtenNode<N>(node: N): N {
  return ((node && writtenNodes.get(node as object)) as N | undefined) ?? node;
}

/**
 * The pair as the text has it. A resolved pair's key is where the user wrote it but its value may be an anchor's node
 * elsewhere; an edit that spans or moves the pair's text must use this one.
 */
export function writtenPair<P extends Pair<unknown, unknown>>(pair: P): P {
  return (writtenPairs.get(pair as Pair) as P | undefined) ?? pair;
}

function copyLooks(from: YAMLMap | YAMLSeq, to: YAMLMap | YAMLSeq): void {
  to.range = from.range;
  to.flow = from.flow;
  to.tag = from.tag;
  to.commentBefore = from.commentBefore;
  to.comment = from.comment;
  to.spaceBefore = from.spaceBefore;
  to.srcToken = from.srcToken;
}

/** A scalar key compares by value (`a` and `"a"` are one key); any other key only equals itself. */
function keyIdentity(pair: Pair): unknown {
  const key = resolvedNode(pair.key);
  return isScalar(key) ? `s:${String(key.value)}` : key;
}

const saturating = (n: number) => Math.min(n, Number.MAX_SAFE_INTEGER);

/**
 * One pass in document order. Anchors are registered after their node's children, so an alias always names a node
 * that is complete (an alias inside its own anchor, which Go refuses, stays unknown) and resolved views have no cycles.
 * Expanded sizes are computed on the way: an alias's anchor is always measured before the alias.
 */
class AliasWalk {
  readonly aliases: Alias[] = [];
  readonly unknown: Alias[] = [];
  sawMerge = false;
  largest: Alias | undefined;
  private largestSize = -1;
  /** Nodes decoded through aliases: the expanded size of every alias's anchor. */
  aliased = 0;
  private readonly anchors = new Map<string, Node>();
  private readonly sizes = new WeakMap<object, number>();

  /** Returns whether the subtree holds an alias or a merge key. */
  visit(node: unknown): boolean {
    if (node === null || typeof node !== 'object') return false;
    if (isAlias(node)) {
      this.aliases.push(node);
      const target = this.anchors.get(node.source);
      targets.set(node, target ?? null);
      if (!target) this.unknown.push(node);
      const size = target ? this.sizeOf(target) : 0;
      this.aliased = saturating(this.aliased + size);
      if (size > this.largestSize) {
        this.largest = node;
        this.largestSize = size;
      }
      return true;
    }
    let inner = false;
    let size = 1;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (isMergeKey(pair.key)) inner = this.sawMerge = true;
        if (this.visit(pair.key)) inner = true;
        if (this.visit(pair.value)) inner = true;
        size += this.sizeOf(pair.key) + this.sizeOf(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        if (this.visit(item)) inner = true;
        size += this.sizeOf(item);
      }
    }
    this.sizes.set(node, saturating(size));
    if (inner) unresolved.add(node);
    const anchor = (node as Scalar).anchor;
    if (anchor) this.anchors.set(anchor, node as Node);
    return inner;
  }

  /** Nodes Go's decoder visits for this node, aliases expanded (an alias counts itself and its anchor's tree). */
  sizeOf(node: unknown): number {
    if (node === null || node === undefined || typeof node !== 'object') return 0;
    if (isAlias(node)) {
      const target = targets.get(node);
      return saturating(1 + (target ? this.sizeOf(target) : 0));
    }
    return this.sizes.get(node) ?? 1;
  }
}
