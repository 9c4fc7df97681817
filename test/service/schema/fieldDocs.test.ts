import { strict as assert } from 'node:assert';
import { docFor, DocFamily, pathPattern } from '../../../server/src/service/schema/fieldDocs';
import { allSchemas, JsonSchema } from '../../../server/src/service/schema/schemaStore';

/** Every named property below `schema`, as path patterns (`[]` for items, `*` for free map keys). */
function propertyPatterns(schema: JsonSchema, prefix: string, out: string[] = []): string[] {
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const p = prefix ? `${prefix}.${name}` : name;
    out.push(p);
    propertyPatterns(child, p, out);
  }
  if (schema.items) propertyPatterns(schema.items, `${prefix}[]`, out);
  if (typeof schema.additionalProperties === 'object') propertyPatterns(schema.additionalProperties, `${prefix}.*`, out);
  return out;
}

const schemaById = (id: string) => allSchemas.find((s) => s.id === id)!.schema;
const at = (schema: JsonSchema, ...steps: string[]) =>
  steps.reduce<JsonSchema>((s, step) => (step === '[]' ? s.items! : s.properties![step]), schema);

describe('field docs', () => {
  for (const id of ['kyverno-policy.v1.json', 'kyverno-policy.v2beta1.json']) {
    it(`documents every property under verifyImages in ${id}`, () => {
      const verifyImages = at(schemaById(id), 'spec', 'rules', '[]', 'verifyImages');
      const patterns = propertyPatterns(verifyImages, 'spec.rules[].verifyImages').filter((p) => !p.includes('.*'));
      assert.ok(patterns.length > 80, `only ${patterns.length} properties found`);
      const missing = patterns.filter((p) => !docFor('kyverno-policy', p));
      assert.deepEqual(missing, []);
    });

    it(`documents the top-level and spec-level fields of ${id}`, () => {
      const schema = schemaById(id);
      const names = [
        ...Object.keys(schema.properties!),
        ...Object.keys(at(schema, 'spec').properties!).map((k) => `spec.${k}`),
        ...Object.keys(at(schema, 'spec', 'rules', '[]').properties!).map((k) => `spec.rules[].${k}`),
      ];
      assert.deepEqual(names.filter((p) => !docFor('kyverno-policy', p)), []);
    });
  }

  const mainFields: [DocFamily, string, string[]][] = [
    ['image-validating-policy', 'image-validating-policy.json', ['spec']],
    ['cluster-image-policy', 'cluster-image-policy.json', ['spec']],
  ];
  for (const [family, id, roots] of mainFields) {
    it(`documents every spec field of ${family} (two levels deep, plus attestors/authorities)`, () => {
      const schema = schemaById(id);
      const patterns = propertyPatterns(at(schema, ...roots), 'spec').filter((p) => !p.includes('.*'));
      const important = patterns.filter((p) => p.split('.').length <= 3 || /^spec\.(attestors|authorities)\[\]/.test(p));
      assert.deepEqual(important.filter((p) => !docFor(family, p) && !/\.(matchExpressions|matchLabels)/.test(p)), []);
    });
  }

  it('reuses the attestor docs for attestations, nested attestors and every rekor/ctlog block', () => {
    const direct = docFor('kyverno-policy', 'spec.rules[].verifyImages[].attestors[].entries[].keyless.subject');
    assert.ok(direct && /wildcard/i.test(direct.text));
    assert.equal(docFor('kyverno-policy', 'spec.rules[].verifyImages[].attestations[].attestors[].entries[].keyless.subject'), direct);
    assert.equal(docFor('kyverno-policy', 'spec.rules[].verifyImages[].attestors[].entries[].attestor.entries[].keyless.subject'), direct);
    const rekorUrl = docFor('kyverno-policy', 'spec.rules[].verifyImages[].attestors[].entries[].keys.rekor.url');
    assert.ok(rekorUrl);
    assert.equal(docFor('kyverno-policy', 'spec.rules[].verifyImages[].attestors[].entries[].keyless.rekor.url'), rekorUrl);
    assert.equal(docFor('kyverno-policy', 'spec.rules[].verifyImages[].attestors[].entries[].certificates.rekor.url'), rekorUrl);
  });

  it('looks up concrete paths with indexes and imageExtractors kinds', () => {
    assert.equal(pathPattern(['spec', 'rules', 0, 'imageExtractors', 'TaskRun', 1, 'path']), 'spec.rules[].imageExtractors.*[].path');
    assert.ok(docFor('kyverno-policy', ['spec', 'rules', 0, 'imageExtractors', 'TaskRun', 1, 'path']));
    const fa = docFor('kyverno-policy', ['spec', 'rules', 2, 'verifyImages', 0, 'failureAction']);
    assert.ok(fa && /mutateDigest: false/.test(fa.text));
  });

  it('marks deprecated fields with their replacement', () => {
    assert.match(docFor('kyverno-policy', 'spec.rules[].verifyImages[].image')!.deprecated!, /imageReferences/);
    assert.match(docFor('kyverno-policy', 'spec.validationFailureAction')!.deprecated!, /failureAction/);
    assert.equal(docFor('kyverno-policy', 'spec.rules[].verifyImages[].imageReferences')!.deprecated, undefined);
  });

  it('has no doc for unknown paths', () => {
    assert.equal(docFor('kyverno-policy', 'spec.nonsense'), undefined);
    assert.equal(docFor('cluster-image-policy', 'spec.rules'), undefined);
  });
});
