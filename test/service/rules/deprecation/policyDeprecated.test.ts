import { strict as assert } from 'node:assert';
import { textAt, validate, withCode, yaml } from '../../../support/service';
import { DiagnosticTag, Severity } from '../../../../server/src/service/types';
import type { Diagnostic } from '../../../../server/src/service/types';
import { applyFix, codeActionsFor } from './fixes';

const CODE = 'policy-deprecated';

function deprecated(text: string, kind?: string): Diagnostic[] {
  return withCode(validate(text), CODE).filter((d) => !kind || (d.data as { kind?: string }).kind === kind);
}

const HEAD = yaml`
  apiVersion: kyverno.io/v1
  kind: ClusterPolicy
  metadata:
    name: deprecated
`;

describe('rule policy-deprecated', () => {
  describe('spec.validationFailureAction', () => {
    const text = HEAD + yaml`
      spec:
        validationFailureAction: enforce   # was audit
        background: false
        rules:
          - name: verify
            match:
              any:
                - resources:
                    kinds: [Pod]
            verifyImages:
              - imageReferences: ["ghcr.io/acme/*"]
                attestors:
                  - entries:
                      - keys:
                          publicKeys: k8s://ns/cosign
              - imageReferences: ["ghcr.io/other/*"]
                failureAction: Audit
                mutateDigest: false
                attestors: [{entries: [{keys: {publicKeys: "k8s://ns/other"}}]}]
          - name: labels
            match:
              any:
                - resources:
                    kinds: [Pod]
            validate:
              message: a team label is required
              pattern:
                metadata:
                  labels:
                    team: "?*"
    `;

    it('warns on the key with the Deprecated tag', () => {
      const [d] = deprecated(text, 'validation-failure-action');
      assert.equal(d.severity, Severity.Warning);
      assert.deepEqual(d.tags, [DiagnosticTag.Deprecated]);
      assert.equal(textAt(text, d), 'validationFailureAction');
      assert.match(d.message, /set `failureAction: Enforce` on each verifyImages entry and validate rule/);
    });

    it('moves the action to every entry and validate block without one', () => {
      const fixed = applyFix(text, deprecated(text, 'validation-failure-action')[0]);
      assert.equal(fixed, HEAD + yaml`
        spec:
          background: false
          rules:
            - name: verify
              match:
                any:
                  - resources:
                      kinds: [Pod]
              verifyImages:
                - imageReferences: ["ghcr.io/acme/*"]
                  attestors:
                    - entries:
                        - keys:
                            publicKeys: k8s://ns/cosign
                  failureAction: Enforce
                - imageReferences: ["ghcr.io/other/*"]
                  failureAction: Audit
                  mutateDigest: false
                  attestors: [{entries: [{keys: {publicKeys: "k8s://ns/other"}}]}]
            - name: labels
              match:
                any:
                  - resources:
                      kinds: [Pod]
              validate:
                message: a team label is required
                pattern:
                  metadata:
                    labels:
                      team: "?*"
                failureAction: Enforce
      `);
      assert.deepEqual(deprecated(fixed), []);
    });

    it('capitalises a lowercase action in place, keeping quotes', () => {
      const [d] = deprecated(text, 'lowercase-action');
      assert.equal(textAt(text, d), 'enforce');
      assert.equal(applyFix(text, d), text.replace('validationFailureAction: enforce', 'validationFailureAction: Enforce'));
      const quoted = text.replace('enforce   #', '"audit"   #');
      assert.equal(applyFix(quoted, deprecated(quoted, 'lowercase-action')[0]), text.replace('enforce   #', '"Audit"   #'));
    });

    it('reports validationFailureActionOverrides and its lowercase actions', () => {
      const overrides = text.replace('  background: false\n', '  background: false\n  validationFailureActionOverrides:\n    - action: audit\n      namespaces: [dev]\n');
      const d = deprecated(overrides, 'validation-failure-action-overrides');
      assert.equal(textAt(overrides, d[0]), 'validationFailureActionOverrides');
      const lower = deprecated(overrides, 'lowercase-action').map((x) => textAt(overrides, x));
      assert.deepEqual(lower, ['enforce', 'audit']);
    });
  });

  describe('v1 top-level verifyImages fields', () => {
    const rule = yaml`
      spec:
        validationFailureAction: Enforce
        rules:
          - name: verify
            match:
              any:
                - resources:
                    kinds: [Pod]
            verifyImages:
    `;

    it('converts image + key into imageReferences and a keys attestor, keeping the key block', () => {
      const text = HEAD + rule + [
        '        - image: "ghcr.io/acme/*"',
        '          key: |-',
        '            -----BEGIN PUBLIC KEY-----',
        '            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE',
        '            -----END PUBLIC KEY-----',
        '          mutateDigest: false',
        '',
      ].join('\n');
      const found = deprecated(text, 'legacy-verify-images');
      assert.deepEqual(found.map((d) => textAt(text, d)), ['image', 'key']);
      assert.match(found[0].message, /list the pattern under `imageReferences`/);
      const fixed = applyFix(text, found[1]);
      assert.equal(fixed, HEAD + rule + [
        '        - mutateDigest: false',
        '          imageReferences:',
        '            - "ghcr.io/acme/*"',
        '          attestors:',
        '            - entries:',
        '                - keys:',
        '                    publicKeys: |-',
        '                      -----BEGIN PUBLIC KEY-----',
        '                      MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE',
        '                      -----END PUBLIC KEY-----',
        '',
      ].join('\n'));
      assert.deepEqual(deprecated(fixed, 'legacy-verify-images'), []);
    });

    it('builds a keyless attestor with annotations and puts it on each attestation, as Kyverno does', () => {
      const text = HEAD + rule + [
        '        - imageReferences:',
        '            - ghcr.io/acme/*',
        '          image: ghcr.io/legacy/*',
        '          subject: "https://github.com/acme/*"',
        '          issuer: https://token.actions.githubusercontent.com',
        '          annotations:',
        '            env: prod   # only prod builds',
        '          attestations:',
        '            - type: https://slsa.dev/provenance/v1',
        '',
      ].join('\n');
      const found = deprecated(text, 'legacy-verify-images');
      assert.deepEqual(found.map((d) => textAt(text, d)), ['image', 'subject', 'issuer', 'annotations']);
      const fixed = applyFix(text, found[0]);
      assert.equal(fixed, HEAD + rule + [
        '        - imageReferences:',
        '            - ghcr.io/acme/*',
        '            - ghcr.io/legacy/*',
        '          attestations:',
        '            - type: https://slsa.dev/provenance/v1',
        '              attestors:',
        '                - entries:',
        '                    - keyless:',
        '                        subject: "https://github.com/acme/*"',
        '                        issuer: https://token.actions.githubusercontent.com',
        '                        rekor:',
        '                          url: https://rekor.sigstore.dev',
        '                      annotations:',
        '                        env: prod   # only prod builds',
        '',
      ].join('\n'));
      assert.deepEqual(deprecated(fixed, 'legacy-verify-images'), []);
    });

    it('says when Kyverno ignores subject (key wins) and stays quiet on v2beta1 and current entries', () => {
      const text = HEAD + rule + ['        - image: ghcr.io/acme/*', '          key: k8s://ns/cosign', '          subject: someone', ''].join('\n');
      const subject = deprecated(text, 'legacy-verify-images').find((d) => textAt(text, d) === 'subject')!;
      assert.match(subject.message, /ignores it because `key` is set/);
      assert.deepEqual(deprecated(text.replace('kyverno.io/v1', 'kyverno.io/v2beta1'), 'legacy-verify-images'), []);
      const current = HEAD + rule + ['        - imageReferences: [ghcr.io/acme/*]', '          attestors: [{entries: [{keys: {publicKeys: "k8s://ns/cosign"}}]}]', ''].join('\n');
      assert.deepEqual(deprecated(current, 'legacy-verify-images'), []);
    });
  });

  describe('attestations, keys and webhook settings', () => {
    const text = HEAD + yaml`
      spec:
        failurePolicy: Ignore
        webhookTimeoutSeconds: 15
        rules:
          - name: verify
            match:
              any:
                - resources:
                    kinds: [Pod]
            verifyImages:
              - imageReferences: ["ghcr.io/acme/*"]
                failureAction: Enforce
                attestors:
                  - entries:
                      - keys:
                          publicKeys: k8s://ns/cosign
                          signatureAlgorithm: sha512
                attestations:
                  - predicateType: https://slsa.dev/provenance/v1
                    conditions: []
    `;

    it('renames predicateType to type', () => {
      const [d] = deprecated(text, 'predicate-type');
      assert.equal(textAt(text, d), 'predicateType');
      assert.match(d.message, /write `type: https:\/\/slsa\.dev\/provenance\/v1`/);
      assert.equal(applyFix(text, d), text.replace('- predicateType:', '- type:'));
    });

    it('moves keys.signatureAlgorithm to the attestor entry', () => {
      const [d] = deprecated(text, 'keys-signature-algorithm');
      assert.equal(textAt(text, d), 'signatureAlgorithm');
      const fixed = applyFix(text, d);
      assert.equal(fixed, text.replace(
        '                    publicKeys: k8s://ns/cosign\n                    signatureAlgorithm: sha512\n',
        '                    publicKeys: k8s://ns/cosign\n                  signatureAlgorithm: sha512\n',
      ));
      assert.deepEqual(deprecated(fixed, 'keys-signature-algorithm'), []);
    });

    it('moves failurePolicy and webhookTimeoutSeconds under webhookConfiguration', () => {
      const [failurePolicy, timeout] = deprecated(text, 'webhook-fields');
      assert.equal(textAt(text, failurePolicy), 'failurePolicy');
      assert.match(timeout.message, /use spec\.webhookConfiguration\.timeoutSeconds/);
      const once = applyFix(text, failurePolicy);
      assert.equal(once, text.replace('  failurePolicy: Ignore\n', '').replace(
        '          conditions: []\n',
        '          conditions: []\n  webhookConfiguration:\n    failurePolicy: Ignore\n',
      ));
      const twice = applyFix(once, deprecated(once, 'webhook-fields')[0]);
      assert.equal(twice, once.replace('  webhookTimeoutSeconds: 15\n', '').replace(
        '    failurePolicy: Ignore\n',
        '    failurePolicy: Ignore\n    timeoutSeconds: 15\n',
      ));
    });

    it('offers exactly one fix per finding', () => {
      for (const d of deprecated(text)) assert.equal(codeActionsFor(text, d).length, 1, (d.data as { kind: string }).kind);
    });

    it('makes a deprecated webhook field next to its replacement an error (Kyverno forbids both), alone a warning', () => {
      assert.deepEqual(deprecated(text, 'webhook-fields').map((d) => d.severity), [2, 2]);
      const both = text.replace('\n  rules:\n', '\n  webhookConfiguration: {timeoutSeconds: 10, failurePolicy: Fail}\n  rules:\n');
      const found = deprecated(both, 'webhook-fields');
      assert.deepEqual(found.map((d) => [textAt(both, d), d.severity]), [['failurePolicy', 1], ['webhookTimeoutSeconds', 1]]);
      assert.match(found[1].message, /Kyverno rejects a policy with both/);
    });
  });
});
