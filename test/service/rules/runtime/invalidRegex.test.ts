import { strict as assert } from 'node:assert';
import { textAt, validate, withCode, yaml } from '../../../support/service';
import { Severity } from '../../../../server/src/service/types';
import { kyvernoPolicy } from './policies';

const CODE = 'policy-invalid-regex';

function keyless(field: string, value: string): string {
  return kyvernoPolicy([
    'imageReferences: ["ghcr.io/acme/*"]',
    'attestors:',
    '  - entries:',
    '      - keyless:',
    `          ${field}: ${value}`,
    '          issuer: https://token.actions.githubusercontent.com',
    '          rekor: {url: https://rekor.sigstore.dev}',
  ]);
}

describe('rule policy-invalid-regex', () => {
  it('reports a lookahead on the construct, naming it', () => {
    const text = keyless('subjectRegExp', '"^https://github\\\\.com/acme/(?!forks/).*$"');
    const [d] = withCode(validate(text), CODE);
    assert.equal(d.severity, Severity.Error);
    assert.equal(textAt(text, d), '(?!');
    assert.match(d.message, /^keyless\.subjectRegExp: negative lookahead `\(\?!…\)` is not supported by Go's RE2/);
  });

  it('accepts RE2 syntax that JavaScript lacks', () => {
    for (const ok of ["'(?i)^https://GitHub\\.com/acme/.*'", "'^(?P<org>[[:alnum:]-]+)/\\Qa.b\\E\\z'", '^https://accounts\\.google\\.com$']) {
      assert.deepEqual(withCode(validate(keyless('issuerRegExp', ok)), CODE), [], ok);
    }
  });

  it('names backreferences, lookbehind, possessive quantifiers and atomic groups on the construct', () => {
    const cases: [pattern: string, construct: RegExp, text: string][] = [
      ["'(a)\\1'", /backreference is not supported/, '\\1'],
      ["'x(?<=a)y'", /lookbehind `\(\?<=…\)`/, '(?<='],
      ["'a++'", /possessive quantifier `\+\+`/, '++'],
      ["'(?>ab)'", /atomic group/, '(?>'],
      ["'(?''n''a)'", /named group .* use `\(\?P<name>…\)`/, "(?''"], // the source spelling of `'` in a single-quoted scalar
    ];
    for (const [value, construct, at] of cases) {
      const text = keyless('subjectRegExp', value);
      const [d] = withCode(validate(text), CODE);
      assert.ok(d, value);
      assert.match(d.message, construct, value);
      assert.equal(textAt(text, d), at, value);
    }
  });

  it("reports what Go reports on the construct for the rest, with Go's wording", () => {
    const cases: [value: string, message: RegExp, at: string][] = [
      ["'^a{1001}$'", /Go's regexp rejects this pattern \(invalid repeat count: `\{1001\}`\)/, '{1001}'],
      ["'^acme\\C$'", /invalid escape sequence: `\\C`/, '\\C'],
      ["'^(unclosed'", /missing closing \): `\^\(unclosed`/, '('],
      ["'^[[:alfa:]]$'", /invalid character class range: `\[:alfa:\]`/, '[:alfa:]'],
      ["'\\p{Garay}+'", /the Unicode class `\\p\{Garay\}` .* a Unicode 15\.0 script/, '\\p{Garay}'],
    ];
    for (const [value, message, at] of cases) {
      const text = keyless('subjectRegExp', value);
      const [d] = withCode(validate(text), CODE);
      assert.ok(d, value);
      assert.match(d.message, message, value);
      assert.equal(textAt(text, d), at, value);
    }
  });

  it('accepts what Go accepts, and what the old check refused or mis-read', () => {
    for (const ok of ["'[(?=]x'", "'(?s:.)+x{2,5}?'", "'^\\pL+$'", "'^\\p{Letter}+@\\x{41}$'", "'(?i:x)'", "'a{1000}'", "'(?<org>a)|(?<org>b)'", "'(?U)a+'"]) {
      assert.deepEqual(withCode(validate(keyless('subjectRegExp', ok)), CODE), [], ok);
    }
  });

  it('keeps the range exact inside a double-quoted scalar with escapes', () => {
    const text = keyless('subjectRegExp', '"^https://github\\\\.com/(a)\\\\1$"');
    const [d] = withCode(validate(text), CODE);
    assert.equal(textAt(text, d), '\\\\1');
  });

  it('checks ClusterImagePolicy identities too', () => {
    const text = yaml`
      apiVersion: policy.sigstore.dev/v1beta1
      kind: ClusterImagePolicy
      metadata:
        name: cip
      spec:
        images: [{glob: "ghcr.io/**"}]
        authorities:
          - keyless:
              identities:
                - issuer: https://token.actions.githubusercontent.com
                  subjectRegExp: (?<=acme/).*
    `;
    const [d] = withCode(validate(text), CODE);
    assert.equal(textAt(text, d), '(?<=');
    assert.match(d.message, /^keyless\.identities\[\]\.subjectRegExp: lookbehind/);
  });
  it('checks ImageValidatingPolicy identities with the same engine', () => {
    const text = yaml`
      apiVersion: policies.kyverno.io/v1alpha1
      kind: ImageValidatingPolicy
      metadata:
        name: ivp
      spec:
        matchImageReferences: [{glob: "ghcr.io/*"}]
        attestors:
          - name: gh
            cosign:
              keyless:
                identities:
                  - issuerRegExp: ^https://token\\.actions\\.githubusercontent\\.com$
                    subjectRegExp: ^https://github\\.com/\\p{Garay}/
                  - issuer: https://accounts.google.com
                    subjectRegExp: ^[[:alpha:]]+@\\pL+\\.com$
    `;
    const ds = withCode(validate(text), CODE);
    assert.equal(ds.length, 1);
    assert.equal(textAt(text, ds[0]), '\\p{Garay}');
    assert.match(ds[0].message, /^cosign\.keyless\.identities\[\]\.subjectRegExp: the Unicode class/);
  });
});
