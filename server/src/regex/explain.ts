// Names the Perl/PCRE/JavaScript construct behind a Go regexp error, since Go's own message ("invalid or unsupported
// Perl syntax: `(?!`") does not say what to do instead. Only for wording and a tighter range: whether a pattern
// compiles is decided by the engine alone.
import type { GoRegexpError } from './goRegexp';

export interface Explanation {
  /** What the user wrote, e.g. "negative lookahead `(?!…)`". */
  construct: string;
  start: number;
  end: number;
  /** What to write instead, when there is a direct equivalent. */
  instead?: string;
}

const AT_ERROR: [RegExp, string, string?][] = [
  [/^\(\?<=/, 'lookbehind `(?<=…)`'],
  [/^\(\?<!/, 'negative lookbehind `(?<!…)`'],
  [/^\(\?=/, 'lookahead `(?=…)`'],
  [/^\(\?!/, 'negative lookahead `(?!…)`'],
  [/^\(\?>/, 'atomic group `(?>…)`'],
  [/^\(\?\|/, 'branch reset group `(?|…)`'],
  [/^\(\?\(/, 'conditional `(?(…)…)`'],
  [/^\(\?#/, 'inline comment `(?#…)`'],
  [/^\(\?[+-]?\d|^\(\?R\)/, 'recursion or subroutine call'],
  [/^\(\?'/, "named group `(?'name'…)`", '`(?P<name>…)` or `(?<name>…)`'],
  [/^\(\?P[=>]/, 'named backreference or subroutine `(?P=…)`'],
  [/^\\[1-9]/, 'backreference'],
  [/^\\k[<{']/, 'named backreference `\\k<…>`'],
  [/^\\g/, 'backreference `\\g`'],
  [/^\\Z/, '`\\Z`', '`\\z` or `$`'],
  [/^\\[hH]/, '`\\h` (horizontal space)', '`[ \\t]`'],
  [/^\\R/, '`\\R` (line break)', '`\\r?\\n`'],
  [/^\\[XKG]/, 'this PCRE escape'],
  [/^\\e/, '`\\e`', '`\\x1b`'],
  [/^\\c/, 'control escape `\\cX`', '`\\x{…}`'],
  [/^\\u/, 'JavaScript escape `\\uXXXX`', '`\\x{XXXX}`'],
];

export function explain(pattern: string, error: GoRegexpError): Explanation | undefined {
  const at = pattern.slice(error.start);
  for (const [re, construct, instead] of AT_ERROR) {
    const m = re.exec(at);
    if (m) return { construct, start: error.start, end: error.start + m[0].length, instead };
  }
  if (error.code === 'invalid nested repetition operator' && /^[*+?}]\+$/.test(error.expr.slice(-2))) {
    return { construct: `possessive quantifier \`${error.expr.slice(-2)}\``, start: error.end - 2, end: error.end };
  }
  if (error.code === 'invalid character class range' && /^\\[pP]/.test(error.expr)) {
    return {
      construct: `the Unicode class \`${error.expr}\``,
      start: error.start,
      end: error.end,
      instead: 'a general category (`L`, `Letter`, `Lu`…), a Unicode 15.0 script (`Greek`, `Latin`…), `Any`, `ASCII` or `Assigned`',
    };
  }
  return undefined;
}
