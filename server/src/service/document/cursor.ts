// Where the cursor is in a YAML document: the path of keys and indexes, key or value position, the
// enclosing map's keys and the indentation. Completion runs while the user types, when the text is often
// not valid YAML (`  - `, `    mut`, `failureAction: `), so this reads the text line by line by
// indentation instead of relying on the parser's tree. Hover, on finished text, uses `nodeAtOffset`.
import { isMap, isScalar, isSeq, Node, Pair } from 'yaml';
import type { YamlDoc, YamlFile } from './yamlFile';

export type PathStep = string | number;

export interface CursorBlockScalar {
  /** Offset of the block header (`|`, `|-`, `>` …) and of the key that owns it. */
  headerStart: number;
  headerEnd: number;
  keyColumn: number;
  /** True when the block has no content line other than blank ones up to the end of the cursor line. */
  empty: boolean;
}

export interface CursorContext {
  doc: YamlDoc;
  offset: number;
  /** `key`: a map key is being typed (or would start here). `value`: the value of `key` or a sequence item. */
  kind: 'key' | 'value';
  /** key: path of the map that receives the key. value: path of the value itself. */
  path: PathStep[];
  /** key: keys already present in the enclosing map (before and after the cursor), without the one typed. */
  presentKeys: string[];
  /** Column where the key starts (key) or where the owning key starts (value). */
  column: number;
  /** value: the key that owns the value; undefined for sequence items. */
  key?: string;
  /** Offsets of the partial token under the cursor, the text a completion replaces. */
  word: { start: number; end: number; text: string };
  /** The cursor line opens a new sequence item (`- ` before the cursor). */
  afterDash: boolean;
  /** key: a `:` already follows the word on this line (only the key name should be replaced). */
  hasColon: boolean;
  /** value: the cursor is on the header of, or inside, a block scalar. */
  blockScalar?: CursorBlockScalar;
  /** Zero-based line of the cursor and that line's start offset. */
  line: number;
  lineStart: number;
}

interface Frame {
  kind: 'map' | 'seq';
  col: number;
  path: PathStep[];
  keys: string[];
  lastKey?: string;
  /** The last key had no inline value, so a nested block may follow. */
  pending: boolean;
  index: number;
}

interface LineShape {
  indent: number;
  dashes: number[];
  contentCol: number;
  key?: string;
  /** Column of the first character after `key:`. */
  afterColon: number;
  /** Value text after `key:` (or the scalar after the dashes), without comment and surrounding blanks. */
  value: string;
  valueCol: number;
}

// A mapping key at the start of `rest`: quoted, or plain up to the first `: ` / trailing `:`.
const KEY_RE = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"[\]{},&*!|>%@`][^#]*?)[ \t]*:(?=[ \t]|$)/;
const BLOCK_HEADER_RE = /^[|>][-+0-9]*$/;
const KEY_WORD_RE = /^[A-Za-z0-9_.\-/$]*$/;

export function stripComment(s: string): string {
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      if (i === 0 || /\s/.test(s[i - 1])) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]))) {
      return s.slice(0, i);
    }
  }
  return s;
}

function unquote(key: string): string {
  if (key.startsWith('"') && key.endsWith('"')) return key.slice(1, -1).replace(/\\(.)/g, '$1');
  if (key.startsWith("'") && key.endsWith("'")) return key.slice(1, -1).replace(/''/g, "'");
  return key;
}

export function lineShape(line: string): LineShape {
  const indent = line.length - line.trimStart().length;
  const dashes: number[] = [];
  let col = indent;
  while (line[col] === '-' && (col + 1 === line.length || line[col + 1] === ' ' || line[col + 1] === '\t')) {
    dashes.push(col);
    col++;
    while (line[col] === ' ' || line[col] === '\t') col++;
  }
  const rest = line.slice(col);
  const m = KEY_RE.exec(rest);
  if (m) {
    const afterColon = col + m[0].length;
    const raw = line.slice(afterColon);
    const value = stripComment(raw).trim();
    const valueCol = afterColon + (raw.length - raw.trimStart().length);
    return { indent, dashes, contentCol: col, key: unquote(m[1].trim()), afterColon, value, valueCol };
  }
  return { indent, dashes, contentCol: col, afterColon: col, value: stripComment(rest).trim(), valueCol: col };
}

/** Whether an inline value leaves room for a nested block below its key (empty, or only an anchor/tag). */
function opensBlock(value: string): boolean {
  return value === '' || /^(&\S+|!\S*)(\s+(&\S+|!\S*))*$/.test(value);
}

/** Indentation scanner: feed lines in order, it keeps the stack of open maps and sequences. */
class Scanner {
  stack: Frame[] = [];
  block?: { keyColumn: number; path: PathStep[]; headerStart: number; headerEnd: number; hasContent: boolean };

  top(): Frame | undefined {
    return this.stack[this.stack.length - 1];
  }

  childPath(frame: Frame | undefined): PathStep[] {
    if (!frame) return [];
    if (frame.kind === 'seq') return [...frame.path, frame.index];
    return frame.lastKey === undefined ? frame.path : [...frame.path, frame.lastKey];
  }

  openSeqItem(col: number): Frame {
    for (let t = this.top(); t; t = this.top()) {
      if (t.col > col || (t.col === col && t.kind === 'map' && !t.pending)) this.stack.pop();
      else break;
    }
    const t = this.top();
    if (t && t.kind === 'seq' && t.col === col) {
      t.index++;
      return t;
    }
    const seq: Frame = { kind: 'seq', col, path: this.childPath(t), keys: [], pending: false, index: 0 };
    if (t && t.kind === 'map') t.pending = false;
    this.stack.push(seq);
    return seq;
  }

  /** Pops to the map a key at `col` belongs to; returns it, or undefined when the key would start a new map. */
  mapFor(col: number): Frame | undefined {
    for (let t = this.top(); t; t = this.top()) {
      if (t.col > col || (t.col === col && t.kind === 'seq')) this.stack.pop();
      else break;
    }
    const t = this.top();
    return t && t.kind === 'map' && t.col === col ? t : undefined;
  }

  placeKey(col: number, key: string): Frame {
    const existing = this.mapFor(col);
    if (existing) {
      existing.keys.push(key);
      existing.lastKey = key;
      return existing;
    }
    const parent = this.top();
    const map: Frame = { kind: 'map', col, path: this.childPath(parent), keys: [key], lastKey: key, pending: false, index: 0 };
    if (parent && parent.kind === 'map') parent.pending = false;
    this.stack.push(map);
    return map;
  }

  /** Consumes one complete line (not the cursor line). */
  feed(line: string, lineStart: number): void {
    if (this.block) {
      const blank = line.trim() === '';
      const indent = line.length - line.trimStart().length;
      if (blank || indent > this.block.keyColumn) {
        if (!blank) this.block.hasContent = true;
        return;
      }
      this.block = undefined;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    if (/^(---|\.\.\.)(\s|$)/.test(line)) {
      this.stack = [];
      return;
    }
    const shape = lineShape(line);
    for (const d of shape.dashes) this.openSeqItem(d);
    if (shape.key === undefined) return;
    const map = this.placeKey(shape.contentCol, shape.key);
    map.pending = opensBlock(shape.value);
    if (BLOCK_HEADER_RE.test(shape.value)) {
      this.block = {
        keyColumn: shape.contentCol,
        path: [...map.path, shape.key],
        headerStart: lineStart + shape.valueCol,
        headerEnd: lineStart + shape.valueCol + shape.value.length,
        hasContent: false,
      };
    }
  }
}

function lineStarts(text: string, from: number, to: number): number[] {
  const starts = [from];
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineEnd(text: string, start: number): number {
  const nl = text.indexOf('\n', start);
  const end = nl < 0 ? text.length : nl;
  return end > start && text[end - 1] === '\r' ? end - 1 : end;
}

/** Keys at `col` that follow the cursor line in the same map (stops at the first line indented less). */
function followingKeys(text: string, from: number, end: number, col: number): string[] {
  const keys: string[] = [];
  for (let pos = from; pos < end; ) {
    const line = text.slice(pos, lineEnd(text, pos));
    const nl = text.indexOf('\n', pos);
    pos = nl < 0 ? end : nl + 1;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (/^(---|\.\.\.)(\s|$)/.test(line)) break;
    const shape = lineShape(line);
    if (shape.indent < col) break;
    if (shape.indent === col && shape.dashes.length === 0 && shape.key !== undefined) keys.push(shape.key);
  }
  return keys;
}

/** The cursor's place in its document, or undefined when the offset is outside any document. */
export function locateCursor(file: YamlFile, offset: number): CursorContext | undefined {
  const doc = docContaining(file, offset);
  if (!doc) return undefined;
  const text = file.text;
  const starts = lineStarts(text, 0, offset);
  const lineStart = starts[starts.length - 1];
  const line = starts.length - 1;
  // Scan from the document's first line: documents are independent, and this keeps the cost per document.
  const docLineStart = text.lastIndexOf('\n', Math.max(0, doc.start - 1)) + 1;
  const scanner = new Scanner();
  for (const s of starts) {
    if (s >= lineStart) break;
    if (s < docLineStart) continue;
    scanner.feed(text.slice(s, lineEnd(text, s)), s);
  }
  const fullLine = text.slice(lineStart, lineEnd(text, lineStart));
  const col = offset - lineStart;
  const before = fullLine.slice(0, col);
  const after = fullLine.slice(col);
  const base = { doc, offset, line, lineStart };

  const block = scanner.block;
  if (block) {
    const blank = fullLine.trim() === '';
    const indent = fullLine.length - fullLine.trimStart().length;
    if ((blank && col > block.keyColumn) || (!blank && indent > block.keyColumn)) {
      const start = blank ? lineStart : lineStart + indent;
      return {
        ...base,
        kind: 'value',
        path: block.path,
        presentKeys: [],
        column: block.keyColumn,
        key: lastKeyOf(block.path),
        word: { start, end: lineStart + fullLine.length, text: fullLine.slice(start - lineStart) },
        afterDash: false,
        hasColon: false,
        blockScalar: {
          headerStart: block.headerStart,
          headerEnd: block.headerEnd,
          keyColumn: block.keyColumn,
          empty: !block.hasContent && blank,
        },
      };
    }
    scanner.block = undefined;
  }

  const shape = lineShape(before);
  const dashesBefore = shape.dashes;
  let seq: Frame | undefined;
  for (const d of dashesBefore) seq = scanner.openSeqItem(d);
  const afterDash = dashesBefore.length > 0;

  if (shape.key !== undefined && before.length >= shape.afterColon) {
    // `key: partial|` — a value position.
    const map = scanner.placeKey(shape.contentCol, shape.key);
    const valueStart = lineStart + Math.min(shape.valueCol, col);
    const restOfLine = stripComment(after).trimEnd();
    const end = offset + restOfLine.length;
    const valueText = text.slice(valueStart, end);
    const header = valueText.trim();
    return {
      ...base,
      kind: 'value',
      path: [...map.path, shape.key],
      presentKeys: [],
      column: shape.contentCol,
      key: shape.key,
      word: { start: valueStart, end, text: valueText },
      afterDash,
      hasColon: true,
      blockScalar: BLOCK_HEADER_RE.test(header)
        ? { headerStart: valueStart, headerEnd: end, keyColumn: shape.contentCol, empty: true }
        : undefined,
    };
  }

  const typed = before.slice(shape.contentCol);
  const tail = /^[A-Za-z0-9_.\-/$]*/.exec(after)![0];
  const wordStart = lineStart + shape.contentCol;
  const word = { start: wordStart, end: offset + tail.length, text: typed + tail };
  const keyCol = typed.length === 0 && !afterDash ? col : shape.contentCol;

  if (afterDash && !KEY_WORD_RE.test(typed) && seq) {
    // `- some scalar|` — a sequence item that cannot be a key.
    const restOfLine = stripComment(after).trimEnd();
    return {
      ...base,
      kind: 'value',
      path: [...seq.path, seq.index],
      presentKeys: [],
      column: seq.col,
      word: { start: wordStart, end: offset + restOfLine.length, text: typed + restOfLine },
      afterDash,
      hasColon: false,
    };
  }

  const hasColon = /^\s*:/.test(after.slice(tail.length));
  const afterLine = text.indexOf('\n', lineStart + fullLine.length);
  const following = afterLine < 0 ? [] : followingKeys(text, afterLine + 1, doc.end, keyCol);
  let path: PathStep[];
  let present: string[];
  const map = afterDash ? undefined : scanner.mapFor(keyCol);
  if (map) {
    path = map.path;
    present = map.keys;
  } else {
    const parent = scanner.top();
    if (parent && parent.kind === 'map' && !parent.pending && parent.col < keyCol) {
      // Indented deeper than a key that already has a scalar value: the nearest sensible map is the parent.
      path = parent.path;
      present = parent.keys;
    } else {
      path = scanner.childPath(parent);
      present = [];
    }
  }
  const typedKey = word.text;
  return {
    ...base,
    kind: 'key',
    path,
    presentKeys: [...present, ...following].filter((k) => k !== typedKey),
    column: keyCol,
    word,
    afterDash,
    hasColon,
  };
}

/** The document the offset belongs to: the last one starting at or before it (blank tails count as inside). */
export function docContaining(file: YamlFile, offset: number): YamlDoc | undefined {
  let found = file.docs[0];
  for (const d of file.docs) if (d.start <= offset) found = d;
  return found;
}

function lastKeyOf(path: PathStep[]): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const step = path[i];
    if (typeof step === 'string') return i === path.length - 1 ? step : undefined;
  }
  return undefined;
}

export interface NodeHit {
  /** Path of the key's value (onKey) or of the value under the cursor. */
  path: PathStep[];
  onKey: boolean;
  /** The key scalar (onKey) or the value node. */
  node: Node;
  /** The pair whose key or value is under the cursor, when there is one. */
  pair?: Pair;
}

const contains = (node: Node | null | undefined, offset: number): node is Node =>
  !!node && !!node.range && offset >= node.range[0] && offset <= node.range[1];

/** The innermost key or scalar/collection value at `offset` in a parsed document. */
export function nodeAtOffset(root: unknown, offset: number, path: PathStep[] = []): NodeHit | undefined {
  if (isMap(root)) {
    for (const pair of root.items) {
      const key = pair.key as Node | null;
      const keyName = isScalar(key) ? String(key.value) : undefined;
      if (keyName === undefined) continue;
      if (contains(key, offset)) return { path: [...path, keyName], onKey: true, node: key, pair };
      const value = pair.value as Node | null;
      if (contains(value, offset)) {
        const inner = nodeAtOffset(value, offset, [...path, keyName]);
        return inner ?? (isScalar(value) ? { path: [...path, keyName], onKey: false, node: value, pair } : undefined);
      }
    }
    return undefined;
  }
  if (isSeq(root)) {
    for (let i = 0; i < root.items.length; i++) {
      const item = root.items[i] as Node | null;
      if (contains(item, offset)) {
        const inner = nodeAtOffset(item, offset, [...path, i]);
        return inner ?? (isScalar(item) ? { path: [...path, i], onKey: false, node: item } : undefined);
      }
    }
    return undefined;
  }
  if (isScalar(root) && contains(root, offset)) return { path, onKey: false, node: root };
  return undefined;
}
