import { strict as assert } from 'node:assert';
import { textAt, validate, withCode } from '../../../support/service';
import { Severity } from '../../../../server/src/service/types';
import { applyFix } from '../deprecation/fixes';
import { keysEntry, KEY_CONTENT_COLUMN, kyvernoPolicy, pem, pemLines } from './policies';

const CODE = 'policy-comment-in-block';
const pad = ' '.repeat(KEY_CONTENT_COLUMN);

describe('rule policy-comment-in-block', () => {
  const key = pemLines(pem('ec-p256.pub'), KEY_CONTENT_COLUMN);
  const withComment = kyvernoPolicy(keysEntry([`${pad}# production signing key`, ...key]));

  it('reports a # line inside a publicKeys block on that line, not the key-parse error', () => {
    const diagnostics = validate(withComment);
    const found = withCode(diagnostics, CODE);
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, Severity.Error);
    assert.equal(textAt(withComment, found[0]), '# production signing key');
    assert.match(found[0].message, /not a YAML comment/);
    assert.deepEqual(withCode(diagnostics, 'policy-invalid-public-key'), []);
  });

  it('fixes by moving the line above the key as a real comment', () => {
    const body = keysEntry(key);
    body.splice(5, 0, '          # production signing key');
    const fixed = applyFix(withComment, withCode(validate(withComment), CODE)[0], /Move/);
    assert.equal(fixed, kyvernoPolicy(body));
    assert.deepEqual(withCode(validate(fixed), CODE), []);
  });

  it('offers to delete the line', () => {
    const inside = kyvernoPolicy(keysEntry([key[0], `${pad}# rotated 2024`, ...key.slice(1)]));
    const fixed = applyFix(inside, withCode(validate(inside), CODE)[0], /Delete/);
    assert.equal(fixed, kyvernoPolicy(keysEntry(key)));
  });

  it('also checks certificate blocks, and leaves real comments and other blocks alone', () => {
    const cert = kyvernoPolicy([
      'imageReferences: ["ghcr.io/acme/*"]',
      '# a real YAML comment',
      'attestors:',
      '  - entries:',
      '      - certificates:',
      '          certChain: |',
      `${pad}# intermediate`,
      ...pemLines(pem('valid-root-ca.crt'), KEY_CONTENT_COLUMN),
    ]);
    assert.equal(textAt(cert, withCode(validate(cert), CODE)[0]), '# intermediate');
    assert.deepEqual(withCode(validate(kyvernoPolicy(keysEntry(key))), CODE), []);
    const note = kyvernoPolicy(['imageReferences: ["ghcr.io/acme/*"]', 'validate:', '  message: |', '    # not a key block']);
    assert.deepEqual(withCode(validate(note), CODE), []);
  });
});
