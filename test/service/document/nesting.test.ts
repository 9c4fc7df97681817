// Nesting is bounded: thousands of nested collections give one clear yaml-syntax error, quickly, and the rest of
// the document is still checked.
import { strict as assert } from 'node:assert';
import { parseYamlFile } from '../../../server/src/service/document/yamlFile';
import { reparseYamlFile } from '../../../server/src/service/document/incremental';
import { boundFlowNesting, MAX_NESTING } from '../../../server/src/service/document/nesting';
import { service, textAt, validate, withCode } from '../../support/service';

const HEAD = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: deep\nspec:\n  rulez: []\n  rules: ';

function check(body: string): { text: string; syntax: ReturnType<typeof validate>; all: ReturnType<typeof validate>; ms: number } {
  const text = `${HEAD}${body}\n`;
  const started = Date.now();
  const all = validate(text);
  return { text, syntax: withCode(all, 'yaml-syntax'), all, ms: Date.now() - started };
}

describe('document/nesting: bounded depth', () => {
  for (const levels of [2_000, 100_000]) {
    it(`reports ${levels.toLocaleString('en-US')} nested flow sequences once, with a clear message, and still checks the rest`, () => {
      const { text, syntax, all, ms } = check('['.repeat(levels) + ']'.repeat(levels));
      assert.equal(syntax.length, 1, JSON.stringify(syntax));
      assert.match(syntax[0].message, /^Nested more than 500 levels deep: Image Trust does not read deeper than that \(Kubernetes' YAML reader stops at 10,000 levels/);
      assert.doesNotMatch(syntax[0].message, /call stack/);
      assert.equal(textAt(text, syntax[0]), '[');
      assert.deepEqual(withCode(all, 'schema-unknown-field').map((d) => textAt(text, d)), ['rulez']);
      assert.ok(ms < 5000, `${ms} ms`);
    });
  }

  it('bounds thousands of compact sequences on one line inside a rule list (the parser itself used to throw)', () => {
    for (const levels of [600, 50_000]) {
      const { text, syntax } = check(`\n    - name: a\n    ${'- '.repeat(levels)}\n    - name: b`);
      assert.equal(syntax.length, 1, `${levels}: ${JSON.stringify(syntax)}`);
      assert.equal(syntax[0].range.start.line, 8);
      assert.equal(textAt(text, syntax[0]), '-');
    }
  });

  it('bounds block nesting the same way (sequences on one line, maps by indentation)', () => {
    const dashes = check(`\n  ${'- '.repeat(3000)}x`);
    assert.equal(dashes.syntax.length, 1);
    assert.match(dashes.syntax[0].message, /^Nested more than 500 levels/);
    const maps = check(`\n${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i + 4)}k${i}:`).join('\n')}`);
    assert.equal(maps.syntax.length, 1);
    assert.equal(maps.syntax[0].range.start.line, 6 + MAX_NESTING - 1);
  });

  it('leaves ordinary nesting, brackets inside strings, comments and plain scalars alone', () => {
    const many = '[a, {b: [c]}], '.repeat(400);
    const text = `a: [${many}]\nb: "${'['.repeat(600)}"\n# ${'['.repeat(600)}\nc: x${'['.repeat(600)}\n`;
    assert.deepEqual(boundFlowNesting(text).cuts, []);
    assert.equal(parseYamlFile('file:///x.yaml', text).docs[0].doc.errors.length, 0);
    const { syntax } = check('['.repeat(MAX_NESTING - 3) + ']'.repeat(MAX_NESTING - 3));
    assert.deepEqual(syntax, [], 'within the bound (two block levels above the flow ones)');
  });

  it('gives the same result after an incremental edit that nests deeply', () => {
    const before = parseYamlFile('file:///x.yaml', `${HEAD}\n    - name: a\n      match: {}\n    - name: b\n`);
    const deep = before.text.replace('match: {}', `match: ${'['.repeat(800)}${']'.repeat(800)}`);
    const { file } = reparseYamlFile(before, deep, 1);
    const full = parseYamlFile('file:///x.yaml', deep);
    assert.deepEqual(file.docs[0].doc.errors.map((e) => [e.pos, e.message]), full.docs[0].doc.errors.map((e) => [e.pos, e.message]));
    assert.equal(full.docs[0].doc.errors.length, 1);
  });

  it('answers hover and completion inside a deep document without failing', async () => {
    const svc = service();
    const text = `${HEAD}${'['.repeat(3000)}${']'.repeat(3000)}\n`;
    const file = svc.parse('file:///x.yaml', text);
    for (const character of [0, 9, 500, 2000, 5000]) {
      svc.doHover(file, { line: 6, character });
      await svc.doComplete(file, { line: 6, character });
    }
  });
});
