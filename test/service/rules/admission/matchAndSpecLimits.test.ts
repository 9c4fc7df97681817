// Kyverno 1.19 admission checks on match/exclude blocks, namespaced Policies and webhook settings.
import { strict as assert } from 'node:assert';
import { entry, found, KEY_ATTESTORS, rulesPolicy, verifyPolicy } from './helpers';

const VERIFY_ENTRY = entry(`imageReferences: ["ghcr.io/acme/*"]\n${KEY_ATTESTORS}`);

/** A verifyImages rule with the given match/exclude lines (dedented, under the rule). */
function filtered(blocks: string): string {
  return [
    '- name: verify',
    ...blocks.split('\n').map((l) => `  ${l}`),
    '  verifyImages:',
    ...VERIFY_ENTRY.split('\n').map((l) => `    ${l}`),
  ].join('\n');
}

describe('admission rules on match blocks, namespaced policies and webhooks', () => {
  describe('policy-match-variables', () => {
    const CODE = 'policy-match-variables';
    it('reports each variable in match or exclude, in values and keys, on the variable', () => {
      const text = rulesPolicy(filtered([
        'match:',
        '  any:',
        '    - resources:',
        '        kinds: [Pod]',
        '        names: ["web-{{ request.object.metadata.name }}"]',
        'exclude:',
        '  all:',
        '    - resources:',
        '        selector:',
        '          matchLabels:',
        '            "{{ element.key }}": "yes"',
      ].join('\n')));
      const hits = found(text, CODE);
      assert.deepEqual(hits.map((h) => h.text), ['{{ request.object.metadata.name }}', '{{ element.key }}']);
      assert.match(hits[0].message, /should not have variables in its match section/);
      assert.match(hits[1].message, /exclude section/);
      assert.ok(hits.every((h) => h.severity === 1));
    });

    it('accepts escaped braces, wildcards and variables elsewhere in the rule', () => {
      const text = rulesPolicy(filtered([
        'match:',
        '  any:',
        '    - resources:',
        '        kinds: [Pod]',
        '        names: ["web-*", "\\\\{{ not-a-variable }}"]',
        'preconditions:',
        '  all:',
        '    - key: "{{ request.operation }}"',
        '      operator: NotEquals',
        '      value: DELETE',
      ].join('\n')));
      assert.deepEqual(found(text, CODE), []);
    });

    it('follows an aliased match block', () => {
      const text = rulesPolicy([
        filtered('match: &m\n  any:\n    - resources: {kinds: [Pod], namespaces: ["{{ x }}"]}'),
        filtered('match: *m').replace('name: verify', 'name: again'),
      ].join('\n'));
      const hits = found(text, CODE);
      assert.deepEqual(hits.map((h) => h.text), ['{{ x }}', '{{ x }}'], 'on the anchor\'s text, once per rule that uses it');
      assert.deepEqual(hits.map((h) => /rule "(\w+)"/.exec(h.message)?.[1]), ['verify', 'again']);
    });
  });

  describe('policy-match-exclude-empty-set', () => {
    const CODE = 'policy-match-exclude-empty-set';
    it('reports an exclude.any filter identical to a match.any filter, whatever its key order or style', () => {
      const text = rulesPolicy(filtered([
        'match:',
        '  any:',
        '    - resources: {kinds: [Pod]}',
        '    - resources: {kinds: [Deployment], namespaces: [prod]}',
        'exclude:',
        '  any:',
        '    - resources:',
        '        namespaces: [prod]',
        '        kinds: [Deployment]',
        '        names:',
      ].join('\n')));
      const [hit, ...rest] = found(text, CODE);
      assert.equal(rest.length, 0);
      assert.equal(hit.text, 'resources');
      assert.match(hit.message, /identical to match\.any\[1\], so rule "verify" matches an empty set/);
    });

    it('accepts an exclude that narrows the match, a different list order, and blocks that use all', () => {
      const narrower = rulesPolicy(filtered('match:\n  any:\n    - resources: {kinds: [Pod]}\nexclude:\n  any:\n    - resources: {kinds: [Pod], namespaces: [kube-system]}'));
      assert.deepEqual(found(narrower, CODE), []);
      const order = rulesPolicy(filtered('match:\n  any:\n    - resources: {kinds: [Pod, Deployment]}\nexclude:\n  any:\n    - resources: {kinds: [Deployment, Pod]}'));
      assert.deepEqual(found(order, CODE), []);
      const withAll = rulesPolicy(filtered('match:\n  all:\n    - resources: {kinds: [Pod]}\nexclude:\n  any:\n    - resources: {kinds: [Pod]}'));
      assert.deepEqual(found(withAll, CODE), []);
    });
  });

  describe('policy-namespaced-namespaces and policy-overrides-namespaced', () => {
    const policy = (kind: string) => verifyPolicy(VERIFY_ENTRY, {
      kind,
      metadata: 'name: ns-policy\nnamespace: team-a',
      spec: 'background: false\nvalidationFailureActionOverrides:\n  - action: Enforce\n    namespaces: [team-a]',
    }).replace('              kinds: [Pod]\n', '              kinds: [Pod]\n              namespaces: [team-a]\n');

    it('reports namespaces filters and failure-action overrides in a Policy, on their keys', () => {
      const text = policy('Policy');
      assert.deepEqual(found(text, 'policy-namespaced-namespaces').map((h) => [h.text, h.severity]), [['namespaces', 1]]);
      assert.deepEqual(found(text, 'policy-overrides-namespaced').map((h) => [h.text, h.severity]), [['validationFailureActionOverrides', 1]]);
    });

    it('accepts both in a ClusterPolicy, and an empty overrides list in a Policy', () => {
      const text = policy('ClusterPolicy');
      assert.deepEqual(found(text, 'policy-namespaced-namespaces'), []);
      assert.deepEqual(found(text, 'policy-overrides-namespaced'), []);
      const empty = verifyPolicy(VERIFY_ENTRY, { kind: 'Policy', spec: 'background: false\nvalidationFailureActionOverrides: []' });
      assert.deepEqual(found(empty, 'policy-overrides-namespaced'), []);
    });
  });

  describe('policy-webhook-timeout', () => {
    const CODE = 'policy-webhook-timeout';
    it('reports a timeout outside 1..30 seconds on its value, in either field', () => {
      const text = verifyPolicy(VERIFY_ENTRY, { spec: 'background: false\nwebhookTimeoutSeconds: 0\nwebhookConfiguration:\n  timeoutSeconds: 31' });
      assert.deepEqual(found(text, CODE).map((h) => [h.text, h.severity]), [['0', 1], ['31', 1]]);
      assert.match(found(text, CODE)[1].message, /spec\.webhookConfiguration\.timeoutSeconds is 31, but a webhook timeout must be between 1 and 30 seconds/);
    });

    it('accepts 1 and 30, and leaves a non-number to the schema check', () => {
      for (const spec of ['webhookTimeoutSeconds: 1', 'webhookConfiguration: {timeoutSeconds: 30}', 'webhookConfiguration: {timeoutSeconds: "45"}']) {
        assert.deepEqual(found(verifyPolicy(VERIFY_ENTRY, { spec: `background: false\n${spec}` }), CODE), [], spec);
      }
    });
  });
});
