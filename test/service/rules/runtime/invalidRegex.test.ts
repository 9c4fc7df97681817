import { strict as assert } from 'node:assert';
import { textAt, validate, withCode, yaml } from '../../../support/service';
import { Severity } from '../../../../server/src/service/types';
import { re2Problem } from '../../../../server/src/service/rules/runtime/re2';
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

  it('names backreferences, lookbehind, possessive quantifiers, atomic groups and syntax errors', () => {
    assert.match(re2Problem('(a)\\1')!.message, /backreference `\\1`/);
    assert.match(re2Problem('(?<=x)y')!.message, /lookbehind/);
    assert.match(re2Problem('a++')!.message, /possessive quantifier `\+\+`/);
    assert.match(re2Problem('(?>ab)')!.message, /atomic group/);
    assert.match(re2Problem('a{1001}')!.message, /limit of 1000/);
    assert.match(re2Problem('(unclosed')!.message, /not a valid regular expression/);
    assert.equal(re2Problem('[(?=]x'), undefined, 'inside a class (?= is literal');
    assert.equal(re2Problem('(?s:.)+x{2,5}?'), undefined);
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
});
