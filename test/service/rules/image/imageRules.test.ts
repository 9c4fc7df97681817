import { strict as assert } from 'node:assert';
import { fixture, textAt, validate, withCode, yaml } from '../../../support/service';
import { Severity } from '../../../../server/src/service/types';
import { defaultSettings } from '../../../../server/src/service/settings';

const SHA = 'sha256:' + 'ab'.repeat(32);
const pod = (image: string, extra = '') => yaml`
  apiVersion: v1
  kind: Pod
  metadata:
    name: p
  spec:
    containers:
      - name: c
        image: ${image}${extra}
`;

function only(text: string, code: string, uri?: string) {
  return withCode(validate(text, defaultSettings, uri), code);
}

describe('rule image-invalid-reference', () => {
  it('reports an uppercase repository on the image value, with the reason and the fix', () => {
    const text = pod('ghcr.io/Acme/app:1');
    const [d, ...rest] = only(text, 'image-invalid-reference');
    assert.equal(rest.length, 0);
    assert.equal(d.severity, Severity.Error);
    assert.equal(textAt(text, d), 'ghcr.io/Acme/app:1');
    assert.match(d.message, /must be lowercase/);
    assert.match(d.message, /registry\/repository:tag@sha256/);
  });

  it('reports a short digest and covers a quoted value including its quotes', () => {
    const text = pod('"nginx@sha256:abc"');
    const [d] = only(text, 'image-invalid-reference');
    assert.equal(textAt(text, d), '"nginx@sha256:abc"');
    assert.match(d.message, /needs exactly 64/);
  });

  it('reports kustomize overrides on the field that holds the bad part', () => {
    const text = yaml`
      kind: Kustomization
      images:
        - name: app
          newTag: "-bad"
        - name: other
          digest: sha256:1234
    `;
    const found = only(text, 'image-invalid-reference', 'file:///w/kustomization.yaml');
    assert.deepEqual(found.map((d) => textAt(text, d)), ['"-bad"', 'sha256:1234']);
  });

  it('accepts valid references and ignores template placeholders', () => {
    assert.deepEqual(only(pod(`ghcr.io/acme/app:1.2@${SHA}`), 'image-invalid-reference'), []);
    assert.deepEqual(only(pod('"{{ .Values.image.repository }}:{{ .Values.image.tag }}"'), 'image-invalid-reference'), []);
    assert.deepEqual(only(pod('${IMAGE}'), 'image-invalid-reference'), []);
  });

  it('stays out of documents that are not workloads', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  image: NOT VALID\n';
    assert.deepEqual(only(text, 'image-invalid-reference'), []);
  });
});

describe('rule image-latest-tag', () => {
  it('warns on :latest, on the image value', () => {
    const text = fixture('manifests/helm-rendered.yaml');
    const found = only(text, 'image-latest-tag');
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, Severity.Warning);
    assert.equal(textAt(text, found[0]), 'envoyproxy/envoy:latest');
    assert.match(found[0].message, /envoyproxy\/envoy:<version>@sha256:<digest>/);
  });

  it('warns on a kustomize newTag: latest, on the newTag value', () => {
    const text = fixture('manifests/kustomization.yaml');
    const found = only(text, 'image-latest-tag', 'file:///w/kustomization.yaml');
    assert.deepEqual(found.map((d) => textAt(text, d)), ['latest']);
  });

  it('does not warn when a digest pins the image, or for other tags', () => {
    assert.deepEqual(only(pod(`nginx:latest@${SHA}`), 'image-latest-tag'), []);
    assert.deepEqual(only(pod('nginx:latest-alpine'), 'image-latest-tag'), []);
    assert.deepEqual(only(pod('nginx'), 'image-latest-tag'), []);
  });
});

describe('rule image-no-tag', () => {
  it('warns on an image without tag or digest, saying it means latest', () => {
    const text = fixture('manifests/helm-rendered.yaml');
    const [d, ...rest] = only(text, 'image-no-tag');
    assert.equal(rest.length, 0);
    assert.equal(d.severity, Severity.Warning);
    assert.equal(textAt(text, d), 'busybox');
    assert.match(d.message, /"busybox:latest"/);
  });

  it('treats localhost:5000 (no slash) as the image "localhost" with tag 5000, not as untagged', () => {
    assert.deepEqual(only(pod('localhost:5000'), 'image-no-tag'), []);
  });

  it('does not warn on tagged or digest-only images, or a kustomize rename that keeps the tag', () => {
    assert.deepEqual(only(pod('nginx:1.27'), 'image-no-tag'), []);
    assert.deepEqual(only(pod(`nginx@${SHA}`), 'image-no-tag'), []);
    assert.deepEqual(only(fixture('manifests/kustomization.yaml'), 'image-no-tag', 'file:///w/kustomization.yaml'), []);
  });
});

describe('rule image-not-pinned', () => {
  it('hints on a version tag without digest, suggesting the pinned form', () => {
    const text = pod('ghcr.io/acme/app:1.2.3');
    const [d] = only(text, 'image-not-pinned');
    assert.equal(d.severity, Severity.Hint);
    assert.equal(textAt(text, d), 'ghcr.io/acme/app:1.2.3');
    assert.match(d.message, /ghcr\.io\/acme\/app:1\.2\.3@sha256:<digest>/);
  });

  it('can be raised through settings.severity', () => {
    const [d] = withCode(validate(pod('app:1'), { severity: { 'image-not-pinned': 'error' } }), 'image-not-pinned');
    assert.equal(d.severity, Severity.Error);
  });

  it('does not fire on digests, latest or untagged images (their own rules cover those)', () => {
    assert.deepEqual(only(pod(`app:1@${SHA}`), 'image-not-pinned'), []);
    assert.deepEqual(only(pod('app:latest'), 'image-not-pinned'), []);
    assert.deepEqual(only(pod('app'), 'image-not-pinned'), []);
  });

  it('fires on a kustomize newTag without digest, not on one with a digest', () => {
    const text = fixture('manifests/kustomization.yaml');
    const found = only(text, 'image-not-pinned', 'file:///w/kustomization.yaml');
    assert.deepEqual(found.map((d) => textAt(text, d)), ['nginx']);
  });
});

describe('rule image-pull-policy-hides-updates', () => {
  it('warns on IfNotPresent with latest, on the imagePullPolicy value', () => {
    const text = pod('app:latest', '\n        imagePullPolicy: IfNotPresent');
    const [d] = only(text, 'image-pull-policy-hides-updates');
    assert.equal(d.severity, Severity.Warning);
    assert.equal(textAt(text, d), 'IfNotPresent');
    assert.match(d.message, /pin the image to a digest/i);
  });

  it('warns on Never with an untagged image', () => {
    const text = pod('app', '\n        imagePullPolicy: Never');
    const [d] = only(text, 'image-pull-policy-hides-updates');
    assert.equal(textAt(text, d), 'Never');
    assert.equal(d.severity, Severity.Warning);
  });

  it('is informational for a version tag', () => {
    const text = fixture('manifests/helm-rendered.yaml');
    const [d, ...rest] = only(text, 'image-pull-policy-hides-updates');
    assert.equal(rest.length, 0);
    assert.equal(d.severity, Severity.Information);
    assert.equal(textAt(text, d), 'IfNotPresent');
  });

  it('does not fire with a digest, with Always, or without an explicit policy', () => {
    assert.deepEqual(only(pod(`app:latest@${SHA}`, '\n        imagePullPolicy: IfNotPresent'), 'image-pull-policy-hides-updates'), []);
    assert.deepEqual(only(pod('app:latest', '\n        imagePullPolicy: Always'), 'image-pull-policy-hides-updates'), []);
    assert.deepEqual(only(pod('app:1'), 'image-pull-policy-hides-updates'), []);
  });
});
