import { strict as assert } from 'node:assert';
import { parseYamlFile } from '../../../server/src/service/document/yamlFile';
import { validateAgainstSchema, warmUpSchemaValidators } from '../../../server/src/service/schema/validator';
import { closest, levenshtein } from '../../../server/src/service/schema/suggest';
import { fixture, validate } from '../../support/service';
import { largePolicy } from './largePolicy';

function problems(text: string, docIndex = 0) {
  const file = parseYamlFile('file:///p.yaml', text);
  return validateAgainstSchema(file.docs[docIndex]).map((p) => ({ ...p, text: text.slice(p.offsets[0], p.offsets[1]) }));
}

describe('schema validator', () => {
  it('maps every mistake of the fixture to its exact key or value, one diagnostic each', () => {
    const text = fixture('policies/schema-errors.yaml');
    const found = validate(text)
      .filter((d) => String(d.code).startsWith('schema-'))
      .map((d) => `${d.code} ${d.range.start.line}:${d.range.start.character}`);
    assert.deepEqual(found.sort(), [
      'schema-enum 15:25', // failureAction: enforce
      'schema-enum 28:22', // validationActions: [deny]
      'schema-required 20:20', // secret without namespace
      'schema-type 6:14', // background: "false"
      'schema-unknown-field 14:10', // imageReference
      'schema-unknown-field 53:12', // subjectRegexp
      'schema-value 17:21', // count: 0
    ].sort());
  });

  it('accepts valid documents of every kind and version, following anchors and aliases', () => {
    const diags = validate(fixture('policies/schema-valid.yaml')).filter((d) => String(d.code).startsWith('schema-'));
    assert.deepEqual(diags, []);
  });

  it('exposes path and keyword for other features (completion)', () => {
    const text = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: x}\nspec:\n  rules:\n    - name: r\n      match: {any: [{resources: {kinds: [Pod]}}]}\n      verifyImages:\n        - imageReferences: [a]\n          failureAction: enforce\n';
    const [p, ...rest] = problems(text);
    assert.equal(rest.length, 0);
    assert.equal(p.code, 'schema-enum');
    assert.equal(p.keyword, 'enum');
    assert.deepEqual(p.path, ['spec', 'rules', 0, 'verifyImages', 0, 'failureAction']);
    assert.deepEqual(p.allowed, ['Audit', 'Enforce']);
    assert.equal(p.replacement, 'Enforce');
    assert.equal(p.text, 'enforce');
  });

  it('reports an error inside an aliased node where the alias is used, without crashing', () => {
    const text = [
      'apiVersion: kyverno.io/v1',
      'kind: ClusterPolicy',
      'metadata: {name: x}',
      'x-defaults: &entry',
      '  imageReferences: [a]',
      'spec:',
      '  rules:',
      '    - name: r',
      '      match: {any: [{resources: {kinds: [Pod]}}]}',
      '      verifyImages:',
      '        - *entry',
    ].join('\n');
    const found = problems(text);
    assert.deepEqual(found.map((p) => [p.code, p.text]), [['schema-unknown-field', 'x-defaults']]);
  });

  it('stays quiet inside a region with a YAML syntax error (yaml-syntax reports it)', () => {
    const text = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: x}\nspec:\n  rules: [unclosed\n';
    const schema = validate(text).filter((d) => String(d.code).startsWith('schema-'));
    assert.deepEqual(schema, []);
  });

  it('has no schema for kyverno.io versions it does not know, except the hint on apiVersion', () => {
    const text = 'apiVersion: kyverno.io/v2\nkind: ClusterPolicy\nmetadata: {name: x}\nspec:\n  rules:\n    - bogus: 1\n';
    assert.deepEqual(problems(text).map((p) => [p.code, p.text]), [['schema-enum', 'kyverno.io/v2']]);
  });

  it('caches per parsed document', () => {
    const file = parseYamlFile('file:///p.yaml', 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: x}\nspec:\n  bogus: 1\n');
    assert.equal(validateAgainstSchema(file.docs[0]), validateAgainstSchema(file.docs[0]));
  });

  // Speed is measured by `npm run bench`; this checks the large policy's findings only.
  it('validates a 2,000-line policy with 50 verifyImages rules, finding exactly the injected typos', function () {
    const clean = largePolicy(50);
    const typos = largePolicy(50, { typo: true });
    assert.ok(clean.split('\n').length >= 2000);
    assert.equal(validateAgainstSchema(parseYamlFile('clean', clean).docs[0]).length, 0);
    assert.equal(validateAgainstSchema(parseYamlFile('typos', typos).docs[0]).length, 10);
  });
});

describe('did-you-mean', () => {
  it('prefers case, then singular/plural, then small edit distance', () => {
    assert.equal(closest('enforce', ['Audit', 'Enforce']), 'Enforce');
    assert.equal(closest('imageReference', ['image', 'imageReferences', 'imageRegistryCredentials']), 'imageReferences');
    assert.equal(closest('atestors', ['attestors', 'attestations']), 'attestors');
    assert.equal(closest('banana', ['attestors', 'attestations']), undefined);
    assert.equal(closest('ab', ['xy']), undefined);
  });

  it('computes edit distance with an early exit', () => {
    assert.equal(levenshtein('kitten', 'sitting'), 3);
    assert.equal(levenshtein('kitten', 'sitting', 1), 2);
  });
});

describe('schema validator warm-up', () => {
  it('compiles every bundled schema without error', () => {
    warmUpSchemaValidators();
  });
});

describe('schema validator and YAML merge keys', () => {
  const text = [
    'apiVersion: kyverno.io/v1',
    'kind: ClusterPolicy',
    'metadata: {name: x}',
    'spec:',
    '  rules:',
    '    - &base',
    '      name: r',
    '      match: {any: [{resources: {kinds: [Pod]}}]}',
    '      verifyImages:',
    '        - imageReferences: [a]',
    '    - <<: *base',
    '      name: r2',
  ].join('\n');

  it('expands `<<` like kubectl does instead of calling it an unknown field', () => {
    assert.deepEqual(problems(text), []);
  });

  it('puts a problem that comes through a merge on the `<<` key', () => {
    const bad = text.replace('imageReferences: [a]', 'imageReferences: [a]\n          mutateDigest: "no"');
    const found = problems(bad).map((p) => [p.code, p.text, p.path.join('.')]);
    assert.deepEqual(found, [
      ['schema-type', '"no"', 'spec.rules.0.verifyImages.0.mutateDigest'],
      // The second rule's copy: its own YAML has no such node, so the merge key carries it.
      ['schema-type', '<<', 'spec.rules.1.verifyImages.0.mutateDigest'],
    ]);
  });
});
