import { strict as assert } from 'node:assert';
import { parseYamlFile, YamlDoc } from '../../../server/src/service/document/yamlFile';
import { imagesInFile } from '../../../server/src/service/manifest/images';
import {
  coveringRules, imageRuleMatches, ImageSubject, patternValueMatches, registryRestrictions, subjectOf,
} from '../../../server/src/service/manifest/coverage';
import { autogenControllers, parseKindSelector } from '../../../server/src/service/manifest/ruleMatch';
import { fixture, yaml } from '../../support/service';

const PEM = '-----BEGIN PUBLIC KEY-----\n                        MFkw\n                        -----END PUBLIC KEY-----';

function policies(text: string): YamlDoc[] {
  const docs = parseYamlFile('file:///w/policies.yaml', text).docs.filter((d) => d.kind === 'kyverno-policy');
  for (const d of docs) assert.deepEqual(d.doc.errors.map((e) => e.message), [], 'test policy parses cleanly');
  return docs;
}

const subject = (image: string, extra: Partial<ImageSubject> = {}): ImageSubject => ({ image, kind: 'Pod', apiVersion: 'v1', name: 'p', ...extra });

const verifyPolicy = (opts: { kinds?: string; refs?: string; skip?: string; extraMatch?: string; annotations?: string; exclude?: string; kind?: string; ns?: string; action?: string } = {}) => yaml`
  apiVersion: kyverno.io/v1
  kind: ${opts.kind ?? 'ClusterPolicy'}
  metadata:
    name: verify
    ${opts.ns ? `namespace: ${opts.ns}` : ''}
    ${opts.annotations ?? ''}
  spec:
    validationFailureAction: ${opts.action ?? 'Enforce'}
    rules:
      - name: check-sig
        match:
          any:
            - resources:
                kinds: ${opts.kinds ?? '[Pod]'}
                ${opts.extraMatch ?? ''}
        ${opts.exclude ?? ''}
        verifyImages:
          - imageReferences: ${opts.refs ?? '["ghcr.io/acme/*"]'}
            ${opts.skip ? `skipImageReferences: ${opts.skip}` : ''}
            attestors:
              - entries:
                  - keys:
                      publicKeys: |-
                        ${PEM}
`;

describe('manifest/coverage: verifyImages rules covering an image', () => {
  it('matches the Kyverno-normalised image with go-wildcard patterns and summarises the rule', () => {
    const [m, ...rest] = coveringRules(policies(verifyPolicy()), subject('ghcr.io/acme/web:1'));
    assert.equal(rest.length, 0);
    assert.equal(m.policyName, 'verify');
    assert.equal(m.rule.name, 'check-sig');
    assert.equal(m.pattern, 'ghcr.io/acme/*');
    assert.equal(m.normalizedImage, 'ghcr.io/acme/web:1');
    assert.equal(m.applies, 'yes');
    assert.equal(m.via, 'direct');
    assert.equal(m.action, 'Enforce');
    assert.equal(m.attestors, 'keys (1 key)');
  });

  it('normalises before matching: no library/, default docker.io, digest drops the tag', () => {
    const p = policies(verifyPolicy({ refs: '["docker.io/nginx*", "docker.io/library/redis*", "ghcr.io/x/y:*"]' }));
    assert.equal(coveringRules(p, subject('nginx')).length, 1);
    assert.equal(coveringRules(p, subject('redis')).length, 0, 'docker.io/redis does not match docker.io/library/redis*');
    assert.equal(coveringRules(p, subject('ghcr.io/x/y:v1')).length, 1);
    assert.equal(coveringRules(p, subject(`ghcr.io/x/y:v1@sha256:${'a'.repeat(64)}`)).length, 0, 'digest form has no :tag');
  });

  it('reports skipImageReferences as a skip, not as coverage', () => {
    const p = policies(verifyPolicy({ refs: '["ghcr.io/*"]', skip: '["ghcr.io/acme/debug*"]' }));
    assert.equal(coveringRules(p, subject('ghcr.io/acme/debug:1')).length, 0);
    const [m] = imageRuleMatches(p, subject('ghcr.io/acme/debug:1'));
    assert.equal(m.skippedBy?.pattern, 'ghcr.io/acme/debug*');
    assert.equal(coveringRules(p, subject('ghcr.io/acme/web:1')).length, 1);
  });

  it('covers pod controllers through autogen when the rule matches only Pod', () => {
    const p = policies(verifyPolicy());
    for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet', 'ReplicationController']) {
      const [m] = coveringRules(p, subject('ghcr.io/acme/a:1', { kind, apiVersion: 'apps/v1' }));
      assert.equal(m?.via, 'autogen', kind);
      assert.equal(m.applies, 'yes', kind);
    }
    assert.equal(coveringRules(p, subject('ghcr.io/acme/a:1', { kind: 'PodTemplate' })).length, 0);
  });

  it('follows the autogen annotation: a controller list, or none (then the pods are checked at creation)', () => {
    const listed = policies(verifyPolicy({ annotations: 'annotations:\n      pod-policies.kyverno.io/autogen-controllers: Deployment,CronJob' }));
    assert.deepEqual(autogenControllers(listed[0]), ['Deployment', 'CronJob']);
    assert.equal(coveringRules(listed, subject('ghcr.io/acme/a:1', { kind: 'Deployment' }))[0].via, 'autogen');
    const sts = coveringRules(listed, subject('ghcr.io/acme/a:1', { kind: 'StatefulSet' }))[0];
    assert.equal(sts.via, 'pod-creation');
    assert.match(sts.caveats.join(' '), /Pods this StatefulSet creates/);

    const none = policies(verifyPolicy({ annotations: 'annotations:\n      pod-policies.kyverno.io/autogen-controllers: none' }));
    assert.deepEqual(autogenControllers(none[0]), []);
    assert.equal(coveringRules(none, subject('ghcr.io/acme/a:1', { kind: 'Deployment' }))[0].via, 'pod-creation');
  });

  it('turns autogen off when the policy selects by name (the pods are still checked)', () => {
    const p = policies(verifyPolicy({ extraMatch: 'names: ["web-*"]' }));
    assert.deepEqual(autogenControllers(p[0]), []);
    const [m] = coveringRules(p, subject('ghcr.io/acme/a:1', { kind: 'Deployment', name: 'web' }));
    assert.equal(m.via, 'pod-creation');
    assert.equal(m.applies, 'maybe', 'pod names are generated, so a name filter cannot be decided');
  });

  it('matches group/version/kind selectors and does not cover other kinds', () => {
    const p = policies(verifyPolicy({ kinds: '["apps/v1/Deployment"]' }));
    assert.equal(coveringRules(p, subject('ghcr.io/acme/a:1', { kind: 'Deployment', apiVersion: 'apps/v1' }))[0].via, 'direct');
    assert.equal(coveringRules(p, subject('ghcr.io/acme/a:1', { kind: 'Deployment', apiVersion: 'apps/v1beta2' })).length, 0);
    assert.equal(coveringRules(p, subject('ghcr.io/acme/a:1')).length, 0, 'a Deployment rule does not cover a Pod');
    assert.deepEqual(parseKindSelector('apps/v1/Deployment'), { group: 'apps', version: 'v1', kind: 'Deployment' });
    assert.deepEqual(parseKindSelector('v1/Pod'), { version: 'v1', kind: 'Pod' });
    assert.deepEqual(parseKindSelector('Pod/exec'), { kind: 'Pod', subresource: 'exec' });
  });

  it('evaluates namespaces with wildcards (no namespace means default) and Policy scoping', () => {
    const p = policies(verifyPolicy({ extraMatch: 'namespaces: ["team-*"]' }));
    assert.equal(coveringRules(p, subject('ghcr.io/acme/a:1', { namespace: 'team-a' })).length, 1);
    assert.equal(coveringRules(p, subject('ghcr.io/acme/a:1')).length, 0);
    const ns = policies(verifyPolicy({ kind: 'Policy', ns: 'prod' }));
    assert.equal(coveringRules(ns, subject('ghcr.io/acme/a:1', { namespace: 'prod' })).length, 1);
    assert.equal(coveringRules(ns, subject('ghcr.io/acme/a:1', { namespace: 'dev' })).length, 0);
    assert.equal(coveringRules(ns, subject('ghcr.io/acme/a:1')).length, 0);
  });

  it('applies exclude blocks, and says "maybe" for what it cannot evaluate', () => {
    const excluded = policies(verifyPolicy({ exclude: 'exclude:\n          any:\n            - resources:\n                namespaces: [kube-*]' }));
    assert.equal(coveringRules(excluded, subject('ghcr.io/acme/a:1', { namespace: 'kube-tools' })).length, 0);
    assert.equal(coveringRules(excluded, subject('ghcr.io/acme/a:1', { namespace: 'apps' })).length, 1);

    const nsSelector = policies(verifyPolicy({ extraMatch: 'namespaceSelector:\n                  matchLabels: {tier: prod}' }));
    const [m] = coveringRules(nsSelector, subject('ghcr.io/acme/a:1'));
    assert.equal(m.applies, 'maybe');
    assert.match(m.caveats.join(' '), /namespaceSelector/);

    const byUser = policies(verifyPolicy({ exclude: 'exclude:\n          any:\n            - clusterRoles: [cluster-admin]' }));
    const [u] = coveringRules(byUser, subject('ghcr.io/acme/a:1'));
    assert.equal(u.applies, 'maybe');
    assert.match(u.caveats.join(' '), /who applies/);
  });

  it('evaluates label selectors against the resource labels', () => {
    const p = policies(verifyPolicy({ extraMatch: 'selector:\n                  matchLabels: {app: web}' }));
    assert.equal(coveringRules(p, subject('ghcr.io/acme/a:1', { labels: { app: 'web' } })).length, 1);
    assert.equal(coveringRules(p, subject('ghcr.io/acme/a:1', { labels: { app: 'db' } })).length, 0);
  });

  it('reports Audit from the spec, and per-entry failureAction first', () => {
    const audit = policies(verifyPolicy({ action: 'Audit' }));
    assert.equal(coveringRules(audit, subject('ghcr.io/acme/a:1'))[0].action, 'Audit');
    const entry = policies(verifyPolicy({ action: 'Audit' }).replace('- imageReferences:', '- failureAction: Enforce\n          imageReferences:'));
    assert.equal(coveringRules(entry, subject('ghcr.io/acme/a:1'))[0].action, 'Enforce');
  });

  it('summarises attestors: keyless identity, N of M, attestations, deprecated fields', () => {
    const text = yaml`
      apiVersion: kyverno.io/v1
      kind: ClusterPolicy
      metadata: {name: multi}
      spec:
        rules:
          - name: r
            match: {any: [{resources: {kinds: [Pod]}}]}
            verifyImages:
              - imageReferences: ["docker.io/a/*"]
                attestors:
                  - entries:
                      - keyless: {subject: "https://github.com/acme/*", issuer: "https://token.actions.githubusercontent.com"}
              - imageReferences: ["docker.io/b/*"]
                attestors:
                  - count: 2
                    entries:
                      - keys: {kms: "gcpkms://projects/p/keys/k"}
                      - keys: {secret: {name: cosign, namespace: kyverno}}
                      - certificates: {cert: "x"}
              - imageReferences: ["docker.io/c/*"]
                attestations:
                  - type: https://slsa.dev/provenance/v0.2
                    attestors:
                      - entries: [{keyless: {subjectRegExp: ".*"}}]
              - image: "docker.io/d/*"
                key: "-----BEGIN PUBLIC KEY----- MFkw -----END PUBLIC KEY-----"
    `;
    const p = policies(text);
    const at = (img: string) => coveringRules(p, subject(img))[0].attestors;
    assert.equal(at('a/x:1'), 'keyless subject=https://github.com/acme/*, issuer=https://token.actions.githubusercontent.com');
    assert.equal(at('b/x:1'), '2 of 3 attestors (keys (KMS gcpkms://projects/p/keys/k); keys (secret kyverno/cosign); certificate)');
    assert.equal(at('c/x:1'), '1 attestation (https://slsa.dev/provenance/v0.2)');
    assert.match(at('d/x:1'), /^keys \(1 key, deprecated `key` field\)$/);
  });

  it('builds the subject from an extracted image (namespace, labels, pod template labels)', () => {
    const file = parseYamlFile('file:///w/m.yaml', fixture('manifests/helm-rendered.yaml'));
    const s = subjectOf(imagesInFile(file)[1]);
    assert.equal(s.kind, 'Deployment');
    assert.equal(s.name, 'web');
    assert.equal(s.namespace, undefined);
    assert.deepEqual(s.labels, { 'app.kubernetes.io/name': 'web' });
    assert.deepEqual(s.podLabels, { app: 'web' });
    assert.equal(s.list, 'containers');
  });
});

describe('manifest/coverage: validate patterns restricting images', () => {
  const restrictPolicy = (validate: string, kinds = '[Pod]') => policies(yaml`
    apiVersion: kyverno.io/v1
    kind: ClusterPolicy
    metadata: {name: restrict}
    spec:
      validationFailureAction: Enforce
      rules:
        - name: registries
          match: {any: [{resources: {kinds: ${kinds}}}]}
          validate:
            message: Only approved registries.
${validate}
  `);

  const pattern = `            pattern:
              spec:
                =(initContainers):
                  - image: "registry.example.com/* | ghcr.io/acme/*"
                containers:
                  - image: "registry.example.com/* | ghcr.io/acme/*"`;

  it('blocks an image outside the allowed registries and allows one inside', () => {
    const p = restrictPolicy(pattern);
    const [blocked] = registryRestrictions(p, subject('docker.io/nginx:1'));
    assert.equal(blocked.passes, 'no');
    assert.equal(blocked.outcome, 'blocked');
    assert.equal(blocked.message, 'Only approved registries.');
    assert.equal(blocked.patterns[0].pattern, 'registry.example.com/* | ghcr.io/acme/*');
    assert.equal(registryRestrictions(p, subject('ghcr.io/acme/web:1'))[0].outcome, 'allowed');
  });

  it('follows =(initContainers) anchors and autogen paths for controllers', () => {
    const p = restrictPolicy(pattern);
    assert.equal(registryRestrictions(p, subject('nginx', { list: 'initContainers' }))[0].outcome, 'blocked');
    const [d] = registryRestrictions(p, subject('nginx', { kind: 'Deployment', apiVersion: 'apps/v1' }));
    assert.equal(d.via, 'autogen');
    assert.equal(d.outcome, 'blocked');
    assert.deepEqual(registryRestrictions(p, subject('nginx', { list: 'ephemeralContainers' })), [], 'pattern says nothing about ephemeral containers');
  });

  it('reads pod-controller patterns written for the controller kind', () => {
    const p = restrictPolicy(`            pattern:
              spec:
                template:
                  spec:
                    containers:
                      - image: "registry.example.com/*"`, '[Deployment]');
    assert.equal(registryRestrictions(p, subject('nginx', { kind: 'Deployment', apiVersion: 'apps/v1' }))[0].outcome, 'blocked');
    assert.deepEqual(registryRestrictions(p, subject('nginx')), []);
  });

  it('passes anyPattern when any alternative accepts the image', () => {
    const p = restrictPolicy(`            anyPattern:
              - spec:
                  containers:
                    - image: "registry.example.com/*"
              - spec:
                  containers:
                    - image: "mirror.example.com/*"`);
    assert.equal(registryRestrictions(p, subject('mirror.example.com/x:1'))[0].outcome, 'allowed');
    const [r] = registryRestrictions(p, subject('nginx'));
    assert.equal(r.source, 'anyPattern');
    assert.equal(r.patterns.length, 2);
    assert.equal(r.outcome, 'blocked');
  });

  it('reports Audit rules as audited, and conditional anchors on the container name', () => {
    const audit = policies(restrictPolicy(pattern).map((d) => d.doc.toString()).join('').replace('Enforce', 'Audit'));
    assert.equal(registryRestrictions(audit, subject('nginx'))[0].outcome, 'audited');
    const conditional = restrictPolicy(`            pattern:
              spec:
                containers:
                  - (name): "app-*"
                    image: "registry.example.com/*"`);
    assert.equal(registryRestrictions(conditional, subject('nginx', { containerName: 'app-1' }))[0].outcome, 'blocked');
    assert.equal(registryRestrictions(conditional, subject('nginx', { containerName: 'sidecar' }))[0].outcome, 'allowed');
  });

  it('implements Kyverno string patterns: |, &, !, ?*', () => {
    assert.equal(patternValueMatches('a/* | b/*', 'b/x'), 'yes');
    assert.equal(patternValueMatches('!*:latest', 'nginx:latest'), 'no');
    assert.equal(patternValueMatches('!*:latest', 'nginx:1'), 'yes');
    assert.equal(patternValueMatches('r/* & !*:latest', 'r/x:latest'), 'no');
    assert.equal(patternValueMatches('?*', ''), 'no');
    assert.equal(patternValueMatches('{{ allowed }}', 'x'), 'maybe');
  });
});
