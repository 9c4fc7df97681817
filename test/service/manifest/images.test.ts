import { strict as assert } from 'node:assert';
import { parseYamlFile } from '../../../server/src/service/document/yamlFile';
import { imagesInFile, kustomizeImages, podSpecPath } from '../../../server/src/service/manifest/images';
import { fixture, yaml } from '../../support/service';

const parse = (text: string, uri = 'file:///w/manifest.yaml') => parseYamlFile(uri, text);
const sliceOf = (text: string, node: { range?: [number, number, number] | null }) => text.slice(node.range![0], node.range![1]);

describe('manifest/images: image extraction', () => {
  it('finds images in every pod-bearing kind and every container list, with paths', () => {
    const text = fixture('manifests/all-pod-kinds.yaml');
    const found = imagesInFile(parse(text));
    const rows = found.filter((o) => !o.templated).map((o) => `${o.resourceKind} ${o.path.join('/')} ${o.image}`);
    assert.deepEqual(rows, [
      'Pod spec/initContainers/0/image registry.example.com/init:1',
      'Pod spec/containers/0/image registry.example.com/main:1',
      'Pod spec/ephemeralContainers/0/image busybox:1.36',
      'StatefulSet spec/template/spec/containers/0/image postgres:16',
      'DaemonSet spec/template/spec/containers/0/image agent:3',
      'ReplicaSet spec/template/spec/containers/0/image rs:1',
      'ReplicationController spec/template/spec/containers/0/image rc:1',
      'Job spec/template/spec/containers/0/image job:1',
      'PodTemplate template/spec/containers/0/image tpl:1',
    ]);
  });

  it('ignores empty and whitespace images, missing ones and other kinds; marks template placeholders', () => {
    const found = imagesInFile(parse(fixture('manifests/all-pod-kinds.yaml')));
    const empties = found.filter((o) => o.resourceName === 'empty-images');
    assert.deepEqual(empties.map((o) => [o.containerName, o.templated]), [['templated', true]]);
    assert.ok(!found.some((o) => o.image === 'ignored:1'));
  });

  it('works on Helm-rendered output and keeps nodes, names, namespace and pull policy', () => {
    const text = fixture('manifests/helm-rendered.yaml');
    const found = imagesInFile(parse(text));
    assert.deepEqual(found.map((o) => [o.resourceKind, o.list, o.containerName, o.image]), [
      ['Deployment', 'initContainers', 'migrate', 'ghcr.io/acme/web-migrate:2.3.1'],
      ['Deployment', 'containers', 'web', 'ghcr.io/acme/web:2.3.1'],
      ['Deployment', 'containers', 'sidecar', 'envoyproxy/envoy:latest'],
      ['CronJob', 'containers', 'cleanup', 'busybox'],
    ]);
    const web = found[1];
    assert.equal(sliceOf(text, web.node), '"ghcr.io/acme/web:2.3.1"');
    assert.equal(web.pullPolicy, 'IfNotPresent');
    assert.equal(sliceOf(text, web.pullPolicyNode!), 'IfNotPresent');
    assert.equal(web.resourceName, 'web');
    assert.equal(web.namespace, undefined);
    assert.equal(web.doc.index, 1);
    const cron = found[3];
    assert.deepEqual(cron.path, ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0, 'image']);
    assert.equal(cron.namespace, 'jobs');
  });

  it('skips non-string image values', () => {
    const text = yaml`
      apiVersion: v1
      kind: Pod
      metadata: {name: p}
      spec:
        containers:
          - name: a
            image: 42
          - name: b
            image: [x]
          - plain-string-entry
    `;
    assert.deepEqual(imagesInFile(parse(text)), []);
  });

  it('knows where each kind keeps its pod spec', () => {
    assert.deepEqual(podSpecPath('Pod'), ['spec']);
    assert.deepEqual(podSpecPath('Deployment'), ['spec', 'template', 'spec']);
    assert.deepEqual(podSpecPath('CronJob'), ['spec', 'jobTemplate', 'spec', 'template', 'spec']);
    assert.deepEqual(podSpecPath('PodTemplate'), ['template', 'spec']);
    assert.equal(podSpecPath('ConfigMap'), undefined);
  });
});

describe('manifest/images: kustomization images', () => {
  it('reads name/newName/newTag/digest with their nodes and the image each entry produces', () => {
    const text = fixture('manifests/kustomization.yaml');
    const file = parse(text, 'file:///w/kustomization.yaml');
    assert.equal(file.docs[0].kind, 'kustomization');
    const entries = kustomizeImages(file.docs[0]);
    assert.deepEqual(entries.map((e) => [e.name, e.newName, e.newTag, e.result]), [
      ['nginx', undefined, '1.27.0', 'nginx:1.27.0'],
      ['ghcr.io/acme/api', 'registry.example.com/acme/api', undefined,
        'registry.example.com/acme/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'],
      ['redis', 'mirror.example.com/redis', undefined, undefined],
      ['busybox', undefined, 'latest', 'busybox:latest'],
    ]);
    assert.equal(sliceOf(text, entries[0].newTagNode!), '1.27.0');
    assert.equal(sliceOf(text, entries[1].digestNode!).slice(0, 7), 'sha256:');
    assert.deepEqual(entries[3].path, ['images', 3]);
  });

  it('keeps an unquoted numeric newTag exactly as written', () => {
    const text = 'kind: Kustomization\nimages:\n  - name: app\n    newTag: 1.20\n';
    const [entry] = kustomizeImages(parse(text, 'file:///w/kustomization.yaml').docs[0]);
    assert.equal(entry.newTag, '1.20');
    assert.equal(entry.result, 'app:1.20');
  });
});
