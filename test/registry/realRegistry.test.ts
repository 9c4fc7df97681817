// The registry client against a real registry (Debian's docker-registry): anonymous, htpasswd basic auth
// and bearer-token auth with JWTs the registry verifies against a test certificate.
import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { RegistryClient } from '../../server/src/registry/client';
import {
  accessFromScopes, buildImage, BuiltImage, createTokenIssuer, missingTools, pushImage, RunningRegistry, serve, startRegistry, tempDir,
} from '../support/registry';

const missing = missingTools();

describe('registry client against a real registry', function () {
  this.timeout(30_000);
  if (missing.length > 0) {
    it(`SKIPPED: needs ${missing.join(', ')} (run scripts/test-deps.sh as root)`, function () {
      console.log(`  registry tests skipped: missing ${missing.join(', ')}; install them with scripts/test-deps.sh`);
      this.skip();
    });
    return;
  }

  let work: string;
  let home: string;
  let single: BuiltImage;
  let multi: BuiltImage;
  let other: BuiltImage;

  before(() => {
    work = tempDir();
    home = path.join(work, 'home'); // an empty HOME: no real ~/.docker/config.json leaks into the tests
    mkdirSync(home);
    single = buildImage(work, { seed: 'single' });
    multi = buildImage(work, { seed: 'multi', platforms: ['linux/amd64', 'linux/arm64'] });
    other = buildImage(work, { seed: 'other' });
  });

  describe('anonymous', () => {
    let reg: RunningRegistry;
    before(async () => {
      reg = await startRegistry();
      await Promise.all([
        pushImage(single, `${reg.host}/demo/app:1.0`),
        pushImage(multi, `${reg.host}/demo/multi:2.0`),
      ]);
      await pushImage(single, `${reg.host}/demo/app:latest`);
    });
    after(async () => reg?.stop());

    it('resolves a tag to the sha256 of the manifest bytes', async () => {
      const r = await new RegistryClient({ home }).resolve(`${reg.host}/demo/app:1.0`);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.value.digest, single.digest);
      assert.equal(r.value.mediaType, 'application/vnd.oci.image.manifest.v1+json');
      assert.equal(r.value.tag, '1.0');
    });

    it('resolves a multi-platform tag to the index digest, not a platform manifest', async () => {
      const r = await new RegistryClient({ home }).resolve(`${reg.host}/demo/multi:2.0`);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.value.digest, multi.digest);
      assert.ok(!multi.platformDigests!.includes(r.value.digest));
      assert.equal(r.value.mediaType, 'application/vnd.oci.image.index.v1+json');
      assert.deepEqual(r.value.platforms, ['linux/amd64', 'linux/arm64']);
    });

    it('rejects a tampering proxy in front of the registry that alters manifest bodies', async () => {
      const upstream = `http://${reg.host}`;
      const proxy = await serve(async (req, res) => {
        const r = await fetch(upstream + req.url, { method: req.method, headers: { accept: String(req.headers.accept ?? '') } });
        const headers: Record<string, string> = {};
        r.headers.forEach((v, k) => { if (k !== 'content-length' && k !== 'content-encoding') headers[k] = v; });
        let body = Buffer.from(await r.arrayBuffer());
        // Same JSON, different bytes: a re-serialising proxy would still be caught.
        if (req.method === 'GET' && /manifests/.test(req.url!)) body = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 1));
        res.writeHead(r.status, { ...headers, 'content-length': String(body.length) });
        res.end(req.method === 'HEAD' ? undefined : body);
      });
      try {
        const r = await new RegistryClient({ home }).resolve(`127.0.0.1:${proxy.port}/demo/app:1.0`);
        assert.ok(!r.ok, JSON.stringify(r));
        assert.equal(r.error.code, 'digest-mismatch');
      } finally {
        await proxy.close();
      }
    });

    it('treats a missing tag as latest', async () => {
      const r = await new RegistryClient({ home }).resolve(`${reg.host}/demo/app`);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.value.tag, 'latest');
      assert.equal(r.value.digest, single.digest);
    });

    it('verifies a digest reference by reading and hashing its manifest', async () => {
      const c = new RegistryClient({ home });
      const r = await c.manifest(`${reg.host}/demo/multi@${multi.digest}`);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.value.digest, multi.digest);
      assert.equal((r.value.json.manifests as unknown[]).length, 2);
    });

    it('reports an unknown tag or repository as not-found, naming the registry', async () => {
      const c = new RegistryClient({ home });
      for (const image of [`${reg.host}/demo/app:9.9`, `${reg.host}/demo/nothing:1.0`]) {
        const r = await c.resolve(image);
        assert.ok(!r.ok);
        assert.equal(r.error.code, 'not-found');
        assert.match(r.error.message, new RegExp(`${reg.host.replace(/\./g, '\\.')}/demo/`));
      }
    });

    it('answers again from its cache within the TTL, and asks again after it', async () => {
      let now = 1_000_000;
      const lines: string[] = [];
      const c = new RegistryClient({ home, now: () => now, cacheTtlMs: 60_000, log: (l) => lines.push(l) });
      const first = await c.resolve(`${reg.host}/demo/app:1.0`);
      const requests = lines.length;
      assert.ok(requests >= 1);
      const second = await c.resolve(`${reg.host}/demo/app:1.0`);
      assert.deepEqual(second, first);
      assert.equal(lines.length, requests, 'a cached answer makes no request');
      now += 61_000;
      await c.resolve(`${reg.host}/demo/app:1.0`);
      assert.ok(lines.length > requests, 'an expired entry is asked again');
    });

    it('sees a re-pushed tag once the cache expires', async () => {
      let now = 0;
      const c = new RegistryClient({ home, now: () => now });
      await pushImage(single, `${reg.host}/demo/moving:1`);
      const before = await c.resolve(`${reg.host}/demo/moving:1`);
      await pushImage(other, `${reg.host}/demo/moving:1`);
      now += 120_000;
      const after = await c.resolve(`${reg.host}/demo/moving:1`);
      assert.ok(before.ok && after.ok);
      assert.equal(before.value.digest, single.digest);
      assert.equal(after.value.digest, other.digest);
    });
  });

  describe('basic auth (htpasswd)', () => {
    let reg: RunningRegistry;
    const password = 'b4sic-Secret-pw';
    before(async () => {
      reg = await startRegistry({ htpasswd: [{ user: 'bob', password }] });
      await pushImage(single, `${reg.host}/private/app:1.0`, { creds: `bob:${password}` });
    });
    after(async () => reg?.stop());

    it('uses credentials from the imageTrust.registries setting', async () => {
      const r = await new RegistryClient({ home, settings: [{ host: reg.host, username: 'bob', password }] }).resolve(`${reg.host}/private/app:1.0`);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.value.digest, single.digest);
    });

    it('uses the base64 `auth` of ~/.docker/config.json', async () => {
      const h = path.join(work, 'home-auths');
      mkdirSync(path.join(h, '.docker'), { recursive: true });
      writeFileSync(path.join(h, '.docker', 'config.json'), JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from(`bob:${password}`).toString('base64') } } }));
      const r = await new RegistryClient({ home: h }).resolve(`${reg.host}/private/app:1.0`);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.value.digest, single.digest);
    });

    it('asks a credHelpers helper (docker-credential-<name> get, host on stdin)', async () => {
      const h = path.join(work, 'home-helper');
      const bin = path.join(work, 'bin');
      mkdirSync(path.join(h, '.docker'), { recursive: true });
      mkdirSync(bin, { recursive: true });
      const stdinLog = path.join(work, 'helper-stdin');
      writeFileSync(path.join(bin, 'docker-credential-testhelper'),
        `#!/bin/sh\n[ "$1" = get ] || exit 1\ncat > ${stdinLog}\nprintf '{"ServerURL":"%s","Username":"bob","Secret":"${password}"}' "${reg.host}"\n`);
      chmodSync(path.join(bin, 'docker-credential-testhelper'), 0o755);
      writeFileSync(path.join(h, '.docker', 'config.json'), JSON.stringify({ credHelpers: { [reg.host]: 'testhelper' } }));
      const r = await new RegistryClient({ home: h, path: `${bin}:${process.env.PATH}` }).resolve(`${reg.host}/private/app:1.0`);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.value.digest, single.digest);
      assert.equal((await import('node:fs')).readFileSync(stdinLog, 'utf8'), reg.host);
    });

    it('fails without credentials as unauthorized, saying where it looked and how to log in', async () => {
      const r = await new RegistryClient({ home }).resolve(`${reg.host}/private/app:1.0`);
      assert.ok(!r.ok);
      assert.equal(r.error.code, 'unauthorized');
      assert.match(r.error.message, /no credentials were found/);
      assert.match(r.error.message, /docker login/);
    });

    it('fails with a wrong password as unauthorized, naming the credential source but never the secret', async () => {
      const wrong = 'Wr0ng-pa55word';
      const lines: string[] = [];
      const r = await new RegistryClient({ home, settings: [{ host: reg.host, username: 'bob', password: wrong }], log: (l) => lines.push(l) })
        .resolve(`${reg.host}/private/app:1.0`);
      assert.ok(!r.ok);
      assert.equal(r.error.code, 'unauthorized');
      assert.match(r.error.message, /imageTrust\.registries setting/);
      const everything = JSON.stringify(r) + lines.join('\n');
      assert.ok(!everything.includes(wrong) && !everything.includes(Buffer.from(`bob:${wrong}`).toString('base64')), everything);
    });
  });

  describe('bearer token auth (registry verifies JWTs from a realm served by the test)', () => {
    let reg: RunningRegistry;
    let realm: Awaited<ReturnType<typeof serve>>;
    const tokenRequests: { scope: string[]; authorization?: string }[] = [];
    const password = 't0ken-Realm-pw';

    before(async () => {
      const issuer = createTokenIssuer(work);
      realm = await serve((req, res) => {
        const url = new URL(req.url!, 'http://realm');
        tokenRequests.push({ scope: url.searchParams.getAll('scope'), authorization: req.headers.authorization });
        if (req.headers.authorization !== `Basic ${Buffer.from(`carol:${password}`).toString('base64')}`) {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end('{"details":"bad credentials"}');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ token: issuer.issue('carol', accessFromScopes(url.searchParams.getAll('scope'))), expires_in: 300 }));
      });
      reg = await startRegistry({ token: { realm: `${realm.url}/token`, service: issuer.service, issuer: issuer.issuer, certFile: issuer.certFile } });
      await pushImage(single, `${reg.host}/team/app:1.0`, { creds: `carol:${password}` });
      await pushImage(multi, `${reg.host}/team/app:2.0`, { creds: `carol:${password}` });
    });
    after(async () => {
      await reg?.stop();
      await realm?.close();
    });

    it('follows the Bearer challenge to the realm with the registry\'s credentials and resolves', async () => {
      tokenRequests.length = 0;
      const c = new RegistryClient({ home, settings: [{ host: reg.host, username: 'carol', password }] });
      const r = await c.resolve(`${reg.host}/team/app:1.0`);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.value.digest, single.digest);
      assert.equal(tokenRequests.length, 1);
      assert.deepEqual(tokenRequests[0].scope, ['repository:team/app:pull']);
      // The cached token serves the next tag of the same repository: no second token request.
      const r2 = await c.resolve(`${reg.host}/team/app:2.0`);
      assert.ok(r2.ok, JSON.stringify(r2));
      assert.equal(r2.value.digest, multi.digest);
      assert.equal(tokenRequests.length, 1, 'token reused for the same host and scope');
    });

    it('asks for a new token once the cached one expires', async () => {
      tokenRequests.length = 0;
      let now = 0;
      const c = new RegistryClient({ home, now: () => now, cacheTtlMs: 1, settings: [{ host: reg.host, username: 'carol', password }] });
      assert.ok((await c.resolve(`${reg.host}/team/app:1.0`)).ok);
      now += 400_000; // past expires_in (300 s)
      assert.ok((await c.resolve(`${reg.host}/team/app:1.0`)).ok);
      assert.equal(tokenRequests.length, 2);
    });

    it('reports a refused token request as unauthorized without the password', async () => {
      const r = await new RegistryClient({ home, settings: [{ host: reg.host, username: 'carol', password: 'not-the-Password' }] }).resolve(`${reg.host}/team/app:1.0`);
      assert.ok(!r.ok);
      assert.equal(r.error.code, 'unauthorized');
      assert.ok(!JSON.stringify(r).includes('not-the-Password'));
    });
  });
});
