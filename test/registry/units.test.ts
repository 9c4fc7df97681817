// The pieces around the network: challenge parsing, credential sources, settings, the pinned text and the
// code actions that offer pinning.
import { strict as assert } from 'node:assert';
import { kustomizeDigestEdit } from '../../server/src/commands/pinEdit';
import { parseYamlFile } from '../../server/src/service/document/yamlFile';
import { kustomizeImages } from '../../server/src/service/manifest/images';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseChallenge, parseTokenResponse } from '../../server/src/registry/auth';
import { findCredentials } from '../../server/src/registry/credentials';
import { redact } from '../../server/src/registry/errors';
import { parseRegistrySettings } from '../../server/src/registry/settings';
import { pinEditAt, pinnedImage } from '../../server/src/commands/pinEdit';
import { service, textAt, withCode, yaml } from '../support/service';
import { tempDir } from '../support/registry';

const D = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('registry: challenges and tokens', () => {
  it('parses a Bearer challenge with quoted parameters', () => {
    const c = parseChallenge('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull"');
    assert.deepEqual(c, { scheme: 'bearer', params: { realm: 'https://auth.example.com/token', service: 'registry.example.com', scope: 'repository:a/b:pull' } });
  });

  it('parses Basic and unquoted parameters, and nothing from an empty header', () => {
    assert.deepEqual(parseChallenge('Basic realm=registry'), { scheme: 'basic', params: { realm: 'registry' } });
    assert.equal(parseChallenge(undefined), undefined);
  });

  it('reads `token` or `access_token`, defaulting expires_in to 60 s', () => {
    assert.deepEqual(parseTokenResponse(Buffer.from('{"access_token":"abc"}')), { token: 'abc', expiresIn: 60 });
    assert.deepEqual(parseTokenResponse(Buffer.from('{"token":"t","expires_in":300}')), { token: 't', expiresIn: 300 });
    assert.equal(parseTokenResponse(Buffer.from('{"nope":1}')), undefined);
  });

  it('redacts secrets and their base64 forms', () => {
    const out = redact(`pw=hunter22 basic=${Buffer.from('hunter22').toString('base64')}`, ['hunter22']);
    assert.equal(out, 'pw=*** basic=***');
  });
});

describe('registry: settings and credential sources', () => {
  it('keeps valid imageTrust.registries entries, normalising the host', () => {
    const s = parseRegistrySettings([{ host: 'https://Registry.Example.com:5000/' , username: 'u', password: 'p', insecure: true }, { nohost: 1 }, 'x', { host: 'ghcr.io', caFile: '/ca.pem' }]);
    assert.deepEqual(s, [
      { host: 'registry.example.com:5000', username: 'u', password: 'p', token: undefined, insecure: true, caFile: undefined },
      { host: 'ghcr.io', username: undefined, password: undefined, token: undefined, insecure: undefined, caFile: '/ca.pem' },
    ]);
    assert.deepEqual(parseRegistrySettings(undefined), []);
  });

  function home(config: unknown): string {
    const h = tempDir('image-trust-home-');
    mkdirSync(path.join(h, '.docker'));
    writeFileSync(path.join(h, '.docker', 'config.json'), JSON.stringify(config));
    return h;
  }

  it('prefers the setting over Docker\'s config, and says which source it used', async () => {
    const h = home({ auths: { 'ghcr.io': { auth: Buffer.from('docker:pw').toString('base64') } } });
    const fromSetting = await findCredentials('ghcr.io', { settings: [{ host: 'ghcr.io', username: 'me', password: 'tok' }], home: h });
    assert.deepEqual(fromSetting, { username: 'me', password: 'tok', source: 'the imageTrust.registries setting' });
    const fromDocker = await findCredentials('ghcr.io', { settings: [], home: h });
    assert.equal(fromDocker?.username, 'docker');
    assert.equal(fromDocker?.password, 'pw');
    assert.match(fromDocker!.source, /config\.json \(auths\)/);
  });

  it('maps docker.io to Docker Hub\'s historical config key', async () => {
    const h = home({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hubpw').toString('base64') } } });
    assert.equal((await findCredentials('docker.io', { settings: [], home: h }))?.username, 'hubuser');
    assert.equal(await findCredentials('quay.io', { settings: [], home: h }), undefined);
  });

  it('a token without a user name is sent as a bearer token', async () => {
    const c = await findCredentials('r.example.com', { settings: [{ host: 'r.example.com', token: 'static' }], home: tempDir() });
    assert.deepEqual(c, { bearer: 'static', source: 'the imageTrust.registries setting (token)' });
  });

  it('asks the credsStore when auths holds no secret for the host', async () => {
    const bin = tempDir('image-trust-bin-');
    writeFileSync(path.join(bin, 'docker-credential-fake'), '#!/bin/sh\nread host\nprintf \'{"Username":"store-%s","Secret":"s3cret"}\' "$host"\n');
    chmodSync(path.join(bin, 'docker-credential-fake'), 0o755);
    const h = home({ credsStore: 'fake', auths: { 'r.example.com': {} } });
    const c = await findCredentials('r.example.com', { settings: [], home: h, path: `${bin}:${process.env.PATH}` });
    assert.deepEqual(c, { username: 'store-r.example.com', password: 's3cret', source: 'docker-credential-fake' });
  });

  it('a failing or missing helper means no credentials, not a crash', async () => {
    const h = home({ credHelpers: { 'r.example.com': 'does-not-exist' } });
    assert.equal(await findCredentials('r.example.com', { settings: [], home: h, path: '/nonexistent' }), undefined);
  });
});

describe('pinning: the rewritten image text', () => {
  it('keeps the tag and appends the digest', () => {
    assert.equal(pinnedImage('nginx:1.25', D), `nginx:1.25@${D}`);
    assert.equal(pinnedImage('ghcr.io/acme/app:v2', D), `ghcr.io/acme/app:v2@${D}`);
    assert.equal(pinnedImage('localhost:5000/app:dev', D), `localhost:5000/app:dev@${D}`);
  });

  it('writes out `:latest` for an untagged image', () => {
    assert.equal(pinnedImage('nginx', D), `nginx:latest@${D}`);
    assert.equal(pinnedImage('localhost:5000/app', D), `localhost:5000/app:latest@${D}`);
  });

  it('edits inside the quotes, keeping them', () => {
    for (const value of ['nginx:1.25', '"nginx:1.25"', "'nginx:1.25'"]) {
      const text = `image: ${value}\n`;
      const e = pinEditAt(text, 7, 7 + value.length, 'nginx:1.25', D)!;
      const out = text.slice(0, e.start) + e.newText + text.slice(e.end);
      assert.equal(out, `image: ${value.replace('nginx:1.25', `nginx:1.25@${D}`)}\n`);
    }
  });

  it('refuses when the value no longer is exactly that image', () => {
    const text = 'image: nginx-exporter:1\n';
    assert.equal(pinEditAt(text, 7, text.length - 1, 'nginx', D), undefined);
    assert.equal(pinEditAt('image: redis:7\n', 7, 14, 'nginx:1.25', D), undefined);
  });
});

describe('pinning: code actions', () => {
  const DEPLOYMENT = yaml`
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      template:
        spec:
          containers:
            - name: web
              image: "nginx:1.25"
            - name: cache
              image: redis
            - name: pinned
              image: busybox:1.36@${D}
  `;

  function actionsFor(text: string, code: string, uri = 'file:///w/deploy.yaml') {
    const svc = service();
    const file = svc.parse(uri, text);
    const diags = withCode(svc.doValidation(file), code);
    return { diags, actions: diags.length ? svc.doCodeActions(file, diags[0].range, [diags[0]]) : svc.doCodeActions(file, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, []) };
  }

  it('offers "pin to digest" on a tag-only image as a command, never an edit', () => {
    const { diags, actions } = actionsFor(DEPLOYMENT, 'image-not-pinned');
    assert.equal(diags.length, 1);
    const fix = actions.find((a) => a.kind === 'quickfix')!;
    assert.ok(fix, JSON.stringify(actions));
    assert.equal(fix.edit, undefined);
    assert.deepEqual(fix.command?.command, 'imageTrust.pinDigest');
    assert.deepEqual(fix.command?.arguments, ['file:///w/deploy.yaml', diags[0].range, 'nginx:1.25']);
    assert.equal(textAt(DEPLOYMENT, diags[0]), '"nginx:1.25"');
  });

  it('offers it on untagged and `latest` images too', () => {
    const untagged = actionsFor(DEPLOYMENT, 'image-no-tag');
    assert.deepEqual(untagged.actions.find((a) => a.kind === 'quickfix')?.command?.arguments?.[2], 'redis');
    const latest = actionsFor(DEPLOYMENT.replace('image: redis', 'image: redis:latest'), 'image-latest-tag');
    assert.deepEqual(latest.actions.find((a) => a.kind === 'quickfix')?.command?.arguments?.[2], 'redis:latest');
  });

  it('adds the "pin all images in this file" source action while an image is unpinned', () => {
    const { actions } = actionsFor(DEPLOYMENT, 'none');
    const all = actions.find((a) => a.kind === 'source.pinDigests');
    assert.deepEqual(all?.command, { title: all?.title, command: 'imageTrust.pinAllDigests', arguments: ['file:///w/deploy.yaml'] });
    const pinned = DEPLOYMENT.replace('"nginx:1.25"', `nginx:1.25@${D}`).replace('image: redis', `image: redis@${D}`);
    assert.deepEqual(actionsFor(pinned, 'none').actions.filter((a) => a.kind === 'source.pinDigests'), []);
  });

  it('offers a pin command for a kustomize override with a tag, marked as the kustomize form', () => {
    const kustomization = yaml`
      apiVersion: kustomize.config.k8s.io/v1beta1
      kind: Kustomization
      images:
        - name: nginx
          newTag: "1.25"
    `;
    const svc = service();
    const file = svc.parse('file:///w/kustomization.yaml', kustomization);
    const diags = withCode(svc.doValidation(file), 'image-not-pinned');
    assert.equal(diags.length, 1, 'the rule does report it');
    const fixes = svc.doCodeActions(file, diags[0].range, diags).filter((a) => a.command);
    assert.equal(fixes.length, 1);
    assert.equal(fixes[0].edit, undefined);
    assert.deepEqual(fixes[0].command?.arguments, ['file:///w/kustomization.yaml', diags[0].range, 'nginx:1.25', 'kustomize']);
  });

  it('writes the digest into a kustomize entry as a new field at the entry\'s indentation, after any trailing comment', () => {
    const entryOf = (text: string) => {
      const file = parseYamlFile('file:///w/kustomization.yaml', text);
      return { file, entry: kustomizeImages(file.docs[0])[0] };
    };
    const apply = (text: string, e: { start: number; end: number; newText: string } | undefined) => e && text.slice(0, e.start) + e.newText + text.slice(e.end);
    const withComment = 'kind: Kustomization\nimages:\n  - name: nginx\n    newTag: "1.25"  # team pin\nresources: [a.yaml]\n';
    const a = entryOf(withComment);
    assert.equal(apply(withComment, kustomizeDigestEdit(a.file.text, a.entry, D)),
      `kind: Kustomization\nimages:\n  - name: nginx\n    newTag: "1.25"  # team pin\n    digest: ${D}\nresources: [a.yaml]\n`);
    const atEnd = 'kind: Kustomization\nimages:\n- name: nginx\n  newName: reg.example.com/nginx\n  newTag: "1.25"';
    const b = entryOf(atEnd);
    assert.equal(apply(atEnd, kustomizeDigestEdit(b.file.text, b.entry, D)), `${atEnd}\n  digest: ${D}`);
    const flow = 'kind: Kustomization\nimages: [{name: nginx, newTag: "1.25"}]\n';
    const c = entryOf(flow);
    assert.equal(kustomizeDigestEdit(c.file.text, c.entry, D), undefined, 'flow-style entries are left alone');
  });
});
