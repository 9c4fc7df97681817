import { strict as assert } from 'node:assert';
import { cursor } from '../../support/service';
import { parseYamlFile, offsetAt } from '../../../server/src/service/document/yamlFile';
import { locateCursor } from '../../../server/src/service/document/cursor';

function locate(textWithMarker: string, marker = '|') {
  const { text, position } = cursor(textWithMarker, marker);
  const file = parseYamlFile('file:///p.yaml', text);
  return locateCursor(file, offsetAt(file, position))!;
}

describe('cursor location in incomplete YAML', () => {
  it('finds the enclosing map of a new sequence item ("  - ")', () => {
    const c = locate('spec:\n  rules:\n  - name: a\n  - |');
    assert.equal(c.kind, 'key');
    assert.deepEqual(c.path, ['spec', 'rules', 1]);
    assert.equal(c.afterDash, true);
    assert.equal(c.column, 4);
  });

  it('reads a partially typed key with its siblings', () => {
    const c = locate('spec:\n  rules:\n    - name: a\n      verifyImages:\n        - imageReferences: [x]\n          mut|\n          required: true\n');
    assert.equal(c.kind, 'key');
    assert.deepEqual(c.path, ['spec', 'rules', 0, 'verifyImages', 0]);
    assert.deepEqual(c.presentKeys.sort(), ['imageReferences', 'required']);
    assert.equal(c.word.text, 'mut');
    assert.equal(c.column, 10);
  });

  it('recognises a value position after "key: "', () => {
    const c = locate('spec:\n  rules:\n  - verifyImages:\n    - failureAction: |');
    assert.equal(c.kind, 'value');
    assert.deepEqual(c.path, ['spec', 'rules', 0, 'verifyImages', 0, 'failureAction']);
    assert.equal(c.key, 'failureAction');
  });

  it('uses the indentation of an empty line to pick the map', () => {
    assert.deepEqual(locate('spec:\n  webhookConfiguration:\n    |\n').path, ['spec', 'webhookConfiguration']);
    assert.deepEqual(locate('spec:\n  webhookConfiguration:\n    timeoutSeconds: 3\n  |\n').path, ['spec']);
    assert.deepEqual(locate('spec:\n  webhookConfiguration:\n    timeoutSeconds: 3\n|\n').path, []);
  });

  it('skips block scalar content and detects the cursor inside an empty block', () => {
    const c = locate('a:\n  key: |\n    b: not a key\n  c: 1\n  d: |\n    ^\n', '^');
    assert.equal(c.kind, 'value');
    assert.deepEqual(c.path, ['a', 'd']);
    assert.ok(c.blockScalar?.empty);
    const after = locate('a:\n  key: |\n    b: text\n  ^\n', '^');
    assert.equal(after.kind, 'key');
    assert.deepEqual(after.presentKeys, ['key']);
  });

  it('counts sequence indexes and ignores comments and flow values', () => {
    const c = locate('spec:\n  rules:\n  # a comment\n  - name: a\n    match: {any: []}\n  - name: b\n    verifyImages:\n    - imageReferences: ["*"]\n    - |');
    assert.deepEqual(c.path, ['spec', 'rules', 1, 'verifyImages', 1]);
  });

  it('treats "- scalar" in a list as a value', () => {
    const c = locate('spec:\n  validationActions:\n    - De|');
    assert.equal(c.kind, 'key', 'a bare word after "- " could still be a key; completion decides from the schema');
    const v = locate('spec:\n  images:\n    - nginx:1.2|');
    assert.equal(v.kind, 'value');
    assert.deepEqual(v.path, ['spec', 'images', 0]);
  });
});
