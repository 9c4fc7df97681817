// Image lists and SPDX SBOMs as text in, references with their exact ranges out.
import { strict as assert } from 'node:assert';
import { detectKind, isImageListName, ociPurlImage, pinnedReference, readImageList, spdxIdImage } from '../../../server/src/service/imageList/imageList';

const DIGEST = `sha256:${'45b23dee'.repeat(8)}`;

describe('service: image lists and SBOMs', () => {
  it('a plain list: one reference per line with its range; comments, blanks and invalid lines', () => {
    const text = '# images\n\nregistry.k8s.io/kube-apiserver:v1.29.0\n  registry.k8s.io/etcd:3.5.10-0  # etcd\nNOT/Valid:ref\n';
    const list = readImageList(text);
    assert.equal(list.kind, 'list');
    assert.deepEqual(list.images.map((i) => [i.reference, i.line, i.start, i.end, !!i.invalid]), [
      ['registry.k8s.io/kube-apiserver:v1.29.0', 2, 0, 38, false],
      ['registry.k8s.io/etcd:3.5.10-0', 3, 2, 31, false],
      ['NOT/Valid:ref', 4, 0, 13, true],
    ]);
  });

  it("the seed's SPDX-ID reading, and not for layer packages", () => {
    assert.equal(spdxIdImage('SPDXRef-Package-registry.k8s.io-kube-apiserver-amd64-v1.29.0'), 'registry.k8s.io/kube-apiserver-amd64:v1.29.0');
    assert.equal(spdxIdImage('SPDXRef-Package-registry.k8s.io-pause-v1.29.0'), 'registry.k8s.io/pause:v1.29.0');
    assert.equal(spdxIdImage(`SPDXRef-Package-sha256-${'ab'.repeat(32)}`), undefined);
    assert.equal(spdxIdImage('SPDXRef-Package-kubernetes-v1.29.0'), undefined);
  });

  it('pkg:oci package URLs: repository_url with or without the name, tag and digest', () => {
    assert.equal(ociPurlImage(`pkg:oci/kube-apiserver@${DIGEST.replace(':', '%3A')}?repository_url=registry.k8s.io&tag=v1.29.0`), `registry.k8s.io/kube-apiserver:v1.29.0@${DIGEST}`);
    assert.equal(ociPurlImage('pkg:oci/debian?repository_url=docker.io/library/debian&tag=12'), 'docker.io/library/debian:12');
    assert.equal(ociPurlImage('pkg:golang/github.com/x/y@v1.0.0'), undefined);
  });

  it('SPDX tag-value: image packages by name, by purl or by SPDX ID; other packages ignored; duplicates once', () => {
    const text = [
      'SPDXVersion: SPDX-2.3',
      'SPDXID: SPDXRef-DOCUMENT',
      'PackageName: registry.k8s.io/kube-apiserver-amd64:v1.29.0',
      'SPDXID: SPDXRef-Package-registry.k8s.io-kube-apiserver-amd64-v1.29.0',
      `PackageName: sha256:${'ab'.repeat(32)}`,
      `SPDXID: SPDXRef-Package-sha256-${'ab'.repeat(32)}`,
      'PackageName: github.com/spf13/cobra',
      'SPDXID: SPDXRef-Package-github.com-spf13-cobra-v1.8.0',
      'PackageName: scheduler',
      'SPDXID: SPDXRef-Package-scheduler',
      `ExternalRef: PACKAGE-MANAGER purl pkg:oci/kube-scheduler@${DIGEST}?repository_url=registry.k8s.io/kube-scheduler&tag=v1.29.0`,
      'PackageName: registry.k8s.io/kube-apiserver-amd64:v1.29.0',
      'SPDXID: SPDXRef-Package-again',
    ].join('\n');
    assert.equal(detectKind(text), 'spdx-tag-value');
    assert.deepEqual(readImageList(text).images.map((i) => [i.reference, i.line, i.start]), [
      ['registry.k8s.io/kube-apiserver-amd64:v1.29.0', 2, 13],
      [`registry.k8s.io/kube-scheduler:v1.29.0@${DIGEST}`, 8, 13],
    ]);
  });

  it('SPDX JSON: packages in document order with the range of their name', () => {
    const text = JSON.stringify({ spdxVersion: 'SPDX-2.3', packages: [{ name: 'registry.k8s.io/etcd:3.5.10-0', SPDXID: 'SPDXRef-Package-etcd' }, { name: 'notes', SPDXID: 'SPDXRef-Package-notes' }] }, null, 2);
    const list = readImageList(text);
    assert.equal(list.kind, 'spdx-json');
    assert.equal(list.images.length, 1);
    const [img] = list.images;
    assert.equal(text.split('\n')[img.line].slice(img.start, img.end), 'registry.k8s.io/etcd:3.5.10-0');
  });

  it('names and pins', () => {
    assert.ok(isImageListName('images.txt') && isImageListName('/x/release-images.txt') && !isImageListName('images.yaml'));
    assert.equal(pinnedReference('registry.k8s.io/pause:3.9', DIGEST), `registry.k8s.io/pause:3.9@${DIGEST}`);
    assert.equal(pinnedReference(`registry.k8s.io/pause:3.9@sha256:${'0'.repeat(64)}`, DIGEST), `registry.k8s.io/pause:3.9@${DIGEST}`);
  });
});
