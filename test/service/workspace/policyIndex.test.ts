import { strict as assert } from 'node:assert';
import { parseYamlFile } from '../../../server/src/service/document/yamlFile';
import { PolicyIndex } from '../../../server/src/service/workspace/policyIndex';
import { fixture, yaml } from '../../support/service';

const parse = (uri: string, text: string) => parseYamlFile(uri, text);
const names = (index: PolicyIndex) => index.policies().map((p) => String((p.doc.toJS() as { metadata: { name: string } }).metadata.name));

const policy = (name: string, pattern = 'ghcr.io/acme/*') => yaml`
  apiVersion: kyverno.io/v1
  kind: ClusterPolicy
  metadata:
    name: ${name}
  spec:
    rules:
      - name: verify
        match:
          any:
            - resources:
                kinds: [Pod]
        verifyImages:
          - imageReferences: ["${pattern}"]
`;

const pod = (...images: string[]) =>
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n' +
  images.map((image, i) => `    - name: c${i}\n      image: ${JSON.stringify(image)}\n`).join('');

describe('workspace/PolicyIndex', () => {
  it('holds the policy documents of every file, by uri, and forgets them on remove', () => {
    const index = new PolicyIndex();
    index.update('file:///w/b.yaml', parse('file:///w/b.yaml', policy('b')));
    index.update('file:///w/a.yaml', parse('file:///w/a.yaml', `${policy('a1')}---\n${policy('a2')}`));
    assert.deepEqual(names(index), ['a1', 'a2', 'b'], 'sorted by uri, document order within a file');
    assert.equal(index.uriOf(index.policies()[2]), 'file:///w/b.yaml');
    assert.equal(index.remove('file:///w/a.yaml'), true);
    assert.deepEqual(names(index), ['b']);
    assert.equal(index.remove('file:///w/a.yaml'), false, 'removing twice changes nothing');
  });

  it('keeps ImageValidatingPolicy and ClusterImagePolicy documents too', () => {
    const index = new PolicyIndex();
    const text = 'apiVersion: policies.kyverno.io/v1\nkind: ImageValidatingPolicy\nmetadata: {name: ivp}\n---\napiVersion: policy.sigstore.dev/v1beta1\nkind: ClusterImagePolicy\nmetadata: {name: cip}\n';
    index.update('file:///w/p.yaml', parse('file:///w/p.yaml', text));
    assert.deepEqual(index.policies().map((p) => p.kind), ['image-validating-policy', 'cluster-image-policy']);
    assert.equal(index.hasVerificationPolicy(), false, 'only Kyverno verifyImages rules count for coverage');
  });

  it('bumps policyVersion only when policy text changes; version on every change', () => {
    const index = new PolicyIndex();
    assert.equal(index.update('file:///w/p.yaml', parse('file:///w/p.yaml', policy('p'))), true);
    const [v, pv] = [index.version, index.policyVersion];
    assert.equal(index.update('file:///w/p.yaml', parse('file:///w/p.yaml', policy('p'))), false, 'same text: no policy change');
    assert.equal(index.policyVersion, pv);
    assert.equal(index.update('file:///w/m.yaml', parse('file:///w/m.yaml', pod('nginx'))), false, 'a manifest is not a policy change');
    assert.equal(index.policyVersion, pv);
    assert.ok(index.version > v);
    assert.equal(index.update('file:///w/p.yaml', parse('file:///w/p.yaml', policy('p', 'ghcr.io/other/*'))), true);
    assert.equal(index.policyVersion, pv + 1);
  });

  it('lets the open buffer win over the disk copy, and falls back to the disk copy when it closes', () => {
    const index = new PolicyIndex();
    const uri = 'file:///w/p.yaml';
    index.update(uri, parse(uri, policy('on-disk')), 'disk');
    assert.equal(index.update(uri, parse(uri, policy('in-editor')), 'open'), true);
    assert.deepEqual(names(index), ['in-editor']);
    assert.equal(index.update(uri, parse(uri, policy('saved-elsewhere')), 'disk'), false, 'a disk change under an open buffer changes nothing');
    assert.deepEqual(names(index), ['in-editor']);
    assert.equal(index.update(uri, parse(uri, 'kind: ConfigMap\n'), 'open'), true, 'an emptied buffer still shadows the disk copy');
    assert.deepEqual(names(index), []);
    assert.equal(index.remove(uri, 'open'), true);
    assert.deepEqual(names(index), ['saved-elsewhere']);
  });

  it('drops disk files that hold neither policies nor workload images', () => {
    const index = new PolicyIndex();
    index.update('file:///w/cm.yaml', parse('file:///w/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\n'));
    assert.equal(index.size, 0);
    index.update('file:///w/m.yaml', parse('file:///w/m.yaml', pod('nginx')));
    assert.equal(index.size, 1);
  });

  it('answers which workspace images a pattern matches, in Kyverno-normalised form, skipping templates', () => {
    const index = new PolicyIndex();
    index.update('file:///w/m.yaml', parse('file:///w/m.yaml', pod('nginx', 'ghcr.io/acme/web:1', '{{ .Values.image }}', `ghcr.io/acme/api@sha256:${'a'.repeat(64)}`)));
    assert.deepEqual(index.images().map((i) => i.normalized), ['docker.io/nginx:latest', 'ghcr.io/acme/web:1', `ghcr.io/acme/api@sha256:${'a'.repeat(64)}`]);
    const acme = index.imagesMatching('ghcr.io/acme/*');
    assert.deepEqual(acme.map((i) => [i.image, i.line, i.resourceKind, i.resourceName]), [
      ['ghcr.io/acme/web:1', 9, 'Pod', 'p'],
      [`ghcr.io/acme/api@sha256:${'a'.repeat(64)}`, 13, 'Pod', 'p'],
    ]);
    assert.deepEqual(index.imagesMatching('docker.io/nginx:*').map((i) => i.image), ['nginx']);
    assert.deepEqual(index.imagesMatching('docker.io/library/nginx*'), [], 'Kyverno adds no library/');
  });

  it('indexes the fixture workspace: two verification policies, one restriction policy, six manifest images', () => {
    const index = new PolicyIndex();
    for (const name of ['policies/verify.yaml', 'policies/restrict.yaml', 'manifests/app.yaml']) {
      index.update(`file:///w/${name}`, parse(`file:///w/${name}`, fixture(`workspace/${name}`)));
    }
    assert.deepEqual(names(index), ['allowed-registries', 'verify-acme', 'verify-payments'], 'restrict.yaml sorts before verify.yaml');
    assert.equal(index.hasVerificationPolicy(), true);
    assert.equal(index.images().length, 6);
  });
});
