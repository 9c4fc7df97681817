// Property tests over a grammar of RE2 constructs (valid and invalid ones): the policy check and the verifier can never
// disagree, errors always point inside the pattern at what Go quotes, and on the syntax JavaScript shares with Go
// the matches are the same.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { compileGoRegexp, goRegexpMatches } from '../../server/src/regex/goRegexp';
import { exactIdentityRequirement, matchIdentity } from '../../server/src/verify';
import type { CertificateIdentity } from '../../server/src/verify';
import { capture } from '../../server/src/verify/result';
import { validate, withCode } from '../support/service';

const atom = fc.oneof(
  fc.constantFrom('a', 'b', 'c', '-', '/', '@', '.', '^', '$', '|', '{', '}', ']'),
  fc.constantFrom('\\.', '\\d', '\\w', '\\s', '\\b', '\\A', '\\z', '\\x{41}', '\\x41', '\\101', '\\pL', '\\PL', '\\p{Greek}', '\\p{greek}', '\\p{Letter}', '\\p{ASCII}', '\\QA.B\\E'),
  fc.constantFrom('\\C', '\\Z', '\\1', '\\e', '\\x{110000}', '\\p{Garay}', '\\p{Nope}', '\\p', '\\', '\\q'),
  fc.constantFrom('[abc]', '[^a]', '[a-c]', '[]a]', '[[:alpha:]]', '[[:^digit:]x]', '[\\pL0-9]', '[z-a]', '[[:foo:]]', '[\\b]', '[a', '[a-\\d]'),
);
const quantifier = fc.constantFrom('', '', '', '*', '+', '?', '*?', '{2}', '{1,3}', '{0,}', '{1000}', '{1001}', '{2,1}', '**', '++', '{,3}');
const groupOpen = fc.constantFrom('(', '(?:', '(?i:', '(?s-i:', '(?P<n>', '(?<n>', '(?U)', '(?i)', '(?=', '(?<=', '(?!', '(?P=n)', "(?'n'", '(?x)', '(?<a b>');
const groupClose = fc.constantFrom(')', ')', ')', '');

const pattern: fc.Arbitrary<string> = fc.letrec<{ re: string; piece: string }>((tie) => ({
  piece: fc.oneof(
    { weight: 4, arbitrary: fc.tuple(atom, quantifier).map(([a, q]) => a + q) },
    { weight: 1, arbitrary: fc.tuple(groupOpen, tie('re'), groupClose, quantifier).map((p) => p.join('')) },
  ),
  re: fc.array(tie('piece'), { maxLength: 5 }).map((pieces) => pieces.join('')),
})).re;

const certificate: CertificateIdentity = {
  subjectAlternativeNames: ['https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1'],
  issuer: 'https://token.actions.githubusercontent.com',
  extensions: {},
  notBefore: new Date(0),
  notAfter: new Date(0),
};

/** policy-invalid-regex on a ClusterPolicy carrying the pattern (double-quoted, so any character survives YAML). */
function checkerAccepts(p: string): boolean {
  const quoted = JSON.stringify(p);
  const text = [
    'apiVersion: kyverno.io/v1',
    'kind: ClusterPolicy',
    'metadata: {name: p}',
    'spec:',
    '  rules:',
    '    - name: r',
    '      match: {any: [{resources: {kinds: [Pod]}}]}',
    '      verifyImages:',
    '        - imageReferences: ["ghcr.io/acme/*"]',
    '          attestors:',
    '            - entries:',
    '                - keyless:',
    `                    subjectRegExp: ${quoted}`,
    '                    issuer: https://token.actions.githubusercontent.com',
    '                    rekor: {url: https://rekor.sigstore.dev}',
    '',
  ].join('\n');
  return withCode(validate(text), 'policy-invalid-regex').length === 0;
}

/** The verifier's identity matching with the pattern as `--certificate-identity-regexp`. */
function matcherCompiles(p: string): boolean {
  const r = capture(() => {
    matchIdentity(certificate, [exactIdentityRequirement({ subjectRegExp: p })]);
    return { ok: true as const };
  });
  return r.ok || r.code !== 'invalid-policy';
}

describe('regex: properties over a grammar of RE2 constructs', () => {
  it('the policy check accepts a pattern exactly when the verifier compiles it', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(pattern, (p) => {
        const ok = checkerAccepts(p);
        assert.equal(ok, matcherCompiles(p), `check and matcher disagree on ${JSON.stringify(p)}`);
        if (ok) accepted++;
        else rejected++;
      }),
      { numRuns: 300 },
    );
    console.log(`      ${accepted} accepted, ${rejected} rejected`);
    assert.ok(accepted > 30 && rejected > 30, 'the grammar exercises both sides');
  });

  it('an error always lies inside the pattern, and is the text Go quotes when Go quotes a part of it', () => {
    fc.assert(
      fc.property(pattern, (p) => {
        const r = compileGoRegexp(p);
        if (r.ok) return;
        const { start, end, code, expr } = r.error;
        assert.ok(0 <= start && start < end && end <= p.length, `${JSON.stringify(p)}: [${start}, ${end})`);
        const quotesPart = expr !== '' && expr !== p && code !== 'missing closing ]';
        if (quotesPart) assert.equal(p.slice(start, end), expr, JSON.stringify(p));
        assert.ok(p.includes(expr), `${JSON.stringify(p)}: Go's quote ${JSON.stringify(expr)} is the user's text`);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary text, and compiled patterns run (the server must survive any policy)', () => {
    const char = fc.constantFrom('(', ')', '[', ']', '\\', '?', '*', '+', '{', '}', ',', '1', '0', 'a', 'P', '<', '>', 'p', 'Q', 'E', ':', '^', '-', '|', 'x', 'L', 'i', '$', '.', 'é', '😀');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 30 }).map((a) => a.join('')), (p) => {
        const r = compileGoRegexp(p);
        if (r.ok) r.test('aé😀x');
        else assert.ok(r.error.start >= 0 && r.error.start < r.error.end && r.error.end <= p.length, JSON.stringify(p));
      }),
      { numRuns: 3000 },
    );
  });

  it('on the syntax JavaScript shares with Go, both find the same matches', () => {
    // ASCII-only classes and escapes, no `.` (JS excludes \r and U+2028 too), no case folding: the semantics coincide.
    const shared = fc.letrec<{ re: string; piece: string }>((tie) => ({
      piece: fc.oneof(
        { weight: 4, arbitrary: fc.tuple(fc.constantFrom('a', 'b', '1', ' ', '[ab]', '[^a]', '[a-b1]', '\\d', '\\w', '\\b', '^', '$'), fc.constantFrom('', '', '*', '+', '?', '{2}', '{0,2}', '*?')).map(([a, q]) => (/^[\^$]|\\b/.test(a) ? a : a + q)) },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom('(', '(?:'), tie('re'), fc.constantFrom('', '|b', '|'), fc.constantFrom('', '*', '+', '?')).map(([o, r, alt, q]) => `${o}${r}${alt})${q}`) },
      ),
      re: fc.array(tie('piece'), { minLength: 1, maxLength: 4 }).map((x) => x.join('')),
    })).re;
    const subject = fc.stringMatching(/^[ab1 _\n]{0,8}$/);
    fc.assert(
      fc.property(shared, subject, (p, s) => {
        assert.equal(goRegexpMatches(p, s), new RegExp(p).test(s), `${JSON.stringify(p)} on ${JSON.stringify(s)}`);
      }),
      { numRuns: 1000 },
    );
  });
});
