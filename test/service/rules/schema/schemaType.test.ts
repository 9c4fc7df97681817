import { strict as assert } from 'node:assert';
import { textAt, validate, withCode, yaml } from '../../../support/service';

/** A ClusterPolicy whose one verifyImages entry has these lines (each at the entry's indentation). */
const policy = (...entryLines: string[]) =>
  [
    'apiVersion: kyverno.io/v1',
    'kind: ClusterPolicy',
    'metadata:',
    '  name: check-images',
    'spec:',
    '  rules:',
    '    - name: verify',
    '      match:',
    '        any:',
    '          - resources:',
    '              kinds: [Pod]',
    '      verifyImages:',
    ...entryLines.map((l, i) => (i === 0 ? '        - ' : '          ') + l),
    '',
  ].join('\n');

describe('rule schema-type', () => {
  it('reports a string where a list of strings is expected, on the value, with the corrected YAML', () => {
    const text = policy('imageReferences: ghcr.io/org/*');
    const [d, ...rest] = withCode(validate(text), 'schema-type');
    assert.equal(rest.length, 0);
    assert.equal(d.severity, 1);
    assert.equal(textAt(text, d), 'ghcr.io/org/*');
    assert.match(d.message, /must be a list of strings, not a string/);
    assert.match(d.message, /`imageReferences: \["ghcr\.io\/org\/\*"\]`/);
  });

  it('reports a quoted boolean and says to remove the quotes', () => {
    const text = policy('imageReferences: ["ghcr.io/org/*"]', 'mutateDigest: "false"');
    const [d] = withCode(validate(text), 'schema-type');
    assert.equal(textAt(text, d), '"false"');
    assert.match(d.message, /`true` or `false`, not a quoted string/);
    assert.match(d.message, /`mutateDigest: false`/);
  });

  it('reports a number inside a list of strings on that item', () => {
    const text = policy('imageReferences: ["ghcr.io/org/*", 5]');
    const [d] = withCode(validate(text), 'schema-type');
    assert.equal(textAt(text, d), '5');
    assert.match(d.message, /`verifyImages\[0\]\.imageReferences\[1\]` must be a string, not a number/);
    assert.match(d.message, /`- "5"`/);
  });

  it('reports a map where a list is expected on its key', () => {
    const text = policy('imageReferences: ["ghcr.io/org/*"]', 'attestors:', '  entries: []');
    const [d] = withCode(validate(text), 'schema-type');
    assert.equal(textAt(text, d), 'attestors');
    assert.match(d.message, /must be a list of maps, not a map/);
    assert.match(d.message, /`- `/);
  });

  it('gives a single diagnostic for an empty `spec:` being typed, and no type error', () => {
    const text = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: x\nspec:\n';
    const diags = validate(text).filter((d) => String(d.code).startsWith('schema-'));
    assert.equal(diags.length, 1, JSON.stringify(diags));
    assert.equal(diags[0].code, 'schema-required');
    assert.equal(textAt(text, diags[0]), 'spec');
  });

  it('does not report empty values or list items the user is still typing', () => {
    const text = policy('imageReferences:', 'attestors:', '  -', 'mutateDigest:');
    assert.deepEqual(withCode(validate(text), 'schema-type'), []);
  });

  it('does not report well-typed values', () => {
    const text = policy('imageReferences: ["ghcr.io/org/*"]', 'mutateDigest: false', 'required: true');
    assert.deepEqual(withCode(validate(text), 'schema-type'), []);
  });
});
