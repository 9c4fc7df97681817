import { strict as assert } from 'node:assert';
import { yaml } from '../../../support/service';
import { applyAction, codeActions, entry, found, KEY_ATTESTORS, verifyPolicy } from './helpers';

const CODE = 'policy-mutate-digest-audit';
const AUDIT_DEFAULT = 'background: false';

describe('rule policy-mutate-digest-audit', () => {
  it('reports an entry relying on both defaults on its first key and says the default is true', () => {
    const text = verifyPolicy(entry(`imageReferences: ["ghcr.io/acme/*"]\n${KEY_ATTESTORS}`), { spec: AUDIT_DEFAULT });
    const [d, ...rest] = found(text, CODE);
    assert.equal(rest.length, 0);
    assert.equal(d.text, 'imageReferences');
    assert.equal(d.severity, 1);
    assert.match(d.message, /mutateDigest is not set and defaults to true/);
    assert.match(d.message, /defaults to Audit/);
    assert.match(d.message, /Set mutateDigest: false .*failureAction: Enforce/);
  });

  it('puts the diagnostic on a written mutateDigest: true', () => {
    const text = verifyPolicy(entry(`imageReferences: ["ghcr.io/acme/*"]\nmutateDigest: true\n${KEY_ATTESTORS}`), { spec: 'validationFailureAction: Audit' });
    const [d] = found(text, CODE);
    assert.equal(d.text, 'true');
    assert.match(d.message, /spec\.validationFailureAction is Audit/);
  });

  it('puts the diagnostic on the entry\'s failureAction: Audit when mutateDigest is not written', () => {
    const text = verifyPolicy(entry(`imageReferences: ["ghcr.io/acme/*"]\nfailureAction: Audit\n${KEY_ATTESTORS}`));
    const [d] = found(text, CODE);
    assert.equal(d.text, 'Audit');
    assert.match(d.message, /this entry sets failureAction: Audit/);
  });

  it('follows Kyverno\'s carry-over of failureAction to later entries', () => {
    const auditThenPlain = verifyPolicy([
      entry(`imageReferences: ["ghcr.io/a/*"]\nfailureAction: Audit\nmutateDigest: false\n${KEY_ATTESTORS}`),
      entry(`imageReferences: ["ghcr.io/b/*"]\n${KEY_ATTESTORS}`),
    ].join('\n'));
    const [d, ...rest] = found(auditThenPlain, CODE);
    assert.equal(rest.length, 0);
    assert.equal(d.text, 'imageReferences');
    assert.equal(d.diagnostic.range.start.line, auditThenPlain.split('\n').findIndex((l) => l.includes('ghcr.io/b/*')));
    assert.match(d.message, /earlier entry/);

    const enforceThenPlain = verifyPolicy([
      entry(`imageReferences: ["ghcr.io/a/*"]\nfailureAction: Enforce\n${KEY_ATTESTORS}`),
      entry(`imageReferences: ["ghcr.io/b/*"]\n${KEY_ATTESTORS}`),
    ].join('\n'), { spec: 'validationFailureAction: Audit' });
    assert.deepEqual(found(enforceThenPlain, CODE), []);
  });

  it('checks kyverno.io/v2beta1 too, but not versions Kyverno does not serve', () => {
    const body = entry(`imageReferences: ["ghcr.io/acme/*"]\n${KEY_ATTESTORS}`);
    assert.equal(found(verifyPolicy(body, { spec: AUDIT_DEFAULT, apiVersion: 'kyverno.io/v2beta1' }), CODE).length, 1);
    assert.deepEqual(found(verifyPolicy(body, { spec: AUDIT_DEFAULT, apiVersion: 'kyverno.io/v9' }), CODE), []);
  });

  it('does not report Enforce (also lowercase) or mutateDigest: false', () => {
    const enforce = verifyPolicy(entry(`imageReferences: ["ghcr.io/acme/*"]\n${KEY_ATTESTORS}`));
    const lower = verifyPolicy(entry(`imageReferences: ["ghcr.io/acme/*"]\n${KEY_ATTESTORS}`), { spec: 'validationFailureAction: enforce' });
    const noMutate = verifyPolicy(entry(`imageReferences: ["ghcr.io/acme/*"]\nmutateDigest: false\n${KEY_ATTESTORS}`), { spec: AUDIT_DEFAULT });
    for (const text of [enforce, lower, noMutate]) assert.deepEqual(found(text, CODE), []);
  });

  describe('quick-fixes', () => {
    const before = yaml`
      apiVersion: kyverno.io/v1
      kind: ClusterPolicy
      metadata:
        name: audit-images
      spec:
        rules:
          - name: verify
            match:
              any:
                - resources:
                    kinds: [Pod]
            verifyImages:
              - imageReferences:
                  - "ghcr.io/acme/*"
                attestors: []
    `;

    it('offers both fixes, inserting the field at the entry\'s indentation', () => {
      const [d] = found(before, CODE);
      const actions = codeActions(before, d.diagnostic);
      assert.deepEqual(actions.map((a) => a.title), ['Set mutateDigest: false', 'Set failureAction: Enforce']);
      assert.equal(actions[0].isPreferred, true);
      const mutateFixed = applyAction(before, actions[0]);
      assert.equal(mutateFixed, before.replace('- imageReferences:', '- mutateDigest: false\n          imageReferences:'));
      const enforceFixed = applyAction(before, actions[1]);
      assert.equal(enforceFixed, before.replace('- imageReferences:', '- failureAction: Enforce\n          imageReferences:'));
      assert.deepEqual(found(mutateFixed, CODE), []);
      assert.deepEqual(found(enforceFixed, CODE), []);
    });

    it('replaces written values and keeps their quotes', () => {
      const text = before.replace('attestors: []', 'attestors: []\n          mutateDigest: true\n          failureAction: "Audit"');
      const [d] = found(text, CODE);
      assert.equal(d.text, 'true');
      const [mutate, enforce] = codeActions(text, d.diagnostic);
      assert.equal(applyAction(text, mutate), text.replace('mutateDigest: true', 'mutateDigest: false'));
      assert.equal(applyAction(text, enforce), text.replace('failureAction: "Audit"', 'failureAction: "Enforce"'));
    });

    it('inserts into a flow-style entry', () => {
      const text = before.replace(/- imageReferences:\n\s+- "ghcr.io\/acme\/\*"\n\s+attestors: \[\]/, '- {imageReferences: ["ghcr.io/acme/*"], attestors: []}');
      const [d] = found(text, CODE);
      assert.equal(d.text, 'imageReferences');
      const [mutate] = codeActions(text, d.diagnostic);
      const fixed = applyAction(text, mutate);
      assert.match(fixed, /- \{mutateDigest: false, imageReferences: \["ghcr\.io\/acme\/\*"\], attestors: \[\]\}/);
      assert.deepEqual(found(fixed, CODE), []);
    });
  });
});
