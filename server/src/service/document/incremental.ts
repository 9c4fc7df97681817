// Re-parse after an edit without parsing the whole file again: only the document, or only the block-sequence
// item (e.g. one of `spec.rules`), that holds the change is parsed; the rest of the previous tree is reused,
// with the offsets after the change moved by the length difference. The result must be indistinguishable from
// `parseYamlFile` on the new text (same nodes, ranges, comments, errors). Each step only applies where the
// piece cannot depend on its surroundings (no anchors, tags, errors, directives...) and checks that the piece,
// parsed alone, lines up with them; otherwise the next, larger step runs, finally a full parse. The fuzz test
// in test/service/document/incremental.test.ts compares against full parses after thousands of random edits.
//
// Trees are never changed in place: the previous YamlFile may still be in use (an async request), and caches
// are keyed by Document (schema problems), so every changed node is a new object; untouched nodes are shared.
import {
  Alias,
  Document,
  Node,
  Pair,
  Scalar,
  YAMLMap,
  YAMLSeq,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
} from 'yaml';
import { YamlFile, describeDoc, lineCounterOf, parseYamlFile, yamlParseOptions } from './yamlFile';
import { boundFlowNesting } from './nesting';

export type ReparseMode = 'unchanged' | 'item' | 'document' | 'full';

export interface Reparsed {
  file: YamlFile;
  /** Which path produced `file` (tests check that the fast paths are really taken). */
  mode: ReparseMode;
}

/** Parses `text`, the new content of `previous.uri`, reusing what `previous` already parsed where it is safe. */
export function reparseYamlFile(previous: YamlFile, text: string, version = 0): Reparsed {
  if (text === previous.text) return { file: { ...previous, version }, mode: 'unchanged' };
  let fast: Reparsed | undefined;
  try {
    fast = tryIncremental(previous, text, version);
  } catch {
    fast = undefined; // a shape the fast paths did not expect: the full parse is always right
  }
  if (fast) return fast;
  return { file: parseYamlFile(previous.uri, text, version), mode: 'full' };
}

// ---------------------------------------------------------------------------------------------------
// The edit.

interface Change {
  /** Changed region in the old text: [start, oldEnd); in the new text: [start, newEnd). */
  start: number;
  oldEnd: number;
  newEnd: number;
  delta: number;
}

/** The single region that differs, from the common prefix and suffix of both texts. */
export function changedRegion(before: string, after: string): Change {
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < max - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }
  return { start: prefix, oldEnd: before.length - suffix, newEnd: after.length - suffix, delta: after.length - before.length };
}

function tryIncremental(previous: YamlFile, text: string, version: number): Reparsed | undefined {
  const old = previous.text;
  // `%` directives (YAML version, tag handles) make documents depend on what precedes them.
  if (previous.docs.length === 0 || /^%/m.test(old) || /^%/m.test(text)) return undefined;
  const change = changedRegion(old, text);
  const index = docIndexOf(previous, change);
  if (index === undefined) return undefined;
  const target = previous.docs[index];

  let mode: ReparseMode = 'item';
  let replacement = spliceItem(old, text, target.doc, change);
  if (!replacement) {
    mode = 'document';
    replacement = reparseDocument(previous, text, index, change);
  }
  if (!replacement) return undefined;

  const docs = previous.docs.map((d, i) => {
    if (i < index) return d;
    if (i === index) return describeDoc(replacement, i, previous.uri);
    return change.delta === 0 ? d : describeDoc(shiftedDocument(d.doc, change.delta), i, previous.uri);
  });
  return { file: { uri: previous.uri, version, text, lineCounter: lineCounterOf(text), docs }, mode };
}

/** Index of the document whose text (from its start up to the next one's) holds the whole change. */
function docIndexOf(file: YamlFile, change: Change): number | undefined {
  const docs = file.docs;
  let index = 0;
  while (index + 1 < docs.length && docs[index + 1].doc.range[0] <= change.start) index++;
  // The change must not reach the next document's `---`.
  if (index + 1 < docs.length && change.oldEnd >= docs[index + 1].doc.range[0]) return undefined;
  return index;
}

// ---------------------------------------------------------------------------------------------------
// Item level: re-parse one item of a block sequence.

/** The `- ` line of a block-sequence item whose value starts on that line. */
interface DashLine {
  lineStart: number;
  column: number;
}

function dashLineOf(text: string, item: unknown): DashLine | undefined {
  if (!isScalar(item) && !isCollection(item)) return undefined;
  const valueStart = item.range![0];
  const lineStart = text.lastIndexOf('\n', valueStart - 1) + 1;
  const match = /^( *)- +$/.exec(text.slice(lineStart, valueStart));
  return match ? { lineStart, column: match[1].length } : undefined;
}

interface Candidate {
  seq: YAMLSeq;
  index: number;
}

/** Block-sequence items on the way from the root down to the change, innermost first. */
function candidatesFor(doc: Document.Parsed, change: Change): Candidate[] {
  const found: Candidate[] = [];
  let node: unknown = doc.contents;
  for (let depth = 0; depth < 64 && node; depth++) {
    if (isSeq(node)) {
      const index = lastIndexStartingBefore(node.items, change.start);
      if (index < 0) break;
      if (!node.flow) found.push({ seq: node as YAMLSeq, index });
      node = node.items[index];
    } else if (isMap(node)) {
      const pairs = node.items as Pair[];
      let next: unknown;
      for (const pair of pairs) {
        const key = pair.key as Node | null;
        if (key && key.range && key.range[0] > change.start) break;
        next = pair.value;
      }
      node = next;
    } else {
      break;
    }
  }
  return found.reverse();
}

function lastIndexStartingBefore(items: unknown[], offset: number): number {
  let index = -1;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as Node | null;
    if (!item?.range || item.range[0] > offset) break;
    index = i;
  }
  return index;
}

/**
 * The new document when the change lies inside one item of a block sequence that has a next sibling: that item's
 * text is parsed alone, framed by its previous sibling and the first line of its next sibling so that the
 * parser sees the same surroundings (comments and blank lines between items go where they would in context).
 */
function spliceItem(old: string, text: string, doc: Document.Parsed, change: Change): Document.Parsed | undefined {
  if (!isPlainDocument(doc)) return undefined;
  for (const { seq, index } of candidatesFor(doc, change)) {
    const spliced = spliceCandidate(old, text, doc, seq, index, change);
    if (spliced) return spliced;
  }
  return undefined;
}

function spliceCandidate(
  old: string,
  text: string,
  doc: Document.Parsed,
  seq: YAMLSeq,
  index: number,
  change: Change,
): Document.Parsed | undefined {
  if (index + 1 >= seq.items.length) return undefined; // the last item ends at a dedent: its context is the parent
  const item = seq.items[index] as Node;
  const nextItem = seq.items[index + 1] as Node;
  const current = dashLineOf(old, item);
  const next = dashLineOf(old, nextItem);
  if (!current || !next || next.column !== current.column) return undefined;
  const column = current.column;
  // Blank and comment lines just before the dash give the item its spaceBefore/commentBefore, or belong to the
  // previous item, depending on that item: then the previous sibling is parsed too. A content line right before
  // the dash leaves nothing to share, and without a previous sibling nothing else is allowed.
  const needsPrev = !contentLineBefore(old, current.lineStart);
  const prevItem = needsPrev && index > 0 ? (seq.items[index - 1] as Node) : undefined;
  const prev = prevItem ? dashLineOf(old, prevItem) : undefined;
  if (needsPrev && (!prev || prev.column !== column)) return undefined;

  // The change: after the dash, before the next sibling's line.
  const dash = current.lineStart + column;
  const chunkEnd = next.lineStart;
  if (change.start <= dash || change.oldEnd > chunkEnd) return undefined;
  const newChunkEnd = chunkEnd + change.delta;
  if (text.charCodeAt(newChunkEnd - 1) !== 10 /* \n */) return undefined;
  if (!linesIndentedBeyond(text, current.lineStart, newChunkEnd, column)) return undefined;

  // Parse [previous sibling][changed item][first line of the next sibling].
  const frameStart = prev ? prev.lineStart : current.lineStart;
  const nextLineEnd = text.indexOf('\n', newChunkEnd);
  const frameEnd = nextLineEnd < 0 ? text.length : nextLineEnd + 1;
  const frameText = text.slice(frameStart, frameEnd);
  if (boundFlowNesting(frameText).cuts.length > 0) return undefined; // the full parse bounds it
  const parsed = parseAllDocuments(frameText, yamlParseOptions);
  if (!Array.isArray(parsed) || parsed.length !== 1) return undefined;
  const frame = parsed[0];
  if (frame.errors.length || frame.warnings.length || frame.comment || frame.commentBefore) return undefined;
  const frameSeq = frame.contents;
  if (!isSeq(frameSeq) || frameSeq.flow || frameSeq.items.length !== (prev ? 3 : 2)) return undefined;
  const [newItem, sentinel] = frameSeq.items.slice(prev ? 1 : 0) as (Node | null)[];
  const framedPrev = prev ? (frameSeq.items[0] as Node | null) : undefined;

  // The frame must line up with the document around the item.
  const shiftAfter = (p: number) => (p >= chunkEnd ? p + change.delta : p);
  if (!newItem?.range || !sentinel?.range) return undefined;
  if (sentinel.range[0] + frameStart !== shiftAfter(nextItem.range![0])) return undefined;
  if (!sameLeadingProps(sentinel, nextItem)) return undefined;
  if (prevItem && (framedPrev?.range?.[0] !== prevItem.range![0] - frameStart || framedPrev.range[2] !== prevItem.range![2] - frameStart)) {
    return undefined;
  }
  if (!isPlainNode(newItem)) return undefined;

  moveInPlace(newItem, frameStart);
  const contents = rebuilt(doc.contents, item, newItem, chunkEnd, change.delta);
  const result = documentLike(doc, contents as Node, doc.range.map(shiftAfter) as Document.Parsed['range']);
  result.errors = [];
  result.warnings = [];
  plainDocuments.set(result, true);
  return result;
}

/** Nothing but content precedes the line at `lineStart`: it starts the text or follows a non-blank, non-comment line. */
function contentLineBefore(text: string, lineStart: number): boolean {
  if (lineStart === 0) return true;
  const prevStart = text.lastIndexOf('\n', lineStart - 2) + 1;
  const line = text.slice(prevStart, lineStart - 1).trim();
  return line !== '' && !line.startsWith('#');
}

/**
 * Every line in [from, to) after the first that holds content is indented more than `column`, so the item does not
 * end early in context. Blank and comment lines may sit anywhere: they never close a block.
 */
function linesIndentedBeyond(text: string, from: number, to: number, column: number): boolean {
  let lineStart = text.indexOf('\n', from) + 1;
  while (lineStart > 0 && lineStart < to) {
    let i = lineStart;
    while (text.charCodeAt(i) === 32) i++;
    const c = text.charCodeAt(i);
    const blankOrComment = c === 10 || c === 35 /* # */ || (c === 13 && text.charCodeAt(i + 1) === 10) || i >= text.length;
    if (!blankOrComment && i - lineStart <= column) return false;
    lineStart = text.indexOf('\n', lineStart) + 1;
  }
  return true;
}

function sameLeadingProps(a: Node, b: Node): boolean {
  return (a.spaceBefore ?? false) === (b.spaceBefore ?? false) && (a.commentBefore ?? null) === (b.commentBefore ?? null);
}

// ---------------------------------------------------------------------------------------------------
// Document level: re-parse one document of a multi-document file.

function reparseDocument(previous: YamlFile, text: string, index: number, change: Change): Document.Parsed | undefined {
  const docs = previous.docs;
  if (docs.length < 2) return undefined; // a single document: that is a full parse
  const old = previous.text;
  if (docs.some((d) => d.doc.directives?.docEnd)) return undefined; // `...` lets a document start without `---`
  const startsWithMarker = (t: string, at: number) => /^---(?:[ \t\r\n]|$)/.test(t.slice(at, at + 5));
  const start = index === 0 ? 0 : docs[index].doc.range[0];
  if (index > 0 && !(docs[index].doc.directives?.docStart && startsWithMarker(old, start))) return undefined;
  const hasNext = index + 1 < docs.length;
  const end = hasNext ? docs[index + 1].doc.range[0] : old.length;
  if (hasNext && !(docs[index + 1].doc.directives?.docStart && startsWithMarker(old, end))) return undefined;
  if (index > 0 && change.start < start + 3) return undefined;
  if (hasNext && change.oldEnd >= end) return undefined;

  // Comments before a `---` that the parser leaves between documents belong to the next one (its commentBefore),
  // and this document's own commentBefore may come from before its `---`, outside the slice: keep both out.
  if (index > 0 && docs[index].doc.commentBefore != null) return undefined;
  if (hasNext && docs[index + 1].doc.commentBefore != null) return undefined;

  const newEnd = end + change.delta;
  if (hasNext && text.charCodeAt(newEnd - 1) !== 10 /* \n */) return undefined;
  if (index > 0 && !startsWithMarker(text, start)) return undefined;
  // An empty document after the slice stands for the next one: it collects what would go to the next one.
  const slice = text.slice(start, newEnd);
  if (boundFlowNesting(slice).cuts.length > 0) return undefined; // the full parse bounds it
  const parsed = parseAllDocuments(slice + (hasNext ? '---\n' : ''), yamlParseOptions);
  if (!Array.isArray(parsed) || parsed.length !== (hasNext ? 2 : 1)) return undefined;
  const doc = parsed[0];
  if (index > 0 && !doc.directives?.docStart) return undefined;
  // An unclosed quote runs on past the next `---` in the whole text, but stops at the end of the slice here.
  if (doc.errors.length > 0) return undefined;
  if (hasNext) {
    const stand = parsed[1];
    if (stand.commentBefore != null || stand.errors.length > 0 || stand.warnings.length > 0) return undefined;
    if (doc.range[2] !== newEnd - start) return undefined;
  }
  if (doc.contents) moveInPlace(doc.contents, start);
  doc.range = doc.range.map((p) => p + start) as Document.Parsed['range'];
  for (const problem of [...doc.errors, ...doc.warnings]) {
    problem.pos = problem.pos.map((p) => p + start) as [number, number];
  }
  return doc;
}

// ---------------------------------------------------------------------------------------------------
// Moving ranges.

/** A copy of `doc` (same options, schema, directives, comments) with other contents and range. */
function documentLike(doc: Document.Parsed, contents: Node | null, range: Document.Parsed['range']): Document.Parsed {
  const copy = shallowCopy(doc);
  copy.contents = contents as Document.Parsed['contents'];
  copy.range = range;
  return copy;
}

/** A later document moved by `delta`, as new objects throughout. */
function shiftedDocument(doc: Document.Parsed, delta: number): Document.Parsed {
  const contents = rebuilt(doc.contents, undefined, undefined, 0, delta) as Node | null;
  const copy = documentLike(doc, contents, doc.range.map((p) => p + delta) as Document.Parsed['range']);
  const moved = <T extends { pos: [number, number] }>(problem: T): T => {
    const next = shallowCopy(problem);
    next.pos = problem.pos.map((p) => p + delta) as [number, number];
    return next;
  };
  copy.errors = doc.errors.map(moved);
  copy.warnings = doc.warnings.map(moved);
  if (plainDocuments.has(doc)) plainDocuments.set(copy, plainDocuments.get(doc)!);
  return copy;
}

/**
 * `node` with `target` replaced by `replacement` and every offset at or after `from` moved by `delta`.
 * Returns the same object when nothing in it changes, so the part before the change is shared. A node's range
 * covers its children's, so a node that ends before `from` is kept whole without looking inside.
 */
function rebuilt(node: unknown, target: unknown, replacement: unknown, from: number, delta: number): unknown {
  if (node === target) return replacement;
  if (node === null || typeof node !== 'object') return node;
  if (isPair(node)) {
    const key = rebuilt(node.key, target, replacement, from, delta);
    const value = rebuilt(node.value, target, replacement, from, delta);
    if (key === node.key && value === node.value) return node;
    const copy = shallowCopy(node);
    copy.key = key;
    copy.value = value;
    return copy;
  }
  if (isCollection(node)) {
    if (node.range && node.range[2] < from) return node;
    const old = node.items;
    let items: unknown[] | undefined;
    for (let i = 0; i < old.length; i++) {
      const next = rebuilt(old[i], target, replacement, from, delta);
      if (next !== old[i]) (items ??= old.slice())[i] = next;
    }
    const range = movedRange(node.range, from, delta);
    if (!items && range === node.range) return node;
    const copy = shallowCopy(node);
    if (items) copy.items = items;
    copy.range = range;
    return copy;
  }
  if (isScalar(node) || isAlias(node)) {
    const range = movedRange(node.range, from, delta);
    if (range === node.range) return node;
    const copy = shallowCopy(node);
    copy.range = range;
    return copy;
  }
  return node;
}

function movedRange<R extends [number, number, number] | null | undefined>(range: R, from: number, delta: number): R {
  if (!range || delta === 0 || range[2] < from) return range;
  const [start, valueEnd, end] = range;
  return [start >= from ? start + delta : start, valueEnd >= from ? valueEnd + delta : valueEnd, end + delta] as R;
}

/** Moves every range in a freshly parsed subtree (nobody else holds it). */
function moveInPlace(node: unknown, delta: number): void {
  if (node === null || typeof node !== 'object') return;
  if (isPair(node)) {
    moveInPlace(node.key, delta);
    moveInPlace(node.value, delta);
    return;
  }
  if (isCollection(node)) for (const item of node.items) moveInPlace(item, delta);
  if (isCollection(node) || isScalar(node) || isAlias(node)) {
    if (node.range) node.range = node.range.map((p) => p + delta) as [number, number, number];
  }
}

/**
 * Copy with the same prototype and own properties, including yaml's non-enumerable node-type marker (and a
 * collection's schema). The common classes go through their constructors: much faster than copying descriptors.
 */
function shallowCopy<T extends object>(value: T): T {
  const proto = Object.getPrototypeOf(value);
  const node = value as unknown as Record<string, unknown>;
  let copy: object | undefined;
  if (proto === Scalar.prototype) copy = new Scalar(undefined);
  else if (proto === Pair.prototype) copy = new Pair(null);
  else if (proto === YAMLMap.prototype) copy = new YAMLMap(node.schema as YAMLMap['schema']);
  else if (proto === YAMLSeq.prototype) copy = new YAMLSeq(node.schema as YAMLSeq['schema']);
  else if (proto === Alias.prototype) copy = new Alias(node.source as string);
  if (!copy) return Object.create(proto, Object.getOwnPropertyDescriptors(value));
  return Object.assign(copy, value);
}

// ---------------------------------------------------------------------------------------------------
// Documents that are safe to patch: no anchors, aliases, tags or merge keys (they tie distant nodes together
// or change how scalars resolve) and no errors or warnings (their recovery may depend on what surrounds them).

const plainDocuments = new WeakMap<Document.Parsed, boolean>();

function isPlainDocument(doc: Document.Parsed): boolean {
  let plain = plainDocuments.get(doc);
  if (plain === undefined) {
    plain = doc.errors.length === 0 && doc.warnings.length === 0 && isPlainNode(doc.contents);
    plainDocuments.set(doc, plain);
  }
  return plain;
}

function isPlainNode(node: unknown): boolean {
  if (node === null || node === undefined || typeof node !== 'object') return true;
  if (isAlias(node)) return false;
  if (isPair(node)) {
    if (isScalar(node.key) && node.key.value === '<<') return false;
    return isPlainNode(node.key) && isPlainNode(node.value);
  }
  if (isScalar(node) || isCollection(node)) {
    if (node.anchor || node.tag) return false;
    if (isCollection(node)) return node.items.every(isPlainNode);
    return true;
  }
  return false;
}
