// Checks a pattern against what Go's regexp package (RE2 syntax) accepts. Kyverno, cosign and the
// policy-controller compile identity regexps with Go, whose engine drops backtracking features that
// PCRE and JavaScript have, so a pattern that "works" in a JS tester can be rejected at verification.

export interface RegExpProblem {
  /** Offsets of the offending construct in the pattern. */
  start: number;
  end: number;
  message: string;
}

const GROUP_OPENERS: [prefix: string, name: string][] = [
  ['(?<=', 'lookbehind `(?<=…)`'],
  ['(?<!', 'negative lookbehind `(?<!…)`'],
  ['(?=', 'lookahead `(?=…)`'],
  ['(?!', 'negative lookahead `(?!…)`'],
  ['(?>', 'atomic group `(?>…)`'],
  ['(?|', 'branch reset group `(?|…)`'],
  ['(?(', 'conditional `(?(…)…)`'],
  ['(?R)', 'recursion `(?R)`'],
  ['(?#', 'inline comment `(?#…)`'],
];

const UNSUPPORTED_ESCAPES: Record<string, string> = {
  Z: '`\\Z` (use `\\z` or `$`)',
  G: '`\\G`',
  R: '`\\R` (use `\\r?\\n`)',
  X: '`\\X`',
  K: '`\\K`',
  h: '`\\h`',
  H: '`\\H`',
  V: '`\\V`',
  c: 'control escape `\\cX`',
  e: '`\\e` (use `\\x1b`)',
};

/** The first construct Go's regexp rejects, or a JavaScript syntax error for the RE2-compatible rest. */
export function re2Problem(pattern: string): RegExpProblem | undefined {
  const found = scan(pattern);
  if (found) return found;
  try {
    new RegExp(toJavaScript(pattern), 'u');
  } catch (e) {
    return { start: 0, end: pattern.length, message: `not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: \/.*\/\w*: /, '')}` };
  }
  return undefined;
}

function unsupported(start: number, end: number, what: string): RegExpProblem {
  return { start, end, message: `${what} is not supported by Go's RE2 regexp syntax, which Kyverno and cosign use` };
}

function scan(p: string): RegExpProblem | undefined {
  let i = 0;
  while (i < p.length) {
    const c = p[i];
    if (c === '\\') {
      const next = p[i + 1] ?? '';
      if (/[1-9]/.test(next)) return unsupported(i, i + 2, `backreference \`\\${next}\``);
      if (next === 'k' && /^[<{']/.test(p[i + 2] ?? '')) return unsupported(i, i + 3, 'named backreference `\\k<…>`');
      if (next === 'g') return unsupported(i, i + 2, 'backreference `\\g`');
      if (UNSUPPORTED_ESCAPES[next]) return unsupported(i, i + 2, UNSUPPORTED_ESCAPES[next]);
      if (next === 'Q') {
        const close = p.indexOf('\\E', i + 2);
        i = close < 0 ? p.length : close + 2;
        continue;
      }
      i += 2;
      continue;
    }
    if (c === '[') {
      i = skipClass(p, i);
      continue;
    }
    if (c === '(') {
      for (const [prefix, name] of GROUP_OPENERS) {
        if (p.startsWith(prefix, i)) return unsupported(i, i + prefix.length, name);
      }
      if (/^\(\?[+-]?\d/.test(p.slice(i))) return unsupported(i, i + 3, 'subroutine call `(?1)`');
      if (p.startsWith("(?'", i)) return unsupported(i, i + 3, "named group `(?'name'…)` (use `(?P<name>…)`)");
      const flags = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?[:)]/.exec(p.slice(i));
      if (flags) {
        const bad = (flags[1] + (flags[2] ?? '')).replace(/[imsU]/g, '');
        if (bad) return unsupported(i, i + flags[0].length, `flag \`${bad[0]}\` in \`${flags[0]}\` (Go knows i, m, s, U)`);
      }
    }
    if ((c === '*' || c === '+' || c === '?' || c === '}') && p[i + 1] === '+' && isQuantifier(p, i)) {
      return unsupported(i, i + 2, `possessive quantifier \`${c}+\``);
    }
    if (c === '{') {
      const rep = /^\{(\d+)(?:,(\d*))?\}/.exec(p.slice(i));
      if (rep && Math.max(Number(rep[1]), Number(rep[2] || 0)) > 1000) {
        return { start: i, end: i + rep[0].length, message: `repeat count ${rep[0]} exceeds Go's limit of 1000` };
      }
    }
    i++;
  }
  return undefined;
}

/** `}` closes a repetition only when it ends `{n}`, `{n,}` or `{n,m}`; `*`, `+`, `?` always quantify here. */
function isQuantifier(p: string, i: number): boolean {
  if (p[i] !== '}') return p[i - 1] !== '(';
  return /\{\d+(,\d*)?$/.test(p.slice(0, i));
}

/** Index just past a character class starting at `start` (handles `[]…]`, `[^]…]`, escapes and `[:alpha:]`). */
function skipClass(p: string, start: number): number {
  let i = start + 1;
  if (p[i] === '^') i++;
  if (p[i] === ']') i++;
  while (i < p.length && p[i] !== ']') {
    if (p[i] === '\\') i += 2;
    else if (p.startsWith('[:', i)) {
      const close = p.indexOf(':]', i + 2);
      i = close < 0 ? i + 1 : close + 2;
    } else i++;
  }
  return i + 1;
}

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F', digit: '0-9',
  graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ', upper: 'A-Z',
  word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

/** Rewrites RE2-only syntax into JavaScript's so the JS engine can check everything else. */
function toJavaScript(p: string): string {
  return p
    .replace(/\\Q([\s\S]*?)(?:\\E|$)/g, (_, lit: string) => lit.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?[imsU]+\)/g, '')
    .replace(/\(\?[imsU]*(?:-[imsU]*)?:/g, '(?:')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$')
    .replace(/\\C/g, '.')
    .replace(/\[:(\^?)(\w+):\]/g, (m, neg: string, name: string) => (POSIX[name] && !neg ? POSIX[name] : m))
    .replace(/\\x\{([0-9A-Fa-f]+)\}/g, '\\u{$1}')
    .replace(/\\p([A-Z])/g, '\\p{$1}')
    .replace(/\\P([A-Z])/g, '\\P{$1}');
}
