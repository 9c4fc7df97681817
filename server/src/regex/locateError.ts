// Where in the pattern a Go regexp syntax error is. Go (and re2js, which follows it) reports the offending text, not
// its offset; the parser reads left to right, so the construct is the first occurrence of that text whose prefix of the
// pattern, compiled alone, fails the same way. Errors that quote the whole pattern are placed structurally.
import type { SyntaxFailure } from './goRegexp';

/** The construct to underline; a range of `text` that, for most errors, is exactly the text Go quotes. */
export function locate(text: string, failure: SyntaxFailure, failureOfPrefix: (prefix: string) => SyntaxFailure | undefined): [number, number] {
  switch (failure.code) {
    case 'trailing backslash at end of expression':
      return [text.length - 1, text.length];
    case 'missing closing )': {
      const open = parentheses(text).unclosed;
      return open === undefined ? whole(text) : [open, open + 1];
    }
    case 'unexpected )': {
      const close = parentheses(text).unexpected;
      return close === undefined ? whole(text) : [close, close + 1];
    }
    case 'missing closing ]': {
      // Go quotes the class from its `[` to the end of the pattern; point at the `[`.
      const at = quotedSuffix(text, failure);
      return at === undefined ? whole(text) : [at, at + 1];
    }
  }
  if (failure.quotesWhole || failure.expr === '') return whole(text);
  return firstFailingOccurrence(text, failure, failureOfPrefix) ?? whole(text);
}

/** Where the text Go quotes starts when it runs to the end of the pattern (an unclosed class). */
export function quotedSuffix(text: string, failure: SyntaxFailure): number | undefined {
  return failure.expr && text.endsWith(failure.expr) ? text.length - failure.expr.length : undefined;
}

const MAX_CANDIDATES = 64;

function firstFailingOccurrence(
  text: string,
  failure: SyntaxFailure,
  failureOfPrefix: (prefix: string) => SyntaxFailure | undefined,
): [number, number] | undefined {
  const candidates: number[] = [];
  for (let i = text.indexOf(failure.expr); i >= 0 && candidates.length < MAX_CANDIDATES; i = text.indexOf(failure.expr, i + 1)) candidates.push(i);
  if (candidates.length === 0) return undefined;
  if (candidates.length > 1) {
    for (const i of candidates) {
      const end = i + failure.expr.length;
      const f = failureOfPrefix(text.slice(0, end));
      if (f && f.code === failure.code && f.expr === failure.expr) return [i, end];
    }
  }
  return [candidates[0], candidates[0] + failure.expr.length];
}

const FLAGS_ONLY = /\(\?[imsU-]*\)/y;

function whole(text: string): [number, number] {
  return [0, text.length];
}

/** Go's grouping structure: the first `)` closing nothing, and the innermost `(` left open at the end. */
function parentheses(p: string): { unexpected?: number; unclosed?: number } {
  const open: number[] = [];
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      if (p[i + 1] === 'Q' && !inClass) {
        const close = p.indexOf('\\E', i + 2);
        i = close < 0 ? p.length : close + 1;
      } else i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && p[i + 1] === ':') {
        const close = p.indexOf(':]', i + 2);
        if (close >= 0) i = close + 1;
      } else if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (p[i + 1] === '^') i++;
      if (p[i + 1] === ']') i++;
    } else if (c === '(') {
      // `(?i)` only changes flags; every other `(` opens a group that needs its `)`.
      FLAGS_ONLY.lastIndex = i;
      if (!FLAGS_ONLY.test(p)) open.push(i);
    } else if (c === ')') {
      if (open.length === 0) return { unexpected: i };
      open.pop();
    }
  }
  return { unclosed: open.at(-1) };
}
