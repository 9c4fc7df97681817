// The policy model: each kind's image-trust facts, with the node they come from and CRD defaults applied.
import { strict as assert } from 'node:assert';
import { parseYamlFile, YamlDoc } from '../../../server/src/service/document/yamlFile';
import { kyvernoModel, policyModel } from '../../../server/src/service/policy/model';
import { cipGlobMatch, ivpGlobMatch, kyvernoEntryMatch, matcherAccepts } from '../../../server/src/service/policy/match';
import { yaml } from '../../support/service';

function docOf(text: string, index = 0): YamlDoc {
  return parseYamlFile('file:///p.yaml', text).docs[index];
}

const kyverno = yaml`
  apiVersion: kyverno.io/v1
  kind: ClusterPolicy
  metadata:
    name: signed
  spec:
    validationFailureAction: Enforce
    validationFailureActionOverrides:
      - action: Audit
        namespaces: [dev-*]
    rules:
      - name: first
        match:
          any:
            - resources: {kinds: [Pod]}
        verifyImages:
          - imageReferences: ["ghcr.io/acme/*"]
            image: "docker.io/legacy/*"
            key: "k8s://ns/key"
            skipImageReferences: ["ghcr.io/acme/skip*"]
            failureAction: Audit
            mutateDigest: false
            attestors:
              - count: 1
                entries:
                  - keyless:
                      subjectRegExp: ".*@acme.io"
                      rekor:
                        url: https://rekor.sigstore.dev
                        pubkey: |-
                          -----BEGIN PUBLIC KEY-----
                          AAAA
                          -----END PUBLIC KEY-----
                      ctlog:
                        pubkey: "-----BEGIN PUBLIC KEY-----"
                  - attestor:
                      entries:
                        - certificates: {cert: "-----BEGIN CERTIFICATE-----"}
          - imageReferences: ["quay.io/*"]
            attestations:
              - predicateType: https://slsa.dev/provenance/v1
      - name: second
        verifyImages:
          - imageReferences: "single"
`;

describe('policy model: Kyverno ClusterPolicy', () => {
  const model = kyvernoModel(docOf(kyverno))!;

  it('is built once per parsed document', () => {
    const doc = docOf(kyverno);
    assert.equal(policyModel(doc), policyModel(doc));
  });

  it('reads actions: spec, overrides, entry failureAction carried over within a rule, rule action', () => {
    assert.equal(model.specAction.value, 'Enforce');
    assert.ok(model.specAction.node);
    assert.deepEqual(model.overrides.map((o) => [o.action, o.namespaces]), [['Audit', ['dev-*']]]);
    const [a, b, c] = model.entries;
    assert.equal(a.failureAction?.value, 'Audit');
    assert.equal(a.admissionAudit, true);
    assert.equal(b.failureAction, undefined);
    assert.equal(b.admissionAudit, true, 'the Audit of the previous entry carries over');
    assert.equal(c.admissionAudit, false, 'a new rule starts again from the spec');
    assert.deepEqual(model.rules.map((r) => r.action), ['Audit', 'Enforce']);
  });

  it('applies CRD defaults to mutateDigest/verifyDigest/required and keeps the written node', () => {
    const [a, b] = model.entries;
    assert.equal(a.mutateDigest.value, false);
    assert.ok(a.mutateDigest.node);
    assert.equal(b.mutateDigest.value, true);
    assert.equal(b.mutateDigest.node, undefined);
    assert.equal(a.verifyDigest.value, true);
    assert.equal(a.required.value, true);
  });

  it("applies Convert(): the deprecated image joins imageReferences, key builds a keys attestor", () => {
    const [a, b, c] = model.entries;
    assert.deepEqual(a.imageReferences.map((m) => [m.pattern, !!m.legacy]), [['ghcr.io/acme/*', false], ['docker.io/legacy/*', true]]);
    assert.equal(a.legacy.converts, 'keys');
    assert.deepEqual(Object.keys(a.legacy.pairs).sort(), ['image', 'key']);
    assert.equal(b.legacy.converts, undefined);
    assert.deepEqual(c.imageReferences.map((m) => m.pattern), ['single']);
    assert.deepEqual(a.skipImageReferences.map((m) => m.pattern), ['ghcr.io/acme/skip*']);
  });

  it('reads attestor sets with count (nested ones too) and attestation types', () => {
    const [a, b] = model.entries;
    assert.deepEqual(a.attestorSets.map((s) => [s.path.join('.'), s.count?.value, s.entries.length]), [
      ['spec.rules.0.verifyImages.0.attestors.0', 1, 2],
      ['spec.rules.0.verifyImages.0.attestors.0.entries.1.attestor', undefined, 1],
    ]);
    assert.equal(b.attestations[0].type?.value, 'https://slsa.dev/provenance/v1');
  });

  it('lists every key and certificate field, including rekor.pubkey and ctlog.pubkey, and keyless regexps', () => {
    assert.deepEqual(model.materials.map((s) => `${s.kind} ${s.field}`), [
      'public-key key',
      'public-key keyless.rekor.pubkey',
      'public-key keyless.ctlog.pubkey',
      'certificate certificates.cert',
    ]);
    assert.deepEqual(model.regExps.map((s) => `${s.field}=${s.node.value}`), ['keyless.subjectRegExp=.*@acme.io']);
  });

  it('knows the pod controllers autogen covers, and a namespaced Policy\'s namespace', () => {
    assert.deepEqual(model.autogenControllers, ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'CronJob']);
    const annotated = kyverno.replace('  name: signed\n', '  name: signed\n  annotations:\n    pod-policies.kyverno.io/autogen-controllers: Deployment,none\n');
    assert.deepEqual(kyvernoModel(docOf(annotated))!.autogenControllers, ['Deployment']);
    const namespaced = kyvernoModel(docOf(kyverno.replace('kind: ClusterPolicy', 'kind: Policy').replace('  name: signed\n', '  name: signed\n  namespace: team-a\n')))!;
    assert.deepEqual([namespaced.namespaced, namespaced.namespace], [true, 'team-a']);
  });

  it('reads what each rule selects (match/exclude) and what limits it at admission', () => {
    const text = yaml`
      apiVersion: kyverno.io/v1
      kind: ClusterPolicy
      metadata: {name: p}
      spec:
        admission: false
        rules:
          - name: selective
            match:
              any:
                - resources: {kinds: [Pod], namespaces: [prod-*], selector: {matchLabels: {app: web}}}
                  subjects: [{kind: User, name: x}]
            exclude:
              all:
                - resources: {namespaceSelector: {}, operations: [DELETE]}
            preconditions: {all: []}
            imageExtractors:
              Task: [{path: /spec/image}]
            verifyImages: [{imageReferences: ["*"]}]
          - name: no-match
            verifyImages: [{imageReferences: ["*"]}]
    `;
    const m = kyvernoModel(docOf(text))!;
    const [rule] = m.rules;
    const filter = rule.matchSelection!.any[0]!;
    assert.deepEqual([filter.resources!.kinds, filter.resources!.namespaces, filter.resources!.selector!.matchLabels, filter.userInfo], [['Pod'], ['prod-*'], [['app', 'web']], ['subjects']]);
    const exclusion = rule.excludeSelection!.all[0]!.resources!;
    assert.deepEqual([exclusion.namespaceSelector, exclusion.operations], [true, ['DELETE']]);
    assert.deepEqual([rule.hasPreconditions, rule.imageExtractorKinds, m.admission.value], [true, ['Task'], false]);
    assert.equal(m.rules[1].matchSelection, undefined);
  });

  it('has no legacy fields in kyverno.io/v2beta1', () => {
    const v2 = kyvernoModel(docOf(kyverno.replace('kyverno.io/v1', 'kyverno.io/v2beta1')))!;
    assert.deepEqual(v2.entries[0].legacy, { pairs: {} });
    assert.deepEqual(v2.entries[0].imageReferences.map((m) => m.pattern), ['ghcr.io/acme/*']);
  });

  it('matches images with Kyverno normalisation and skips', () => {
    const patterns = (i: number) => ({
      imageReferences: model.entries[i].imageReferences.map((m) => m.pattern),
      skipImageReferences: model.entries[i].skipImageReferences.map((m) => m.pattern),
    });
    assert.deepEqual(kyvernoEntryMatch(patterns(0), 'ghcr.io/acme/app'), { applies: true, normalized: 'ghcr.io/acme/app:latest', pattern: 'ghcr.io/acme/*' });
    assert.equal(kyvernoEntryMatch(patterns(0), 'ghcr.io/acme/skipme:1').applies, false);
    assert.equal(kyvernoEntryMatch(patterns(0), 'legacy/x').applies, true, 'docker.io is prefixed before matching');
    assert.equal(matcherAccepts(model.entries[0].imageReferences[0], 'ghcr.io/acme/a/b'), true, 'a Kyverno * crosses /');
  });
});

describe('policy model: ImageValidatingPolicy', () => {
  const ivp = yaml`
    apiVersion: policies.kyverno.io/v1beta1
    kind: NamespacedImageValidatingPolicy
    metadata: {name: ivp}
    spec:
      validationActions: [Deny]
      matchConstraints:
        resourceRules: [{apiGroups: [""], resources: [pods], operations: [CREATE]}]
      matchImageReferences:
        - glob: "ghcr.io/*"
        - expression: "ref.startsWith('quay.io/')"
      validationConfigurations:
        mutateDigest: false
      attestors:
        - name: k
          cosign:
            key:
              data: "-----BEGIN PUBLIC KEY-----"
            ctlog:
              rekorPubKey: "-----BEGIN PUBLIC KEY-----"
        - name: n
          notary:
            certs:
              value: "-----BEGIN CERTIFICATE-----"
  `;
  const model = policyModel(docOf(ivp));

  it('reads matchers, attestors, actions, constraints, defaults and material', () => {
    assert.equal(model?.kind, 'image-validating-policy');
    if (model?.kind !== 'image-validating-policy') return;
    assert.equal(model.namespaced, true);
    assert.deepEqual(model.matchImageReferences.map((m) => [m.semantics, m.pattern]), [['ivp-glob', 'ghcr.io/*'], ['ivp-cel', "ref.startsWith('quay.io/')"]]);
    assert.deepEqual(model.attestors.map((a) => [a.name, a.kind, a.method]), [['k', 'cosign', 'key'], ['n', 'notary', undefined]]);
    assert.deepEqual(model.validationActions.value, ['Deny']);
    assert.ok(model.matchConstraints);
    assert.equal(model.mutateDigest.value, false);
    assert.equal(model.verifyDigest.value, true);
    assert.deepEqual(model.materials.map((s) => s.field), ['cosign.key.data', 'cosign.ctlog.rekorPubKey', 'notary.certs.value']);
  });

  it('compares globs with the image as written, * crossing /; a CEL expression is not decided here', () => {
    assert.equal(ivpGlobMatch('ghcr.io/*', 'ghcr.io/a/b:1'), true);
    assert.equal(ivpGlobMatch('docker.io/*', 'nginx'), false);
    assert.equal(ivpGlobMatch('ghcr.io/{a,b}/x:[0-9]', 'ghcr.io/b/x:7'), true);
    assert.equal(ivpGlobMatch('ghcr.io/[!a]', 'ghcr.io/a'), false);
    if (model?.kind === 'image-validating-policy') assert.equal(matcherAccepts(model.matchImageReferences[1], 'quay.io/x'), undefined);
  });
});

describe('policy model: ClusterImagePolicy', () => {
  const cip = yaml`
    apiVersion: policy.sigstore.dev/v1beta1
    kind: ClusterImagePolicy
    metadata: {name: cip}
    spec:
      mode: warn
      images:
        - glob: "ghcr.io/acme/*"
        - glob: "*"
      authorities:
        - key:
            data: "-----BEGIN PUBLIC KEY-----"
        - keyless:
            identities: [{issuerRegExp: ".*", subjectRegExp: ".*"}]
            ca-cert:
              data: "-----BEGIN CERTIFICATE-----"
        - static: {action: pass}
  `;
  const model = policyModel(docOf(cip));

  it('reads images, authorities, mode and material', () => {
    assert.equal(model?.kind, 'cluster-image-policy');
    if (model?.kind !== 'cluster-image-policy') return;
    assert.deepEqual(model.images.map((m) => m.pattern), ['ghcr.io/acme/*', '*']);
    assert.deepEqual(model.authorities.map((a) => a.kind), ['key', 'keyless', 'static']);
    assert.equal(model.mode.value, 'warn');
    assert.deepEqual(model.materials.map((s) => s.field), ['key.data', 'keyless.ca-cert.data']);
    assert.deepEqual(model.regExps.map((s) => s.field), ['keyless.identities[].subjectRegExp', 'keyless.identities[].issuerRegExp']);
  });

  it('matches globs on the policy-controller normalised name, * within one segment', () => {
    if (model?.kind !== 'cluster-image-policy') return;
    assert.equal(matcherAccepts(model.images[0], 'ghcr.io/acme/app:1'), true);
    assert.equal(matcherAccepts(model.images[0], 'ghcr.io/acme/a/b:1'), false);
    assert.equal(cipGlobMatch('ghcr.io/acme/**', 'ghcr.io/acme/a/b:1'), true);
    assert.equal(matcherAccepts(model.images[1], 'nginx'), true, '* alone: official Docker Hub images');
    assert.equal(matcherAccepts(model.images[1], 'acme/app'), false);
  });

  it('defaults mode to enforce', () => {
    const m = policyModel(docOf(cip.replace('  mode: warn\n', '')));
    assert.equal(m?.kind === 'cluster-image-policy' && m.mode.value, 'enforce');
  });
});

describe('verification plans read the policy model', () => {
  // Imported here rather than at the top: the plan is verify/'s, built on the model's public entry point.
  const { planFromEntry, planFromPolicy } = require('../../../server/src/verify/policySpec') as typeof import('../../../server/src/verify/policySpec');

  it("apply Kyverno's Convert(): image is appended to imageReferences, keyless only when issuer is set", () => {
    const both = planFromEntry({ imageReferences: ['ghcr.io/a/*'], image: 'ghcr.io/b/*', key: 'k8s://ns/k' }, 'p');
    assert.ok(both.ok);
    if (!both.ok) return;
    assert.deepEqual(both.plan.imageReferences, ['ghcr.io/a/*', 'ghcr.io/b/*']);
    assert.deepEqual(both.plan.attestors.map((s) => s.path), ['p (converted)']);
    const subjectOnly = planFromEntry({ image: 'ghcr.io/b/*', subject: 'a@b.c' }, 'p');
    assert.ok(subjectOnly.ok && subjectOnly.plan.attestors.length === 0, 'Kyverno builds a keyless attestor only from issuer');
  });

  it('resolve aliases in attestors against their document, as the API server does', () => {
    const text = yaml`
      apiVersion: kyverno.io/v1
      kind: ClusterPolicy
      metadata: {name: p}
      x-keys:
        shared: &key "k8s://ns/cosign"
      spec:
        rules:
          - name: r
            verifyImages:
              - imageReferences: ["*"]
                attestors:
                  - entries:
                      - keys: {publicKeys: *key}
    `;
    const r = planFromPolicy('file:///p.yaml', text, 0, 0);
    assert.ok(r.ok);
    if (!r.ok) return;
    const leaf = r.plan.attestors[0].entries[0];
    assert.equal(leaf.kind, 'unchecked');
    assert.match((leaf as { reason: string }).reason, /k8s:\/\/ns\/cosign/, 'the alias was read as the anchored key reference');
  });

  it('take the same facts from a policy file as the other features', () => {
    const r = planFromPolicy('file:///p.yaml', kyverno, 0, 0);
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.equal(r.plan.ruleName, 'first');
    assert.deepEqual(r.plan.imageReferences, ['ghcr.io/acme/*', 'docker.io/legacy/*']);
    assert.deepEqual(r.plan.skipImageReferences, ['ghcr.io/acme/skip*']);
    assert.equal(r.plan.attestors[0].count, 1);
  });
});
