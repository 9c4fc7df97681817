// Checks Kyverno runs on the policy as a whole: metadata, spec flags, rule shape and match blocks.
import { strict as assert } from 'node:assert';
import { entry, found, KEY_ATTESTORS, rulesPolicy, verifyPolicy } from './helpers';

const VERIFY_ENTRY = entry(`imageReferences: ["ghcr.io/acme/*"]\n${KEY_ATTESTORS}`);

/** A validate rule named `name`, matching Pods. */
function validateRule(name: string, extra = ''): string {
  return [
    `- name: ${name}`,
    '  match:',
    '    any:',
    '      - resources:',
    '          kinds: [Pod]',
    '  validate:',
    '    message: team label required',
    '    pattern: {metadata: {labels: {team: "?*"}}}',
    extra,
  ].filter(Boolean).join('\n');
}

/** A rule with the given body lines (dedented, after `- name: r`). */
function rule(body: string, name = 'r'): string {
  return [`- name: ${name}`, ...body.split('\n').map((l) => `  ${l}`)].join('\n');
}

describe('admission rules on the policy shape', () => {
  describe('policy-duplicate-rule-name', () => {
    const CODE = 'policy-duplicate-rule-name';
    it('reports the second and later repetitions on their name value', () => {
      const text = rulesPolicy([validateRule('labels'), validateRule('labels'), validateRule('other'), validateRule('labels')].join('\n'));
      const ds = found(text, CODE);
      assert.deepEqual(ds.map((d) => d.text), ['labels', 'labels']);
      assert.equal(ds[0].severity, 1);
      assert.equal(ds[0].diagnostic.range.start.line, text.split('\n').findIndex((l, i) => i > 8 && l.includes('- name: labels')));
      assert.match(ds[0].message, /already named "labels"/);
    });
    it('accepts distinct names', () => {
      assert.deepEqual(found(rulesPolicy([validateRule('a'), validateRule('b')].join('\n')), CODE), []);
    });
  });

  describe('policy-rule-operation', () => {
    const CODE = 'policy-rule-operation';
    it('reports a rule without operation and one with two, on the name value', () => {
      const none = rulesPolicy(rule('match:\n  any:\n    - resources: {kinds: [Pod]}\nverifyImages: []', 'empty-rule'));
      const [d] = found(none, CODE);
      assert.equal(d.text, 'empty-rule');
      assert.equal(d.severity, 1);
      assert.match(d.message, /defines no operation/);
      const two = rulesPolicy(validateRule('both', `  verifyImages:\n${VERIFY_ENTRY.split('\n').map((l) => '    ' + l).join('\n')}`));
      const [m] = found(two, CODE);
      assert.equal(m.text, 'both');
      assert.match(m.message, /validate and verifyImages/);
    });
    it('counts validate: {} as an operation in v1 (CRD default), not in v2beta1', () => {
      const emptyValidate = rule('match:\n  any:\n    - resources: {kinds: [Pod]}\nvalidate: {}', 'v');
      assert.deepEqual(found(rulesPolicy(emptyValidate), CODE), []);
      assert.equal(found(rulesPolicy(emptyValidate, { apiVersion: 'kyverno.io/v2beta1' }), CODE).length, 1);
    });
    it('accepts one operation', () => {
      assert.deepEqual(found(verifyPolicy(VERIFY_ENTRY), CODE), []);
      assert.deepEqual(found(rulesPolicy(validateRule('v')), CODE), []);
    });
  });

  describe('policy-wildcard-kind', () => {
    const CODE = 'policy-wildcard-kind';
    const wildcardVerify = (spec: string) => rulesPolicy([
      '- name: all-kinds',
      '  match:',
      '    any:',
      '      - resources:',
      '          kinds: ["*"]',
      '  verifyImages:',
      ...VERIFY_ENTRY.split('\n').map((l) => '    ' + l),
    ].join('\n'), { spec });
    it('reports "*" in a verifyImages rule on the item, even with background off', () => {
      const [d] = found(wildcardVerify('validationFailureAction: Enforce\nbackground: false'), CODE);
      assert.equal(d.text, '"*"');
      assert.equal(d.severity, 1);
      assert.match(d.message, /wildcard kind in a verifyImages rule/);
    });
    it('reports "*" in other rules only in background mode or next to other kinds', () => {
      const metadataOnly = (kinds: string, spec: string) => rulesPolicy(rule(
        `match:\n  any:\n    - resources:\n        kinds: ${kinds}\nvalidate:\n  pattern: {metadata: {labels: {team: "?*"}}}`), { spec });
      assert.match(found(metadataOnly('["*"]', 'validationFailureAction: Enforce'), CODE)[0]?.message ?? '', /background is true/);
      assert.match(found(metadataOnly('["*", Pod]', 'background: false'), CODE)[0]?.message ?? '', /together with other kinds/);
      assert.deepEqual(found(metadataOnly('["*"]', 'background: false'), CODE), []);
    });
    it('accepts explicit kinds', () => {
      assert.deepEqual(found(verifyPolicy(VERIFY_ENTRY), CODE), []);
    });
  });

  describe('policy-admission-disabled', () => {
    const CODE = 'policy-admission-disabled';
    it('reports admission: false with a verifyImages rule on the value', () => {
      const [d] = found(verifyPolicy(VERIFY_ENTRY, { spec: 'validationFailureAction: Enforce\nadmission: false' }), CODE);
      assert.equal(d.text, 'false');
      assert.equal(d.severity, 1);
      assert.match(d.message, /this policy has verifyImages rules/);
    });
    it('reports admission and background both off, whatever the rules', () => {
      const [d] = found(rulesPolicy(validateRule('v'), { spec: 'admission: false\nbackground: false' }), CODE);
      assert.match(d.message, /both disabled/);
    });
    it('accepts admission: false for validate-only policies with background on', () => {
      assert.deepEqual(found(rulesPolicy(validateRule('v'), { spec: 'admission: false' }), CODE), []);
      assert.deepEqual(found(verifyPolicy(VERIFY_ENTRY, { spec: 'admission: true\nbackground: false' }), CODE), []);
    });
  });

  describe('policy-extractor-jmespath-mutate and policy-imageextractors-without-verifyimages', () => {
    const extractorRule = (entryBody: string, withVerify = true) => rulesPolicy([
      '- name: taskruns',
      '  match:',
      '    any:',
      '      - resources:',
      '          kinds: [TaskRun]',
      '  imageExtractors:',
      '    TaskRun:',
      '      - path: /spec/steps/*/image',
      "        jmesPath: \"trim_prefix(@, 'docker://')\"",
      ...(withVerify
        ? ['  verifyImages:', ...entry(entryBody).split('\n').map((l) => '    ' + l)]
        : ['  validate:', '    pattern: {metadata: {name: "?*"}}']),
    ].join('\n'));
    it('reports jmesPath while an entry mutates digests by default, on the jmesPath key', () => {
      const [d] = found(extractorRule(`imageReferences: ["*"]\n${KEY_ATTESTORS}`), 'policy-extractor-jmespath-mutate');
      assert.equal(d.text, 'jmesPath');
      assert.equal(d.severity, 1);
      assert.match(d.message, /mutateDigest defaults to true/);
    });
    it('accepts jmesPath when every entry sets mutateDigest: false', () => {
      assert.deepEqual(found(extractorRule(`imageReferences: ["*"]\nmutateDigest: false\n${KEY_ATTESTORS}`), 'policy-extractor-jmespath-mutate'), []);
    });
    it('reports imageExtractors in a rule without verifyImages, and not in a verifyImages rule', () => {
      const [d] = found(extractorRule('', false), 'policy-imageextractors-without-verifyimages');
      assert.equal(d.text, 'imageExtractors');
      assert.equal(d.severity, 1);
      assert.deepEqual(found(extractorRule(`imageReferences: ["*"]\n${KEY_ATTESTORS}`), 'policy-imageextractors-without-verifyimages'), []);
    });
  });

  describe('policy-clusterpolicy-namespace', () => {
    const CODE = 'policy-clusterpolicy-namespace';
    it('warns about metadata.namespace on a ClusterPolicy, on the key', () => {
      const [d] = found(verifyPolicy(VERIFY_ENTRY, { metadata: 'name: p\nnamespace: team-a' }), CODE);
      assert.equal(d.text, 'namespace');
      assert.equal(d.severity, 2);
      assert.match(d.message, /change kind to Policy/);
    });
    it('accepts a namespace on a Policy', () => {
      assert.deepEqual(found(verifyPolicy(VERIFY_ENTRY, { kind: 'Policy', metadata: 'name: p\nnamespace: team-a' }), CODE), []);
    });
  });

  describe('policy-name-too-long', () => {
    const CODE = 'policy-name-too-long';
    it('reports a name over 63 bytes on its value', () => {
      const name = 'n'.repeat(64);
      const [d] = found(verifyPolicy(VERIFY_ENTRY, { metadata: `name: ${name}` }), CODE);
      assert.equal(d.text, name);
      assert.equal(d.severity, 1);
      assert.match(d.message, /64 bytes/);
    });
    it('accepts exactly 63 bytes', () => {
      assert.deepEqual(found(verifyPolicy(VERIFY_ENTRY, { metadata: `name: ${'n'.repeat(63)}` }), CODE), []);
    });
  });

  describe('policy-autogen-all', () => {
    const CODE = 'policy-autogen-all';
    const withAnnotation = (value: string) => verifyPolicy(VERIFY_ENTRY, {
      metadata: `name: p\nannotations:\n  pod-policies.kyverno.io/autogen-controllers: ${value}`,
    });
    it('reports the value all', () => {
      const [d] = found(withAnnotation('all'), CODE);
      assert.equal(d.text, 'all');
      assert.equal(d.severity, 1);
    });
    it('accepts none and controller lists', () => {
      assert.deepEqual(found(withAnnotation('none'), CODE), []);
      assert.deepEqual(found(withAnnotation('Deployment,StatefulSet'), CODE), []);
    });
  });

  describe('policy-match-kinds-required', () => {
    const CODE = 'policy-match-kinds-required';
    it('reports any items and legacy resources without kinds', () => {
      const anyNoKinds = rulesPolicy(rule('match:\n  any:\n    - resources:\n        namespaces: [prod]\nvalidate:\n  pattern: {metadata: {name: "?*"}}'));
      const [d] = found(anyNoKinds, CODE);
      assert.equal(d.text, 'resources');
      assert.equal(d.severity, 1);
      const subjectsOnly = rulesPolicy(rule('match:\n  any:\n    - subjects: [{kind: User, name: alice}]\nvalidate:\n  pattern: {metadata: {name: "?*"}}'));
      assert.equal(found(subjectsOnly, CODE)[0]?.text, 'subjects');
      const legacy = rulesPolicy(rule('match:\n  resources:\n    kinds: []\nvalidate:\n  pattern: {metadata: {name: "?*"}}'));
      assert.equal(found(legacy, CODE)[0]?.text, 'resources');
    });
    it('accepts kinds in every match item, and exclude blocks without kinds', () => {
      const ok = rulesPolicy(rule('match:\n  any:\n    - resources: {kinds: [Pod]}\nexclude:\n  any:\n    - resources: {namespaces: [kube-system]}\nvalidate:\n  pattern: {metadata: {name: "?*"}}'));
      assert.deepEqual(found(ok, CODE), []);
    });
  });

  describe('policy-match-any-all', () => {
    const CODE = 'policy-match-any-all';
    it('reports all next to any, and resources next to any', () => {
      const both = rulesPolicy(rule('match:\n  any:\n    - resources: {kinds: [Pod]}\n  all:\n    - resources: {namespaces: [prod]}\nvalidate:\n  pattern: {metadata: {name: "?*"}}'));
      const [d] = found(both, CODE);
      assert.equal(d.text, 'all');
      assert.equal(d.severity, 1);
      const mixed = rulesPolicy(rule('match:\n  resources:\n    kinds: [Pod]\n  any:\n    - resources: {kinds: [Pod]}\nvalidate:\n  pattern: {metadata: {name: "?*"}}'));
      assert.equal(found(mixed, CODE)[0]?.text, 'resources');
      const excludeBoth = rulesPolicy(rule('match:\n  any:\n    - resources: {kinds: [Pod]}\nexclude:\n  any:\n    - resources: {namespaces: [a]}\n  all:\n    - resources: {namespaces: [b]}\nvalidate:\n  pattern: {metadata: {name: "?*"}}'));
      assert.match(found(excludeBoth, CODE)[0]?.message ?? '', /exclude uses both any and all/);
    });
    it('accepts a single form', () => {
      assert.deepEqual(found(verifyPolicy(VERIFY_ENTRY), CODE), []);
      assert.deepEqual(found(rulesPolicy(rule('match:\n  resources:\n    kinds: [Pod]\nvalidate:\n  pattern: {metadata: {name: "?*"}}')), CODE), []);
    });
  });
});
