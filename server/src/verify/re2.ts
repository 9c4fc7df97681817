// Go's regexp (RE2) evaluated with a JavaScript RegExp. Kyverno and cosign call `regexp.MatchString`, which is
// unanchored; JS `RegExp.test` is unanchored too. The syntaxes mostly agree; where they do not, we translate
// (`(?P<name>`, a leading `(?i)`, `\A`, `\z`, `\Q…\E`) or refuse with the reason RE2 would give (look-around and
// backreferences are not RE2), so a policy never passes here and fails in the cluster, or the reverse.

export type Re2Compiled = { ok: true; regexp: RegExp } | { ok: false; error: string };

const cache = new Map<string, Re2Compiled>();

export function compileRe2(pattern: string): Re2Compiled {
  let compiled = cache.get(pattern);
  if (!compiled) {
    compiled = translate(pattern);
    if (cache.size > 500) cache.clear();
    cache.set(pattern, compiled);
  }
  return compiled;
}

/** Go `regexp.MatchString(pattern, value)`; undefined when the pattern does not compile. */
export function re2Matches(pattern: string, value: string): boolean | undefined {
  const compiled = compileRe2(pattern);
  return compiled.ok ? compiled.regexp.test(value) : undefined;
}

function translate(pattern: string): Re2Compiled {
  let flags = '';
  let rest = pattern;
  const leading = /^\(\?([imsU]+)\)/.exec(rest);
  if (leading) {
    if (leading[1].includes('U')) return { ok: false, error: 'the (?U) ungreedy flag has no JavaScript equivalent' };
    flags = Array.from(new Set(leading[1])).join('');
    rest = rest.slice(leading[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '\\') {
      const n = rest[i + 1];
      if (n === undefined) return { ok: false, error: 'trailing backslash' };
      if (n === 'Q') {
        const end = rest.indexOf('\\E', i + 2);
        const literal = rest.slice(i + 2, end < 0 ? undefined : end);
        out += literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        i = end < 0 ? rest.length : end + 1;
        continue;
      }
      if (!inClass && /[1-9]/.test(n)) return { ok: false, error: `backreference \\${n} is not supported by RE2` };
      if (!inClass && n === 'A') out += '(?<![\\s\\S])'; // start of text even with (?m)
      else if (!inClass && n === 'z') out += '(?![\\s\\S])'; // end of text even with (?m)
      else out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (rest[i + 1] === '^') out += rest[++i];
      if (rest[i + 1] === ']') {
        out += '\\]'; // a leading `]` is literal in RE2; in JS `[]` would be an empty class
        i++;
      }
      continue;
    }
    if (c === '(' && rest[i + 1] === '?') {
      const group = rest.slice(i + 2);
      if (/^(=|!|<=|<!)/.test(group)) return { ok: false, error: 'look-ahead and look-behind are not supported by RE2' };
      if (group.startsWith('P<')) {
        out += '(?<';
        i += 3;
        continue;
      }
      if (/^[imsU-]+[:)]/.test(group)) return { ok: false, error: 'inline flag groups other than a leading (?i)/(?s)/(?m) are not supported here' };
    }
    out += c;
  }
  try {
    return { ok: true, regexp: new RegExp(out, flags) };
  } catch (e) {
    return { ok: false, error: (e as Error).message.replace(/^Invalid regular expression: /, '') };
  }
}
