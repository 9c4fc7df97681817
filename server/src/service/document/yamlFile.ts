// One parse per document version: YAML text -> documents with offsets, their kind, and position helpers.
import { LineCounter, parseAllDocuments, isMap, isSeq, isScalar, isPair, Document, Node, Pair, YAMLMap, Scalar } from 'yaml';
import type { Position, Range } from '../types';
import { classify, DocKind } from './classify';
import { indexAliases, resolvedNode } from './aliases';
import { boundFlowNesting, boundTreeNesting, reportNesting } from './nesting';

export { resolvedNode } from './aliases';

export interface YamlDoc {
  index: number;
  doc: Document.Parsed;
  kind: DocKind;
  apiVersion?: string;
  kindName?: string;
  /** Offsets of the document's own text in the file. */
  start: number;
  end: number;
}

export interface YamlFile {
  uri: string;
  version: number;
  text: string;
  lineCounter: LineCounter;
  docs: YamlDoc[];
}

/** Options of every parse; the incremental re-parser (incremental.ts) must use the same ones. */
// `logLevel: 'error'`: toJS would otherwise print warnings (e.g. about collection keys) on the server's stderr.
export const yamlParseOptions = { prettyErrors: false, uniqueKeys: false, strict: false, logLevel: 'error' } as const;

export function parseYamlFile(uri: string, text: string, version = 0): YamlFile {
  const bounded = boundFlowNesting(text);
  const list = parseLeniently(bounded.text);
  const lineCounter = lineCounterOf(text);
  const docs = list.map((doc, index) => {
    const [start, , end] = doc.range;
    return describeDoc(doc, index, uri, bounded.cuts.filter((c) => c >= start && (c < end || index === list.length - 1)));
  });
  return { uri, version, text, lineCounter, docs };
}

/**
 * The parser recurses and may still throw on shapes the nesting bound does not foresee; a file it cannot read then
 * has no documents (nothing to report on) rather than failing every request on it.
 */
function parseLeniently(text: string): Document.Parsed[] {
  try {
    const parsed = parseAllDocuments(text, yamlParseOptions);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

/**
 * Line starts from the text itself. Not the parser's `lineCounter` option: after a stream-level error the parser
 * skips the line breaks inside the tokens it rejects, and every position after that would be off.
 */
export function lineCounterOf(text: string): LineCounter {
  const counter = new LineCounter();
  counter.addNewLine(0);
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) counter.addNewLine(nl + 1);
  return counter;
}

/**
 * Wraps a parsed document with its kind and offsets, after bounding its nesting (`flowCuts`: where the text scan
 * blanked deep flow collections) and indexing its aliases. Every parse path (full and incremental) goes through it.
 */
export function describeDoc(doc: Document.Parsed, index: number, uri: string, flowCuts: readonly number[] = []): YamlDoc {
  reportNesting(doc, [...flowCuts, ...boundTreeNesting(doc)]);
  indexAliases(doc);
  const root = resolvedNode(doc.contents);
  const apiVersion = scalarString(isMap(root) ? root.get('apiVersion', true) : undefined);
  const kindName = scalarString(isMap(root) ? root.get('kind', true) : undefined);
  return {
    index,
    doc,
    kind: classify(apiVersion, kindName, uri),
    apiVersion,
    kindName,
    start: doc.range[0],
    end: doc.range[2],
  };
}

export function scalarString(value: unknown): string | undefined {
  const node = resolvedNode(value);
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

export function positionAt(file: YamlFile, offset: number): Position {
  const { line, col } = file.lineCounter.linePos(Math.max(0, Math.min(offset, file.text.length)));
  return { line: line - 1, character: col - 1 };
}

export function offsetAt(file: YamlFile, pos: Position): number {
  const starts = file.lineCounter.lineStarts;
  if (pos.line >= starts.length) return file.text.length;
  const lineStart = starts[Math.max(0, pos.line)];
  const nextLine = pos.line + 1 < starts.length ? starts[pos.line + 1] : file.text.length;
  return Math.min(lineStart + pos.character, nextLine);
}

export function rangeAt(file: YamlFile, start: number, end: number): Range {
  return { start: positionAt(file, start), end: positionAt(file, end) };
}

/** Range of a node's value (without trailing comments or whitespace). */
export function nodeRange(file: YamlFile, node: Node): Range {
  const [start, valueEnd] = node.range ?? [0, 0];
  return rangeAt(file, start, valueEnd);
}

// The helpers below read YAML as Kubernetes does (see aliases.ts): aliases resolved, `<<` merge keys applied.

/** The key node of `key` in `map`, for diagnostics that belong on the key. */
export function pairOf(value: unknown, key: string): Pair<Scalar, Node | null> | undefined {
  const map = asMap(value);
  if (!map) return undefined;
  for (const item of map.items) {
    if (isScalar(item.key) && item.key.value === key) return item as Pair<Scalar, Node | null>;
  }
  return undefined;
}

/** Child node at a path of map keys and sequence indexes; undefined when any step is missing. */
export function nodeAt(root: unknown, path: readonly (string | number)[]): Node | undefined {
  let current: unknown = resolvedNode(root);
  for (const step of path) {
    if (typeof step === 'number') {
      if (!isSeq(current)) return undefined;
      current = current.items[step];
    } else {
      if (!isMap(current)) return undefined;
      current = current.get(step, true);
    }
    current = resolvedNode(current);
  }
  return current as Node | undefined;
}

/** Plain JS value of a scalar child, or undefined. */
export function scalarValue(value: unknown, key: string): unknown {
  const map = asMap(value);
  if (!map) return undefined;
  const node = map.get(key, true);
  return isScalar(node) ? node.value : undefined;
}

export function mapItems(value: unknown): Pair<Scalar, Node | null>[] {
  const node = resolvedNode(value);
  return isMap(node) ? (node.items.filter((p) => isPair(p) && isScalar(p.key)) as Pair<Scalar, Node | null>[]) : [];
}

export function seqItems(value: unknown): Node[] {
  const node = resolvedNode(value);
  return isSeq(node) ? (node.items as Node[]) : [];
}

export function asMap(value: unknown): YAMLMap<Scalar, Node | null> | undefined {
  const node = resolvedNode(value);
  return isMap(node) ? (node as YAMLMap<Scalar, Node | null>) : undefined;
}

/**
 * The document whose text contains `offset`: a document owns the text from its start (its `---` line, if any)
 * up to the next document's start, so blank or comment lines between two documents belong to the earlier one
 * and text before the first document to the first one.
 */
export function docAtOffset(file: YamlFile, offset: number): YamlDoc | undefined {
  let found = file.docs[0];
  for (const d of file.docs) {
    if (d.start > offset) break;
    found = d;
  }
  return found;
}
