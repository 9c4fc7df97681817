// Rewrites the few constructs where Go's regexp syntax and re2js 2.10 disagree, so re2js parses exactly the patterns
// Go parses: Unicode class names (Go ignores case, spaces, `_`, `-`, knows category aliases, and has Unicode 15 scripts
// only) and named groups (Go allows one name twice, re2js refuses it; names never matter for a match, so a valid
// named group becomes a plain capture). Every other construct is copied byte for byte, and the segments that changed
// are recorded so an error re2js reports in the rewritten text is mapped back onto the user's pattern.

import { re2jsClassName } from './unicodeClassNames';

export interface Rewrite {
  /** Where the replaced construct starts in the original and in the rewritten text, and how long it is in each. */
  from: number;
  fromLength: number;
  to: number;
  toLength: number;
}

export interface Dialected {
  text: string;
  rewrites: Rewrite[];
}

/** A class name no Go version accepts, so re2js reports `invalid character class range` where Go would. */
const UNKNOWN_CLASS = '\\p{?}';

export function toRe2js(pattern: string): Dialected {
  const out: string[] = [];
  const rewrites: Rewrite[] = [];
  let length = 0;
  let copiedUpTo = 0;
  const replace = (start: number, end: number, replacement: string) => {
    const kept = pattern.slice(copiedUpTo, start);
    out.push(kept, replacement);
    length += kept.length;
    rewrites.push({ from: start, fromLength: end - start, to: length, toLength: replacement.length });
    length += replacement.length;
    copiedUpTo = end;
  };

  let inClass = false;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === 'Q' && !inClass) {
        const close = pattern.indexOf('\\E', i + 2);
        i = close < 0 ? pattern.length : close + 2;
        continue;
      }
      if (next === 'p' || next === 'P') {
        const end = unicodeClassEnd(pattern, i);
        if (end !== undefined) {
          replace(i, end, unicodeClass(pattern.slice(i, end)));
          i = end;
          continue;
        }
      }
      i += next === undefined ? 1 : 1 + codePointLength(pattern, i + 1);
      continue;
    }
    if (inClass) {
      if (c === '[' && pattern[i + 1] === ':') {
        const close = pattern.indexOf(':]', i + 2);
        if (close >= 0) {
          i = close + 2;
          continue;
        }
      }
      if (c === ']') inClass = false;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      i++;
      if (pattern[i] === '^') i++;
      if (pattern[i] === ']') i++; // a leading `]` is a literal, not the end
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const named = namedGroupEnd(pattern, i);
      if (named !== undefined) {
        replace(i, named, '(');
        i = named;
        continue;
      }
    }
    i++;
  }
  out.push(pattern.slice(copiedUpTo));
  return { text: out.join(''), rewrites };
}

/** Maps a range of the rewritten text to the original pattern; a range touching a rewrite covers all of it. */
export function toOriginalRange(d: Dialected, start: number, end: number): [number, number] {
  return [toOriginal(d, start, 'start'), toOriginal(d, end, 'end')];
}

function toOriginal(d: Dialected, offset: number, side: 'start' | 'end'): number {
  let shift = 0;
  for (const r of d.rewrites) {
    if (offset < r.to || (side === 'end' && offset === r.to)) break;
    if (offset < r.to + r.toLength || (side === 'end' && offset === r.to + r.toLength)) {
      return side === 'start' ? r.from : r.from + r.fromLength;
    }
    shift = r.from + r.fromLength - (r.to + r.toLength);
  }
  return offset + shift;
}

/** End of `\pX` / `\p{…}` starting at `start`, as Go delimits it; undefined for a bare `\p` at the end. */
function unicodeClassEnd(p: string, start: number): number | undefined {
  const nameStart = start + 2;
  if (nameStart >= p.length) return undefined;
  if (p[nameStart] !== '{') return nameStart + codePointLength(p, nameStart);
  // Go looks for the first `}` anywhere after the escape; without one the whole rest is the (invalid) class.
  const close = p.indexOf('}', nameStart);
  return close < 0 ? undefined : close + 1;
}

function unicodeClass(seq: string): string {
  const negated = seq[1] === 'P';
  let name = seq[2] === '{' ? seq.slice(3, -1) : seq.slice(2);
  let caret = '';
  if (name.startsWith('^')) {
    caret = '^';
    name = name.slice(1);
  }
  const known = re2jsClassName(name);
  return known === undefined ? UNKNOWN_CLASS : `\\${negated ? 'P' : 'p'}{${caret}${known}}`;
}

/** End of a valid `(?P<name>` or `(?<name>` opener at `start`; invalid ones are left for re2js to report as Go does. */
function namedGroupEnd(p: string, start: number): number | undefined {
  NAMED_GROUP.lastIndex = start;
  const m = NAMED_GROUP.exec(p);
  // Go takes the name up to the first `>` and wants [A-Za-z0-9_]+, so `(?<a b>` or `(?<=` stay for re2js to reject.
  return m ? start + m[0].length : undefined;
}

const NAMED_GROUP = /\(\?P?<[A-Za-z0-9_]+>/y;

function codePointLength(p: string, i: number): number {
  const cp = p.codePointAt(i);
  return cp !== undefined && cp > 0xffff ? 2 : 1;
}
