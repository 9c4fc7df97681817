// The schema validators are ajv standalone code generated ahead of time (scripts/generate-validators.mjs).
// These tests prove they behave exactly like compiling the schemas at run time, and that the committed
// code matches the committed schemas.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { parseYamlFile } from '../../../server/src/service/document/yamlFile';
import { allSchemas, SchemaEntry, schemaForDoc } from '../../../server/src/service/schema/schemaStore';
import { generatedSchemaIds, loadValidator } from '../../../server/src/service/schema/generated';
import { FIXTURES } from '../../support/service';
import { largePolicy } from './largePolicy';

// The options validator.ts compiled with before the code was generated: the reference behaviour.
const RUNTIME_OPTIONS = { allErrors: true, strict: false, verbose: true, validateSchema: false };

interface Generator {
  AJV_OPTIONS: Record<string, unknown>;
  OUT_DIR: string;
  generateValidators(): Map<string, string>;
}

// The generator is an ES module script; load it the way node runs it.
const loadGenerator = () => import(path.join(__dirname, '..', '..', '..', 'scripts', 'generate-validators.mjs')) as Promise<Generator>;

describe('generated schema validators', () => {
  it('exist for every bundled schema, and only for those', () => {
    assert.deepEqual([...generatedSchemaIds].sort(), allSchemas.map((e) => e.id).sort());
    for (const entry of allSchemas) assert.equal(typeof loadValidator(entry.id), 'function', entry.id);
    assert.equal(loadValidator('no-such-schema.json'), undefined);
    assert.equal(loadValidator('toString'), undefined);
  });

  it('are up to date with schemas/*.json (run `npm run generate-schemas` if not)', async function () {
    this.timeout(120_000); // compiles every schema once
    const { AJV_OPTIONS, OUT_DIR, generateValidators } = await loadGenerator();
    assert.deepEqual({ ...AJV_OPTIONS }, RUNTIME_OPTIONS);
    const expected = generateValidators();
    assert.deepEqual(fs.readdirSync(OUT_DIR).sort(), [...expected.keys()].sort(), 'generated files');
    for (const [name, content] of expected) {
      assert.ok(fs.readFileSync(path.join(OUT_DIR, name), 'utf8') === content, `${name} is stale: run \`npm run generate-schemas\``);
    }
  });

  describe('give the same errors as validators compiled at run time', function () {
    this.timeout(120_000);
    const runtime = new Map<string, ValidateFunction>();
    let ajv: Ajv;
    before(() => {
      ajv = new Ajv(RUNTIME_OPTIONS);
    });
    const runtimeValidator = (entry: SchemaEntry) => {
      let fn = runtime.get(entry.id);
      if (!fn) runtime.set(entry.id, (fn = ajv.compile(entry.schema)));
      return fn;
    };

    /** Validates `data` with both and compares everything, down to the schema objects errors point at. */
    function compare(entry: SchemaEntry, data: unknown, label: string): ErrorObject[] {
      const generated = loadValidator(entry.id)!;
      const reference = runtimeValidator(entry);
      const ok = reference(data);
      const expected = reference.errors ?? null;
      assert.equal(generated(data), ok, `${label}: result`);
      const actual = generated.errors ?? null;
      assert.deepStrictEqual(actual, expected, `${label}: errors`);
      // Same identity, not just equal: the messages read sub-schemas from schemaStore's objects.
      actual?.forEach((err, i) => {
        assert.equal(err.parentSchema, expected![i].parentSchema, `${label}: parentSchema of error ${i}`);
        assert.equal(err.data, expected![i].data, `${label}: data of error ${i}`);
      });
      return expected ?? [];
    }

    function policyDocs(text: string) {
      return parseYamlFile('file:///p.yaml', text)
        .docs.map((doc) => ({ doc, entry: schemaForDoc(doc) }))
        .filter((d): d is typeof d & { entry: SchemaEntry } => !!d.entry)
        .flatMap(({ doc, entry }) => {
          try {
            return [{ entry, data: doc.doc.toJS({ maxAliasCount: 1000 }) as unknown }];
          } catch {
            return []; // a broken alias: validator.ts does not validate such a document either
          }
        });
    }

    const fixtureFiles = fs.readdirSync(path.join(FIXTURES, 'policies')).filter((f) => /\.ya?ml$/.test(f)).sort();

    it('on every fixture policy as written', () => {
      const kinds = new Set<string>();
      let docs = 0;
      let errors = 0;
      for (const file of fixtureFiles) {
        policyDocs(fs.readFileSync(path.join(FIXTURES, 'policies', file), 'utf8')).forEach(({ entry, data }, i) => {
          kinds.add(entry.id);
          docs++;
          errors += compare(entry, data, `${file}#${i}`).length;
        });
      }
      // The fixtures must exercise every schema and some errors, or this test proves little.
      assert.deepEqual([...kinds].sort(), allSchemas.map((e) => e.id).sort());
      assert.ok(docs >= 20, `only ${docs} policy documents`);
      assert.ok(errors >= 5, `only ${errors} errors`);
    });

    it('on broken variants of every fixture policy (wrong types, unknown and missing fields, bad values)', () => {
      const keywords = new Set<string>();
      let variants = 0;
      for (const file of fixtureFiles) {
        policyDocs(fs.readFileSync(path.join(FIXTURES, 'policies', file), 'utf8')).forEach(({ entry, data }, i) => {
          for (const [what, broken] of brokenVariants(data, 150)) {
            variants++;
            for (const err of compare(entry, broken, `${file}#${i} ${what}`)) keywords.add(err.keyword);
          }
        });
      }
      assert.ok(variants >= 1000, `only ${variants} variants`);
      for (const k of ['additionalProperties', 'type', 'enum', 'required']) assert.ok(keywords.has(k), `no ${k} error among the variants`);
    });

    it('on a 2,000-line policy with and without typos, and on non-object documents', () => {
      const v1 = allSchemas.find((e) => e.id === 'kyverno-policy.v1.json')!;
      for (const typo of [false, true]) {
        const [{ data }] = policyDocs(largePolicy(50, { typo }));
        const errors = compare(v1, data, `large policy typo=${typo}`);
        assert.equal(errors.length > 0, typo);
      }
      for (const entry of allSchemas) {
        for (const data of [null, 'text', 42, [], [{}], {}]) compare(entry, data, `${entry.id} ${JSON.stringify(data)}`);
      }
    });
  });
});

/**
 * Deterministic broken copies of a policy's data: at each of up to `limit` places, the value replaced by
 * each JSON type (and out-of-range or unknown values), an unknown field added, or a field removed.
 */
function brokenVariants(data: unknown, limit: number): [string, unknown][] {
  const out: [string, unknown][] = [];
  const replacements: unknown[] = ['not-a-known-value', '', -1, 0, 2.5, true, null, [], ['x'], [{}], {}, { bogusField: 1 }];
  const places: (string | number)[][] = [];
  const walk = (value: unknown, at: (string | number)[]) => {
    if (places.length >= limit) return;
    places.push(at);
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...at, i]));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
  };
  walk(data, []);
  for (const at of places) {
    const value = get(data, at);
    for (const r of replacements) out.push([`${at.join('.')} = ${JSON.stringify(r)}`, set(data, at, () => r)]);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      out.push([`${at.join('.')} + bogusField`, set(data, at, (v) => ({ ...(v as object), bogusField: 'x' }))]);
      for (const key of Object.keys(value)) {
        out.push([`${at.join('.')} - ${key}`, set(data, at, (v) => {
          const copy = { ...(v as Record<string, unknown>) };
          delete copy[key];
          return copy;
        })]);
      }
    }
  }
  return out;
}

function get(data: unknown, at: (string | number)[]): unknown {
  return at.reduce<unknown>((v, step) => (v as Record<string | number, unknown>)[step], data);
}

/** A copy of `data` (sharing untouched branches) with the value at `at` replaced by `change(old)`. */
function set(data: unknown, at: (string | number)[], change: (old: unknown) => unknown): unknown {
  if (at.length === 0) return change(data);
  const [step, ...rest] = at;
  const copy = (Array.isArray(data) ? [...data] : { ...(data as object) }) as Record<string | number, unknown>;
  copy[step] = set(copy[step], rest, change);
  return copy;
}
