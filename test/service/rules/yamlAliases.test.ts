import { strict as assert } from 'node:assert';
import { textAt, validate, withCode, yaml } from '../../support/service';

/** A ClusterPolicy with a typo (`rulez`) and, under `metadata.annotations`, a billion-laughs bomb. */
function bombPolicy(levels: number): string {
  const lines = ['apiVersion: kyverno.io/v1', 'kind: ClusterPolicy', 'metadata:', '  name: bomb', '  annotations:'];
  lines.push('    l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]');
  for (let i = 1; i <= levels; i++) lines.push(`    l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]`);
  lines.push('spec:', '  rulez: []', '');
  return lines.join('\n');
}

describe('rule yaml-excessive-aliasing', () => {
  it('says Kubernetes refuses a billion-laughs document, on the alias that expands most, and still checks the schema', () => {
    const text = bombPolicy(8);
    const started = Date.now();
    const found = validate(text);
    assert.ok(Date.now() - started < 3000, `validation took ${Date.now() - started} ms`);
    const [bomb, ...more] = withCode(found, 'yaml-excessive-aliasing');
    assert.equal(more.length, 0);
    assert.equal(bomb.severity, 1);
    assert.equal(textAt(text, bomb), '*l7');
    assert.equal(bomb.range.start.line, 13);
    assert.match(bomb.message, /Kubernetes refuses this document: its aliases expand to [\d,]+ nodes, 100% of the/);
    assert.deepEqual(withCode(found, 'schema-unknown-field').map((d) => textAt(text, d)), ['rulez'], 'the typo beside the bomb');
  });

  it('stays quiet on documents that alias within what Kubernetes accepts, and validates their expanded data', () => {
    // 1,200 aliases: more than the YAML library's default limit (which used to switch the schema checks off
    // silently), and well within Kubernetes' ratio.
    const annotations = Array.from({ length: 1200 }, (_, i) => `    team-${i}: *owner`).join('\n');
    const text = [
      'apiVersion: kyverno.io/v1',
      'kind: ClusterPolicy',
      'metadata:',
      '  name: many-aliases',
      '  labels:',
      '    owner: &owner platform',
      '    flags: &flags [a, b]',
      '  annotations:',
      annotations,
      'spec:',
      '  background: *flags',
      '  rules: []',
      '',
    ].join('\n');
    const found = validate(text);
    assert.deepEqual(withCode(found, 'yaml-excessive-aliasing'), []);
    assert.deepEqual(withCode(found, 'schema-type').map((d) => d.message.split('. ')[0]), ['`spec.background` must be `true` or `false`, not a list']);
  });
});

describe('rule yaml-unknown-alias', () => {
  it('reports an alias whose anchor is missing or comes later, on the alias, and validates the rest', () => {
    const text = yaml`
      apiVersion: kyverno.io/v1
      kind: ClusterPolicy
      metadata:
        name: later
      spec:
        background: *flag
        admission: &flag false
        rulez: []
    `;
    const found = validate(text);
    assert.deepEqual(withCode(found, 'yaml-unknown-alias').map((d) => textAt(text, d)), ['*flag']);
    assert.deepEqual(withCode(found, 'schema-unknown-field').map((d) => textAt(text, d)), ['rulez']);
  });

  it('does not report an alias defined before its use', () => {
    const text = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: ok\nspec:\n  admission: &flag true\n  background: *flag\n  rules: []\n';
    assert.deepEqual(withCode(validate(text), 'yaml-unknown-alias'), []);
  });
});
