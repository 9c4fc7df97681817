// The one Go-RE2 engine behind policy-invalid-regex and the verifier: Go's syntax and semantics on re2js, linear time.
import { strict as assert } from 'node:assert';
import { compileGoRegexp, goRegexpMatches } from '../../server/src/regex/goRegexp';
import { goUnicodeClassNames } from '../../server/src/regex/unicodeClassNames';

function rejected(pattern: string) {
  const r = compileGoRegexp(pattern);
  assert.equal(r.ok, false, `${pattern} should not compile`);
  if (r.ok) throw new Error('unreachable');
  return { ...r.error, text: pattern.slice(r.error.start, r.error.end) };
}

describe('regex: the constructs of the issue (check and match agree)', () => {
  // Each of these passed the old check but never matched, or the other way round.
  const cases: [pattern: string, matching: string, notMatching: string][] = [
    ['^[[:alpha:]]+$', 'Acme', 'acme-1'],
    ['^\\pL+$', 'Ünïcödé', 'a1'],
    ['^\\x{41}cme$', 'Acme', 'acme'],
    ['^(?i:x)y$', 'Xy', 'XY'],
    ['^a{1000}$', 'a'.repeat(1000), 'a'.repeat(999)],
  ];
  for (const [pattern, yes, no] of cases) {
    it(`${pattern} compiles and matches as Go does`, () => {
      assert.equal(goRegexpMatches(pattern, yes), true);
      assert.equal(goRegexpMatches(pattern, no), false);
    });
  }

  it('a{2000} and a{1001} are rejected on the repeat, as Go does (limit 1000)', () => {
    for (const n of [1001, 2000]) {
      const e = rejected(`a{${n}}`);
      assert.equal(e.code, 'invalid repeat count');
      assert.equal(e.text, `{${n}}`);
      assert.equal(e.goMessage, `error parsing regexp: invalid repeat count: \`{${n}}\``);
    }
    // The product of nested repeats counts too.
    assert.equal(rejected('(?:[a-z]{4}){0,251}').code, 'invalid repeat count');
    assert.equal(compileGoRegexp('(?:[a-z]{4}){0,250}').ok, true);
  });
});

describe('regex: linear time', () => {
  it('(a+)+$ against 29 and 10,000 a\'s finishes in milliseconds', () => {
    for (const n of [29, 10_000]) {
      const started = process.hrtime.bigint();
      const matched = goRegexpMatches('(a+)+$', `${'a'.repeat(n)}!`);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      console.log(`      (a+)+$ against ${n} a's and a '!': ${ms.toFixed(1)} ms`);
      assert.equal(matched, false);
      assert.ok(ms < 1000, `took ${ms} ms`);
    }
    assert.equal(goRegexpMatches('(a+)+$', 'a'.repeat(10_000)), true);
  });
});

describe("regex: Go's semantics", () => {
  it('is unanchored unless the pattern anchors itself; $ is the end of the text only', () => {
    assert.equal(goRegexpMatches('soyland', 'cody@soyland.com'), true);
    assert.equal(goRegexpMatches('^soyland', 'cody@soyland.com'), false);
    assert.equal(goRegexpMatches('com$', 'soyland.com\n'), false, 'Go $ does not match before a final newline');
    assert.equal(goRegexpMatches('(?m)com$', 'soyland.com\n'), true);
    assert.equal(goRegexpMatches('\\Acody', 'xcody'), false);
    assert.equal(goRegexpMatches('com\\z', 'soyland.com'), true);
    assert.equal(goRegexpMatches('.', '\n'), false);
    assert.equal(goRegexpMatches('(?s).', '\n'), true);
  });

  it('\\s, \\d, \\w and \\b are ASCII only; \\s has no \\v', () => {
    assert.equal(goRegexpMatches('\\s', '\u00a0'), false);
    assert.equal(goRegexpMatches('\\s', '\v'), false);
    assert.equal(goRegexpMatches('\\s', '\t'), true);
    assert.equal(goRegexpMatches('\\d', '\u0663'), false);
    assert.equal(goRegexpMatches('\\w', 'é'), false);
    assert.equal(goRegexpMatches('[[:alpha:]]', 'é'), false);
    assert.equal(goRegexpMatches('\\pL', 'é'), true);
    assert.equal(goRegexpMatches('[[:^alpha:]]', '1'), true);
  });

  it('case folding is Unicode simple folding: (?i)k matches the Kelvin sign', () => {
    assert.equal(goRegexpMatches('(?i)k', '\u212a'), true);
    assert.equal(goRegexpMatches('(?i)CODY@', 'cody@soyland.com'), true);
  });

  it('\\Q…\\E quotes; (?U) swaps greediness; \\x{…} up to 10FFFF', () => {
    assert.equal(goRegexpMatches('\\Qa.b\\E', 'axb'), false);
    assert.equal(goRegexpMatches('\\Qa.b\\E', 'a.b'), true);
    assert.equal(goRegexpMatches('\\Qa.b', 'a.b'), true, 'an unterminated \\Q runs to the end');
    assert.equal(compileGoRegexp('(?U)a+').ok, true);
    assert.equal(goRegexpMatches('^\\x{1F600}$', '😀'), true);
    assert.equal(rejected('\\x{110000}').code, 'invalid escape sequence');
    assert.equal(goRegexpMatches('[]a]', ']'), true);
  });

  it('named groups: (?P<n>…) and (?<n>…), and the same name twice, as Go allows', () => {
    assert.equal(goRegexpMatches('(?P<user>[a-z]+)@', 'cody@soyland.com'), true);
    assert.equal(goRegexpMatches('^(?<user>[a-z]+)@', 'cody@soyland.com'), true);
    assert.equal(goRegexpMatches('^(?P<n>a)(?P<n>b)$', 'ab'), true);
    assert.equal(goRegexpMatches('^(?<n>a)|(?<n>b)$', 'b'), true);
    const bad = rejected('x(?P<a b>y)');
    assert.equal(bad.code, 'invalid named capture');
    assert.equal(bad.text, '(?P<a b>');
  });

  it('Unicode class names as Go 1.25+ looks them up: case, spaces, _ and - ignored; aliases; Any, ASCII, Assigned', () => {
    for (const p of ['\\pL', '\\pl', '\\p{Letter}', '\\p{letter}', '\\p{upper case-let ter}', '\\p{Greek}', '\\p{greek}', '\\p{Canadian_Aboriginal}', '\\p{ASCII}', '\\p{ascii}', '\\p{Any}', '\\p{Assigned}', '\\p{LC}', '\\p{Cn}', '\\P{^Greek}', '[\\p{Cased_Letter}0-9]']) {
      assert.equal(compileGoRegexp(p).ok, true, p);
    }
    assert.equal(goRegexpMatches('^\\p{Letter}+$', 'Ωmega'), true);
    assert.equal(goRegexpMatches('^\\p{greek}+$', 'Ωμέγα'), true);
    assert.equal(goRegexpMatches('^\\p{greek}+$', 'Omega'), false);
    assert.equal(goRegexpMatches('^\\P{^Greek}$', 'Ω'), true);
    assert.equal(goRegexpMatches('^\\p{ascii}+$', 'abc'), true);
    assert.equal(goRegexpMatches('\\p{ascii}', 'é'), false);
  });

  it('every one of the 250-odd names Go knows compiles, in \\p{…}, \\P{^…} and inside a class', () => {
    const names = goUnicodeClassNames();
    assert.ok(names.length > 240, `${names.length} names`);
    for (const name of names) {
      for (const p of [`\\p{${name}}`, `\\P{^${name}}`, `[x\\p{${name.toLowerCase()}}]`]) assert.equal(compileGoRegexp(p).ok, true, p);
    }
  });

  it('scripts newer than Unicode 15.0 (Go 1.26 tables) and names Go does not know are rejected', () => {
    for (const name of ['Garay', 'Sunuwar', 'Sidetic', 'Tolong_Siki', 'White_Space', 'Latn', 'L&', 'Zzzz']) {
      const e = rejected(`x\\p{${name}}y`);
      assert.equal(e.code, 'invalid character class range', name);
      assert.equal(e.text, `\\p{${name}}`);
      assert.equal(e.expr, `\\p{${name}}`);
    }
    assert.equal(rejected('\\p').code, 'invalid character class range');
  });

  it('refuses what Go refuses: \\C, \\Z, backreferences, look-around, possessive, Perl flags', () => {
    const expect: [string, string, string][] = [
      ['ab\\Cd', 'invalid escape sequence', '\\C'],
      ['ab\\Z', 'invalid escape sequence', '\\Z'],
      ['(a)\\1', 'invalid escape sequence', '\\1'],
      ['x(?=y)', 'invalid or unsupported Perl syntax', '(?='],
      ['x(?!y)', 'invalid or unsupported Perl syntax', '(?!'],
      ['a++', 'invalid nested repetition operator', '++'],
      ['a**', 'invalid nested repetition operator', '**'],
      ['(?x)a', 'invalid or unsupported Perl syntax', '(?x'],
      ['x{2}{3}', 'invalid nested repetition operator', '{2}{3}'],
      ['*a', 'missing argument to repetition operator', '*'],
      ['[z-a]', 'invalid character class range', 'z-a'],
      ['[[:foo:]]', 'invalid character class range', '[:foo:]'],
      ['[\\b]', 'invalid escape sequence', '\\b'],
    ];
    for (const [pattern, code, text] of expect) {
      const e = rejected(pattern);
      assert.deepEqual([e.code, e.text], [code, text], pattern);
    }
    // Lookbehind is a named-capture error in Go: `(?<` starts a name.
    assert.equal(rejected('(?<=a)b').code, 'invalid named capture');
  });

  it('quotes and places errors Go reports on the whole pattern on the construct at fault', () => {
    const unclosed = rejected('a(b(c)');
    assert.deepEqual([unclosed.code, unclosed.start, unclosed.expr], ['missing closing )', 1, 'a(b(c)']);
    const stray = rejected('a(b)c)d');
    assert.deepEqual([stray.code, stray.start, stray.text], ['unexpected )', 5, ')']);
    const klass = rejected('ab[cd');
    assert.deepEqual([klass.code, klass.text, klass.expr], ['missing closing ]', '[', '[cd']);
    const trailing = rejected('ab\\');
    assert.deepEqual([trailing.code, trailing.start, trailing.goMessage], ['trailing backslash at end of expression', 2, 'error parsing regexp: trailing backslash at end of expression']);
    assert.equal(rejected('('.repeat(1000) + ')'.repeat(1000)).code, 'expression nests too deeply');
    assert.equal(compileGoRegexp('('.repeat(999) + ')'.repeat(999)).ok, true);
  });

  it('places an error on the occurrence that fails, not an earlier harmless one', () => {
    const e = rejected('\\Qa**\\E[**]x**');
    assert.deepEqual([e.text, e.start], ['**', 12]);
    const later = rejected('(?P<n>a)\\p{Letter}\\C');
    assert.deepEqual([later.text, later.start], ['\\C', 18], 'offsets are the user\'s, not the rewritten pattern\'s');
    const named = rejected('\\p{letter}\\p{Garay}');
    assert.deepEqual([named.text, named.start], ['\\p{Garay}', 10]);
  });
});
