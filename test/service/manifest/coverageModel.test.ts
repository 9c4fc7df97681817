import { strict as assert } from 'node:assert';
import { parseYamlFile, YamlDoc } from '../../../server/src/service/document/yamlFile';
import {
  coverageModel, imageRuleMatches, ImageSubject, registryRestrictions,
} from '../../../server/src/service/manifest/coverage';
import { coverageHint } from '../../../server/src/service/workspace/coverageHint';
import { yaml } from '../../support/service';

// The coverage answers are memoised per set of policy documents and per workload: these tests pin down that
// the memos never serve an answer that belongs to other policies or to another workload.

const policy = (name: string, refs: string, extra = '') => yaml`
  apiVersion: kyverno.io/v1
  kind: ClusterPolicy
  metadata:
    name: ${name}
  spec:
    validationFailureAction: Enforce
    rules:
      - name: check
        match:
          any:
            - resources:
                kinds: [Pod]
                ${extra}
        verifyImages:
          - imageReferences: ${refs}
            attestors:
              - entries:
                  - keyless:
                      subject: dev@acme.example
                      issuer: https://accounts.example
`;

const registryPolicy = yaml`
  apiVersion: kyverno.io/v1
  kind: ClusterPolicy
  metadata:
    name: registries
  spec:
    validationFailureAction: Enforce
    rules:
      - name: allowed
        match:
          any:
            - resources:
                kinds: [Pod]
        validate:
          message: use the internal registry
          pattern:
            spec:
              containers:
                - image: "registry.acme.example/*"
`;

function docs(text: string): YamlDoc[] {
  return parseYamlFile('file:///w/p.yaml', text).docs.filter((d) => d.kind === 'kyverno-policy');
}

const pod = (image: string, extra: Partial<ImageSubject> = {}): ImageSubject => ({ image, kind: 'Pod', apiVersion: 'v1', name: 'web', namespace: 'prod', ...extra });

describe('manifest/coverage: memoised coverage model', () => {
  it('builds one model per array of policy documents and reuses it', () => {
    const policies = docs(policy('a', '["ghcr.io/acme/*"]'));
    assert.equal(coverageModel(policies), coverageModel(policies));
    assert.equal(coverageModel(policies).entries.length, 1);
  });

  it('rebuilds the model when the same array now holds other documents', () => {
    const policies = docs(policy('a', '["ghcr.io/acme/*"]'));
    assert.equal(imageRuleMatches(policies, pod('ghcr.io/other/app:v1')).length, 0);
    policies.push(...docs(policy('b', '["ghcr.io/other/*"]')));
    const matches = imageRuleMatches(policies, pod('ghcr.io/other/app:v1'));
    assert.deepEqual(matches.map((m) => m.policyName), ['b']);
  });

  it('answers per workload: the same image in a workload the rule does not select is not covered', () => {
    const policies = docs(policy('a', '["ghcr.io/acme/*"]', 'namespaces: [prod]'));
    assert.equal(imageRuleMatches(policies, pod('ghcr.io/acme/web:v1')).length, 1);
    assert.equal(imageRuleMatches(policies, pod('ghcr.io/acme/web:v1', { namespace: 'dev' })).length, 0);
    assert.equal(imageRuleMatches(policies, pod('ghcr.io/acme/web:v1')).length, 1);
  });

  it('answers per label set: a selector on labels sees each workload\'s own labels', () => {
    const policies = docs(policy('a', '["ghcr.io/acme/*"]', 'selector: {matchLabels: {tier: web}}'));
    assert.equal(imageRuleMatches(policies, pod('ghcr.io/acme/web:v1', { labels: { tier: 'web' } })).length, 1);
    assert.equal(imageRuleMatches(policies, pod('ghcr.io/acme/web:v1', { labels: { tier: 'db' } })).length, 0);
  });

  it('returns a fresh array each time, with equal content', () => {
    const policies = docs(policy('a', '["ghcr.io/acme/*"]'));
    const first = imageRuleMatches(policies, pod('ghcr.io/acme/web:v1'));
    first.length = 0;
    const second = imageRuleMatches(policies, pod('ghcr.io/acme/web:v1'));
    assert.equal(second.length, 1);
    assert.equal(second[0].normalizedImage, 'ghcr.io/acme/web:v1');
    assert.equal(second[0].attestors, 'keyless subject=dev@acme.example, issuer=https://accounts.example');
  });

  it('evaluates registry restrictions against each image and container list', () => {
    const policies = docs(registryPolicy);
    assert.equal(registryRestrictions(policies, pod('registry.acme.example/web:v1', { list: 'containers' }))[0].passes, 'yes');
    assert.equal(registryRestrictions(policies, pod('docker.io/nginx:1', { list: 'containers' }))[0].passes, 'no');
    // The pattern says nothing about init containers.
    assert.equal(registryRestrictions(policies, pod('docker.io/nginx:1', { list: 'initContainers' })).length, 0);
  });

  it('keeps coverage hints per image', () => {
    const policies = docs(policy('a', '["ghcr.io/acme/*"]'));
    assert.equal(coverageHint(policies, pod('ghcr.io/acme/web:v1'))?.kind, 'not-selected');
    assert.equal(coverageHint(policies, pod('ghcr.io/other/web:v1'))?.kind, 'same-registry');
    assert.equal(coverageHint(policies, pod('quay.io/other/web:v1')), undefined);
  });
});
