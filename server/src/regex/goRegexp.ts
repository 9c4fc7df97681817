// Go's `regexp` (RE2 syntax) for identity regexps, on re2js: the one place the policy checks and the verifier compile a
// `subjectRegExp` / `issuerRegExp`, so they cannot disagree. Matching is linear in the input (no backtracking), which
// matters because a policy is untrusted input to the language server: `(a+)+$` must not stall it.
// Semantics are Go's `regexp.MatchString`: unanchored unless the pattern anchors itself, `$` only at the very end,
// `\s` `\d` `\w` `\b` ASCII only, POSIX classes, `\pL`, `(?i)` with Unicode simple folding, repeat counts up to 1000.
import { RE2JS } from 're2js';
import { Dialected, toOriginalRange, toRe2js } from './goDialect';
import { locate, quotedSuffix } from './locateError';

export interface GoRegexpError {
  /** Go's error code text, e.g. `invalid escape sequence`. */
  code: string;
  /** The offending text as Go quotes it (empty when Go quotes nothing). */
  expr: string;
  /** Offsets of the offending construct in the pattern. */
  start: number;
  end: number;
  /** What Go's `regexp.Compile` says: ``error parsing regexp: <code>: `<expr>` ``. */
  goMessage: string;
}

export type GoRegexp = { ok: true; test(value: string): boolean } | { ok: false; error: GoRegexpError };

const cache = new Map<string, GoRegexp>();
const CACHE_LIMIT = 500;

/** Compiles as Go's `regexp.Compile` does; the result is cached per pattern. */
export function compileGoRegexp(pattern: string): GoRegexp {
  let compiled = cache.get(pattern);
  if (!compiled) {
    compiled = compile(pattern);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, compiled);
  }
  return compiled;
}

/** Go `regexp.MatchString(pattern, value)`; undefined when the pattern does not compile. */
export function goRegexpMatches(pattern: string, value: string): boolean | undefined {
  const compiled = compileGoRegexp(pattern);
  return compiled.ok ? compiled.test(value) : undefined;
}

function compile(pattern: string): GoRegexp {
  const dialected = toRe2js(pattern);
  let re: RE2JS;
  try {
    re = RE2JS.compile(dialected.text);
  } catch (e) {
    const failure = syntaxFailure(e);
    if (!failure) throw e;
    const [from, to] = locate(dialected.text, failure, (prefix) => syntaxFailure(tryCompile(prefix)));
    const [start, end] = toOriginalRange(dialected, from, to);
    const expr = quotedText(pattern, dialected, failure, start, end);
    return { ok: false, error: { code: failure.code, expr, start, end, goMessage: goMessage(failure.code, expr) } };
  }
  return { ok: true, test: (value) => re.test(value) };
}

export interface SyntaxFailure {
  code: string;
  expr: string;
  /** Go quotes the whole pattern for these (unbalanced parentheses, size limits). */
  quotesWhole: boolean;
}

const WHOLE_PATTERN_CODES = new Set(['missing closing )', 'unexpected )', 'expression nests too deeply', 'expression too large']);

function syntaxFailure(e: unknown): SyntaxFailure | undefined {
  if (!(e instanceof Error) || e.name !== 'RE2JSSyntaxException') return undefined;
  const { error: code, input } = e as Error & { error?: string; input?: string };
  if (typeof code !== 'string') return undefined;
  return { code, expr: input ?? '', quotesWhole: WHOLE_PATTERN_CODES.has(code) };
}

/** Go's quote in the user's spelling (the rewritten text may spell a class name or a group differently). */
function quotedText(pattern: string, dialected: Dialected, failure: SyntaxFailure, start: number, end: number): string {
  if (failure.quotesWhole) return pattern;
  if (failure.expr === '') return '';
  const suffix = quotedSuffix(dialected.text, failure);
  if (failure.code === 'missing closing ]' && suffix !== undefined) return pattern.slice(toOriginalRange(dialected, suffix, suffix)[0]);
  return pattern.slice(start, end);
}

function tryCompile(text: string): unknown {
  try {
    RE2JS.compile(text);
    return undefined;
  } catch (e) {
    return e;
  }
}

function goMessage(code: string, expr: string): string {
  return expr === '' ? `error parsing regexp: ${code}` : `error parsing regexp: ${code}: \`${expr}\``;
}
