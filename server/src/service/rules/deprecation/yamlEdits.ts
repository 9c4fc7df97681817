// Small, formatting-preserving text edits on block YAML: remove a pair, append pairs to a map, append an
// item to a sequence, and move a value to a new depth by shifting its source lines. Everything works on
// source offsets, so untouched text (comments, quoting, key order) stays exactly as the user wrote it.
import { isCollection, isMap, isScalar, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { YamlFile } from '../../document/yamlFile';
import { rangeAt } from '../../document/yamlFile';
import { writtenNode, writtenPair } from '../../document/aliases';

// Edits go where the text is: every map, sequence and pair given here is first turned into the one the user wrote
// (document/aliases.ts), so an alias is edited as `*name` where it stands and a merged key is never taken for a
// key of the merging map.
import type { TextEdit } from '../../types';

/** An edit on offsets; converted to an LSP TextEdit once all edits of a fix are merged. */
export interface OffsetEdit {
  start: number;
  end: number;
  text: string;
}

/** Lines of YAML relative to column 0; `indent` places them at a depth. */
export type Snippet = string[];

export function indent(snippet: Snippet, columns: number): Snippet {
  const pad = ' '.repeat(columns);
  return snippet.map((line) => (line === '' ? line : pad + line));
}

export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just past the newline ending the line that contains `offset - 1` (or the text end). */
function lineEndAfter(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

export function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** True when only spaces precede `offset` on its line (so the line can be removed whole). */
function startsLine(text: string, offset: number): boolean {
  return text.slice(lineStart(text, offset), offset).trim() === '';
}

type AnyPair = Pair<unknown, unknown>;

function keyNode(pair: AnyPair): Scalar | undefined {
  return isScalar(pair.key) && pair.key.range ? pair.key : undefined;
}

/** Offset just past the pair's last line (its value, trailing comment and newline). */
export function pairEnd(text: string, resolved: AnyPair): number {
  const pair = writtenPair(resolved);
  const value = pair.value as Node | null;
  const key = keyNode(pair);
  const end = value?.range ? value.range[1] : key ? key.range![1] : 0;
  return lineEndAfter(text, end);
}

/** Whether a fix can work on this map by lines: a block map whose keys are plain scalars with ranges. */
export function isBlockMap(resolved: unknown): resolved is YAMLMap {
  const node = writtenNode(resolved);
  return isMap(node) && !node.flow && node.items.length > 0 && node.items.every((p) => keyNode(p as AnyPair));
}

/** Removes a pair of a block map with its lines; a pair sharing its line with `- ` keeps the dash for the next pair. */
export function removePair(file: YamlFile, map: YAMLMap, pair: AnyPair): OffsetEdit {
  return removePairs(file, map, [pair])[0] ?? { start: 0, end: 0, text: '' };
}

/**
 * Removes several pairs of one block map. Pairs on lines of their own go with their lines; the pair behind
 * a `- ` is cut up to the next pair that stays, which moves up behind the dash (or, when none stays, up to
 * the end of the removed text, for the caller to append new pairs there).
 */
export function removePairs(file: YamlFile, resolvedMap: YAMLMap, resolvedPairs: AnyPair[]): OffsetEdit[] {
  const text = file.text;
  const items = writtenNode(resolvedMap).items as AnyPair[];
  // A pair merged in from elsewhere (`<<`) has no text in this map to remove.
  const pairs = resolvedPairs.map(writtenPair).filter((p) => items.includes(p));
  const removed = new Set(pairs);
  return pairs.map((pair) => {
    const key = keyNode(pair)!;
    const end = pairEnd(text, pair);
    if (startsLine(text, key.range![0])) return { start: lineStart(text, key.range![0]), end, text: '' };
    const survivor = items.slice(items.indexOf(pair) + 1).find((p) => !removed.has(p));
    if (survivor) return { start: key.range![0], end: keyNode(survivor)!.range![0], text: '' };
    const lastRemoved = [...items].reverse().find((p) => removed.has(p))!;
    return { start: key.range![0], end: pairEnd(text, lastRemoved), text: '' };
  });
}

/** Inserts pairs after the last pair of a block map, at the map's key column. */
export function appendToMap(file: YamlFile, resolved: YAMLMap, snippet: Snippet): OffsetEdit {
  const map = writtenNode(resolved);
  const text = file.text;
  const first = keyNode(map.items[0] as AnyPair)!;
  const last = map.items[map.items.length - 1] as AnyPair;
  const at = pairEnd(text, last);
  const prefix = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  return { start: at, end: at, text: prefix + indent(snippet, column(text, first.range![0])).join('\n') + '\n' };
}

/** Appends an item (snippet whose first line follows `- `) to a sequence: block or flow. */
export function appendToSeq(file: YamlFile, resolved: YAMLSeq, item: Snippet): OffsetEdit | undefined {
  const seq = writtenNode(resolved);
  const text = file.text;
  if (seq.flow) {
    if (item.length !== 1 || !seq.range) return undefined;
    const close = text.lastIndexOf(']', seq.range[1]);
    const sep = seq.items.length > 0 ? ', ' : '';
    return { start: close, end: close, text: sep + item[0] };
  }
  const firstItem = seq.items[0] as Node | undefined;
  if (!firstItem?.range) return undefined;
  const dash = text.lastIndexOf('-', firstItem.range[0] - 1);
  const dashColumn = column(text, dash);
  const lastItem = seq.items[seq.items.length - 1] as Node;
  const at = lineEndAfter(text, lastItem.range![1]);
  const prefix = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  const lines = [`- ${item[0]}`, ...indent(item.slice(1), 2)];
  return { start: at, end: at, text: prefix + indent(lines, dashColumn).join('\n') + '\n' };
}

/** Replaces a scalar's text. */
export function replaceNode(node: Node, text: string): OffsetEdit {
  return { start: node.range![0], end: node.range![1], text };
}

function shiftLines(lines: string[], delta: number): string[] {
  return lines.map((line) => {
    if (line.trim() === '') return '';
    if (delta >= 0) return ' '.repeat(delta) + line;
    const lead = line.length - line.trimStart().length;
    return line.slice(Math.min(lead, -delta));
  });
}

/**
 * `key: value` as a snippet at column 0, taking the value's source text and shifting its continuation lines
 * by the same amount as the key moves, so block scalars, nested maps and comments inside them keep their shape.
 */
export function movedPair(file: YamlFile, resolved: AnyPair, newKey?: string): Snippet {
  const pair = writtenPair(resolved);
  const text = file.text;
  const key = keyNode(pair)!;
  const keyText = newKey ?? text.slice(key.range![0], key.range![1]);
  const delta = -column(text, key.range![0]);
  const value = pair.value as Node | null;
  if (!value?.range) return [`${keyText}:`];
  const blockCollection = isCollection(value) && !(value as YAMLMap | YAMLSeq).flow;
  if (blockCollection) {
    const source = text.slice(lineStart(text, value.range[0]), value.range[1]).replace(/\n$/, '');
    return [`${keyText}:`, ...shiftLines(source.split('\n'), delta)];
  }
  const source = text.slice(value.range[0], value.range[1]).replace(/\n$/, '');
  const [first, ...rest] = source.split('\n');
  return [`${keyText}: ${first}`, ...shiftLines(rest, delta)];
}

/** The source text of a single-line scalar (keeps its quotes), or a JSON-quoted copy of its value. */
export function scalarSource(file: YamlFile, node: Node): string {
  const source = node.range ? file.text.slice(node.range[0], node.range[1]) : '';
  if (source && !source.includes('\n')) return source;
  return JSON.stringify(isScalar(node) ? String(node.value) : source);
}

/**
 * Merges edits that touch or overlap into one, in order, and turns them into LSP edits. Text placed right
 * behind a `- ` (an edit starting mid-line) loses its leading indentation, since the dash already sets it.
 */
export function toTextEdits(file: YamlFile, edits: OffsetEdit[]): TextEdit[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: OffsetEdit[] = [];
  for (const e of sorted) {
    const last = merged[merged.length - 1];
    if (last && e.start <= last.end) {
      last.text += e.text;
      last.end = Math.max(last.end, e.end);
    } else merged.push({ ...e });
  }
  return merged.map((e) => {
    const text = !startsLine(file.text, e.start) && e.text.startsWith(' ') ? e.text.trimStart() : e.text;
    return { range: rangeAt(file, e.start, e.end), newText: text };
  });
}

