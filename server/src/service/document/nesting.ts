// A bound on nesting. The YAML library composes nodes recursively: thousands of nested flow collections (`[[[[…`)
// overflow the call stack (its error said "Maximum call stack size exceeded") after seconds of work, and every
// recursive walk of ours would fail on a tree that deep. Kubernetes' reader stops at 10,000 levels; no policy or
// manifest comes near a few dozen. So text nested deeper than MAX_NESTING is not read: flow collections beyond the
// bound are blanked before parsing (same length, so every offset still points at the user's text), block nesting
// beyond it is cut from the tree, and a yaml-syntax error says where and why.
import { Document, isMap, isSeq, Node, YAMLParseError } from 'yaml';

export const MAX_NESTING = 500;

export const NESTING_MESSAGE =
  `Nested more than ${MAX_NESTING} levels deep: Image Trust does not read deeper than that (Kubernetes' YAML reader stops ` +
  'at 10,000 levels; no policy or manifest needs more than a few dozen). Flatten the structure.';

/** The text to parse (deep flow collections blanked out) and where each blanked collection started. */
export interface BoundedText {
  text: string;
  cuts: number[];
}

/**
 * Blanks every flow collection that opens deeper than MAX_NESTING levels of flow nesting, and the rest of a line that
 * opens more than MAX_NESTING block collections (`- - - …`). A bracket counts when it can start a collection: anywhere
 * inside a flow collection, and in block context at the start of a value (line start, or after `- `, `? `, `: `).
 * Quoted scalars and comments are skipped; a `---` or `...` line resets the count.
 */
export function boundFlowNesting(text: string): BoundedText {
  if (!mayNestDeeply(text)) return { text, cuts: [] };
  const cuts: number[] = [];
  let out: string[] | undefined;
  let depth = 0;
  let tokenStart = true; // block context: at a place where a value may start
  let compact = 0; // block collections opened on this line by `- ` / `? ` (`- - - x` nests three sequences)
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === NL) {
      tokenStart = true;
      compact = 0;
      if (isDocumentMarker(text, i + 1)) depth = 0;
      continue;
    }
    if (c === SPACE || c === TAB || c === CR) continue;
    if (c === HASH && (i === 0 || isBlank(text.charCodeAt(i - 1)))) {
      i = lineEnd(text, i) - 1;
      continue;
    }
    const canStart = depth > 0 || tokenStart;
    if (canStart && (c === QUOTE || c === APOS)) {
      i = quotedEnd(text, i, c) - 1;
      tokenStart = false;
      continue;
    }
    if (canStart && (c === OPEN_SEQ || c === OPEN_MAP)) {
      if (depth >= MAX_NESTING) {
        const end = collectionEnd(text, i);
        out ??= text.split('');
        for (let j = i; j < end; j++) if (out[j] !== '\n' && out[j] !== '\r') out[j] = ' ';
        cuts.push(i);
        i = end - 1;
        continue;
      }
      depth++;
      continue;
    }
    if (depth > 0 && (c === CLOSE_SEQ || c === CLOSE_MAP)) {
      depth--;
      continue;
    }
    if (depth > 0) continue;
    // Block context: a value may start after an indicator followed by a blank.
    const indicator = (c === DASH || c === QUESTION || c === COLON) && isBlankOrEnd(text, i + 1);
    if (indicator && c !== COLON && tokenStart && ++compact > MAX_NESTING) {
      // The parser recurses once per compact collection and throws past a few thousand: the rest of the line goes.
      const end = lineEnd(text, i);
      out ??= text.split('');
      for (let j = i; j < end; j++) if (out[j] !== '\r') out[j] = ' ';
      cuts.push(i);
      i = end - 1;
      continue;
    }
    tokenStart = indicator;
  }
  return { text: out ? out.join('') : text, cuts };
}

/** Cheap pre-test: nesting deeper than MAX_NESTING needs more brackets or block indicators than that. */
function mayNestDeeply(text: string): boolean {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === OPEN_SEQ || c === OPEN_MAP || c === DASH || c === QUESTION) count++;
  }
  return count > MAX_NESTING;
}

/** Offset just after the bracket closing the collection that opens at `start` (or the document's end). */
function collectionEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === NL && isDocumentMarker(text, i + 1)) return i;
    if (c === QUOTE || c === APOS) {
      i = quotedEnd(text, i, c) - 1;
    } else if (c === HASH && isBlank(text.charCodeAt(i - 1))) {
      i = lineEnd(text, i) - 1;
    } else if (c === OPEN_SEQ || c === OPEN_MAP) {
      depth++;
    } else if (c === CLOSE_SEQ || c === CLOSE_MAP) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}

/** Offset after a quoted scalar starting at `start` (`\"` escapes in double quotes, `''` in single quotes). */
function quotedEnd(text: string, start: number, quote: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote === QUOTE && c === BACKSLASH) i++;
    else if (c === quote) {
      if (quote === APOS && text.charCodeAt(i + 1) === APOS) i++;
      else return i + 1;
    } else if (c === NL && isDocumentMarker(text, i + 1)) return i;
  }
  return text.length;
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl < 0 ? text.length : nl;
}

function isDocumentMarker(text: string, at: number): boolean {
  const head = text.slice(at, at + 3);
  return (head === '---' || head === '...') && isBlankOrEnd(text, at + 3);
}

const isBlank = (c: number) => c === SPACE || c === TAB || c === NL || c === CR;
const isBlankOrEnd = (text: string, at: number) => at >= text.length || isBlank(text.charCodeAt(at));

const NL = 10, CR = 13, SPACE = 32, TAB = 9, HASH = 35, QUOTE = 34, APOS = 39, BACKSLASH = 92;
const OPEN_SEQ = 91, CLOSE_SEQ = 93, OPEN_MAP = 123, CLOSE_MAP = 125, DASH = 45, QUESTION = 63, COLON = 58;

/**
 * Cuts every node nested deeper than MAX_NESTING from a freshly parsed document (block nesting, which the text scan
 * does not measure) and turns the YAML library's own stack-overflow errors into the bounded-nesting error. Iterative:
 * it must not overflow on what it bounds. Returns the offsets where nodes were cut.
 */
export function boundTreeNesting(doc: Document.Parsed): number[] {
  const cuts: number[] = [];
  const nodes: unknown[] = [doc.contents];
  const depths: number[] = [1];
  const tooDeep = (child: unknown) => isMap(child) || isSeq(child);
  while (nodes.length > 0) {
    const node = nodes.pop();
    const depth = depths.pop()!;
    if (isMap(node)) {
      for (const pair of node.items) {
        for (const side of ['key', 'value'] as const) {
          const child = pair[side];
          if (depth >= MAX_NESTING && tooDeep(child)) {
            cuts.push((child as Node).range?.[0] ?? 0);
            pair[side] = null;
          } else if (child && typeof child === 'object') {
            nodes.push(child);
            depths.push(depth + 1);
          }
        }
      }
    } else if (isSeq(node)) {
      const items = node.items;
      for (let i = 0; i < items.length; i++) {
        if (depth >= MAX_NESTING && tooDeep(items[i])) {
          cuts.push((items[i] as Node).range?.[0] ?? 0);
          items[i] = null;
        } else if (items[i] && typeof items[i] === 'object') {
          nodes.push(items[i]);
          depths.push(depth + 1);
        }
      }
    }
  }
  return cuts;
}

/**
 * Reports the bounded nesting once per document, at its first cut (one place is enough to act on), and replaces the
 * YAML library's own stack-overflow errors by it.
 */
export function reportNesting(doc: Document.Parsed, cuts: readonly number[]): void {
  const overflow = doc.errors.filter((e) => e.message.startsWith('Maximum call stack size exceeded'));
  if (cuts.length === 0 && overflow.length === 0) return;
  const kept = doc.errors.filter((e) => !overflow.includes(e));
  const first = Math.min(...cuts, ...overflow.map((e) => e.pos[0]));
  kept.push(new YAMLParseError([first, first + 1], 'UNEXPECTED_TOKEN', NESTING_MESSAGE));
  doc.errors = kept.sort((a, b) => a.pos[0] - b.pos[0]);
}
