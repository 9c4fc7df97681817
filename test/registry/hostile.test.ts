// The registry client facing misbehaving servers: small in-test HTTP servers that stand in for a registry
// (or a proxy in front of one) and tamper with digests, send huge bodies, redirect elsewhere, stall, or
// present a certificate from an unknown CA.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { RegistryClient } from '../../server/src/registry/client';
import { serve, tempDir } from '../support/registry';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const manifestBytes = (seed: string) => Buffer.from(JSON.stringify({
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 2 },
  layers: [],
  annotations: { seed },
}));
const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A stand-in registry: serves `body` for tag `v1` and for its digest, with hooks to misbehave. */
function fakeRegistry(body: Buffer, opts: { headDigest?: string | null; getDigest?: string | null; getBody?: Buffer } = {}): Handler {
  const digest = digestOf(body);
  return (req, res) => {
    const m = /^\/v2\/(.+)\/manifests\/(.+)$/.exec(req.url ?? '');
    if (req.url === '/v2/') return void res.end('{}');
    if (!m || (m[2] !== 'v1' && m[2] !== digest)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return void res.end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
    }
    const headers: Record<string, string> = { 'content-type': OCI_MANIFEST };
    const claimed = req.method === 'HEAD' ? opts.headDigest : opts.getDigest;
    if (claimed !== null) headers['docker-content-digest'] = claimed ?? digest;
    const out = req.method === 'GET' ? opts.getBody ?? body : body;
    res.writeHead(200, { ...headers, 'content-length': String(out.length) });
    res.end(req.method === 'HEAD' ? undefined : out);
  };
}

describe('registry client against misbehaving servers (in-test stand-ins)', function () {
  this.timeout(15_000);
  const servers: { close(): Promise<void> }[] = [];
  const start = async (h: Handler) => {
    const s = await serve(h);
    servers.push(s);
    return s;
  };
  after(async () => Promise.all(servers.map((s) => s.close())));

  it('stand-in sanity: an honest server resolves to the sha256 of the body', async () => {
    const body = manifestBytes('honest');
    const s = await start(fakeRegistry(body));
    const r = await new RegistryClient({ home: tempDir() }).resolve(`127.0.0.1:${s.port}/x/app:v1`);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.value.digest, digestOf(body));
  });

  it('rejects content that does not hash to the digest HEAD announced (tampering proxy)', async () => {
    const body = manifestBytes('genuine');
    const s = await start(fakeRegistry(body, { getBody: manifestBytes('tampered') }));
    const r = await new RegistryClient({ home: tempDir() }).resolve(`127.0.0.1:${s.port}/x/app:v1`);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'digest-mismatch');
    assert.match(r.error.message, /Not trusting it/);
  });

  it('rejects a GET whose body differs from its own Docker-Content-Digest when HEAD gave none', async () => {
    const body = manifestBytes('genuine');
    const s = await start(fakeRegistry(body, { headDigest: null, getDigest: digestOf(manifestBytes('claimed')) }));
    const r = await new RegistryClient({ home: tempDir() }).resolve(`127.0.0.1:${s.port}/x/app:v1`);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'digest-mismatch');
  });

  it('without any digest header, pins the sha256 of the bytes it read', async () => {
    const body = manifestBytes('no-headers');
    const s = await start(fakeRegistry(body, { headDigest: null, getDigest: null }));
    const r = await new RegistryClient({ home: tempDir() }).resolve(`127.0.0.1:${s.port}/x/app:v1`);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.value.digest, digestOf(body));
  });

  it('cuts off a huge body (declared or streamed) at the manifest size limit', async () => {
    const huge = Buffer.alloc(5 * 1024 * 1024, 0x20);
    const declared = await start(fakeRegistry(manifestBytes('x'), { headDigest: null, getBody: huge }));
    let sent = 0;
    const streamed = await start((req, res) => {
      if (req.method === 'HEAD') return void res.writeHead(405).end();
      res.writeHead(200, { 'content-type': OCI_MANIFEST }); // no content-length: chunked
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (sent < 64 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (sent < 64 * 1024 * 1024) res.once('drain', pump);
      };
      res.on('close', () => undefined);
      pump();
    });
    for (const s of [declared, streamed]) {
      const r = await new RegistryClient({ home: tempDir(), maxManifestBytes: 4 * 1024 * 1024 }).resolve(`127.0.0.1:${s.port}/x/app:v1`);
      assert.ok(!r.ok);
      assert.equal(r.error.code, 'too-large');
    }
    assert.ok(sent < 16 * 1024 * 1024, `the client stopped reading early (server wrote ${sent} bytes)`);
  });

  it('drops Authorization when a redirect leads to another host, and never logs the token', async () => {
    const secret = 'sEcret-Bearer-t0ken-value';
    const body = manifestBytes('redirected');
    const seenElsewhere: (string | undefined)[] = [];
    const seenAtRegistry: (string | undefined)[] = [];
    const elsewhere = await start((req, res) => {
      seenElsewhere.push(req.headers.authorization);
      fakeRegistry(body)(req, res);
    });
    const origin = await start((req, res) => {
      seenAtRegistry.push(req.headers.authorization);
      // `localhost` vs `127.0.0.1` and another port: a different origin.
      res.writeHead(307, { location: `http://localhost:${elsewhere.port}${req.url}` });
      res.end();
    });
    const host = `127.0.0.1:${origin.port}`;
    const lines: string[] = [];
    const r = await new RegistryClient({ home: tempDir(), settings: [{ host, token: secret }], log: (l) => lines.push(l) }).resolve(`${host}/x/app:v1`);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.value.digest, digestOf(body));
    assert.ok(seenAtRegistry.length > 0 && seenAtRegistry.every((a) => a === `Bearer ${secret}`), 'the registry itself gets the token');
    assert.ok(seenElsewhere.length > 0);
    assert.deepEqual(seenElsewhere.filter((a) => a !== undefined), [], 'the other host never sees Authorization');
    assert.ok(lines.length > 0 && !lines.join('\n').includes(secret));
  });

  it('logs redirects without their query (presigned signatures, token=): names only', async () => {
    const signature = 'Sig-5ecret-0f-the-presigned-url';
    const queryToken = 'qu3ry-t0ken-in-a-redirect';
    const body = manifestBytes('presigned');
    // A CDN stand-in: the presigned URL answers with one more hop (so it is also the *current* URL of a log line).
    const cdn = await start((req, res) => {
      const u = new URL(req.url!, 'http://x');
      if (u.pathname === '/signed') return void res.writeHead(302, { location: `/final${u.search}` }).end();
      if (u.pathname === '/final' && u.searchParams.get('X-Amz-Signature') === signature) {
        return void res.writeHead(200, { 'content-type': OCI_MANIFEST, 'content-length': String(body.length) }).end(body);
      }
      res.writeHead(403).end();
    });
    const origin = await start((req, res) => {
      if (req.method === 'HEAD') return void res.writeHead(405).end();
      res.writeHead(307, { location: `http://localhost:${cdn.port}/signed?X-Amz-Signature=${signature}&token=${queryToken}&X-Amz-Expires=300` });
      res.end();
    });
    const lines: string[] = [];
    const r = await new RegistryClient({ home: tempDir(), log: (l) => lines.push(l) }).resolve(`127.0.0.1:${origin.port}/x/app:v1`);
    assert.ok(r.ok, JSON.stringify(r));
    const log = lines.join('\n');
    assert.ok(lines.filter((l) => /redirect to/.test(l)).length >= 2, log);
    assert.ok(!log.includes(signature) && !log.includes(queryToken), log);
    assert.match(log, /redirect to http:\/\/localhost:\d+\/signed\?X-Amz-Signature=…&token=…&X-Amz-Expires=…/);
    assert.match(log, /GET http:\/\/localhost:\d+\/signed\?X-Amz-Signature=…&token=…&X-Amz-Expires=… → 302 redirect to http:\/\/localhost:\d+\/final\?/);
  });

  it('keeps Authorization on a same-origin redirect', async () => {
    const secret = 'same-0rigin-token';
    const body = manifestBytes('same-origin');
    const seen: (string | undefined)[] = [];
    const s = await start((req, res) => {
      seen.push(req.headers.authorization);
      if (req.url!.startsWith('/moved/')) {
        req.url = req.url!.slice('/moved'.length);
        return fakeRegistry(body)(req, res);
      }
      res.writeHead(302, { location: `/moved${req.url}` });
      res.end();
    });
    const host = `127.0.0.1:${s.port}`;
    const r = await new RegistryClient({ home: tempDir(), settings: [{ host, token: secret }] }).resolve(`${host}/x/app:v1`);
    assert.ok(r.ok, JSON.stringify(r));
    assert.ok(seen.every((a) => a === `Bearer ${secret}`));
  });

  it('stops after the redirect limit', async () => {
    const s = await start((req, res) => {
      res.writeHead(302, { location: req.url + 'x' });
      res.end();
    });
    const r = await new RegistryClient({ home: tempDir(), maxRedirects: 3 }).resolve(`127.0.0.1:${s.port}/x/app:v1`);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'too-many-redirects');
  });

  it('times out on a server that never answers', async () => {
    const s = await start(() => undefined);
    const t0 = Date.now();
    const r = await new RegistryClient({ home: tempDir(), timeoutMs: 300 }).resolve(`127.0.0.1:${s.port}/x/app:v1`);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'timeout');
    assert.ok(Date.now() - t0 < 3000);
    assert.match(r.error.message, /did not answer within/);
  });

  it('stops when cancelled', async () => {
    const s = await start(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const r = await new RegistryClient({ home: tempDir(), timeoutMs: 10_000 }).resolve(`127.0.0.1:${s.port}/x/app:v1`, controller.signal);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'cancelled');
  });

  it('runs at most N requests per host at once', async () => {
    let active = 0;
    let peak = 0;
    const bodies = new Map<string, Buffer>();
    const s = await start((req, res) => {
      active++;
      peak = Math.max(peak, active);
      setTimeout(() => {
        active--;
        const tag = /manifests\/(.+)$/.exec(req.url!)?.[1] ?? '';
        const body = bodies.get(tag) ?? [...bodies.values()].find((b) => digestOf(b) === tag);
        if (!body) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': digestOf(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
      }, 40);
    });
    for (let i = 0; i < 10; i++) bodies.set(`t${i}`, manifestBytes(`t${i}`));
    const c = new RegistryClient({ home: tempDir(), perHostConcurrency: 2 });
    const results = await Promise.all([...bodies.keys()].map((t) => c.resolve(`127.0.0.1:${s.port}/x/app:${t}`)));
    assert.ok(results.every((r) => r.ok), JSON.stringify(results.find((r) => !r.ok)));
    assert.equal(peak, 2);
  });

  it('reports an unreachable registry as offline', async () => {
    const s = await start(() => undefined);
    const port = s.port;
    await s.close();
    const r = await new RegistryClient({ home: tempDir() }).resolve(`127.0.0.1:${port}/x/app:v1`);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'offline');
    assert.match(r.error.message, /connection refused/);
  });

  describe('TLS', () => {
    let dir: string;
    let server: https.Server;
    let host: string;
    const body = manifestBytes('tls');
    before(async () => {
      dir = tempDir();
      const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
      run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=image-trust test CA']);
      run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1']);
      writeFileSync(path.join(dir, 'ext'), 'subjectAltName=IP:127.0.0.1\n');
      run(['x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '2', '-extfile', 'ext']);
      server = https.createServer({ key: readFileSync(path.join(dir, 'srv.key')), cert: readFileSync(path.join(dir, 'srv.pem')) }, fakeRegistry(body));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      server?.closeAllConnections();
      await new Promise((r) => server?.close(r));
    });

    it('refuses a certificate from an unknown CA, with a hint to add caFile', async () => {
      const r = await new RegistryClient({ home: tempDir(), settings: [{ host, insecure: false }] }).resolve(`${host}/x/app:v1`);
      assert.ok(!r.ok);
      assert.equal(r.error.code, 'tls');
      assert.match(r.error.message, /caFile/);
      assert.match(r.error.message, /imageTrust\.registries/);
    });

    it('trusts the CA named by caFile', async () => {
      const r = await new RegistryClient({ home: tempDir(), settings: [{ host, caFile: path.join(dir, 'ca.pem') }] }).resolve(`${host}/x/app:v1`);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.value.digest, digestOf(body));
    });

    it('refuses a relative caFile instead of resolving it against the working directory (a workspace)', async () => {
      // From the test's working directory this names the real CA: resolved, it would be trusted.
      const relative = path.relative(process.cwd(), path.join(dir, 'ca.pem'));
      const r = await new RegistryClient({ home: tempDir(), settings: [{ host, caFile: relative }] }).resolve(`${host}/x/app:v1`);
      assert.ok(!r.ok, 'a relative caFile must not be read');
      assert.equal(r.error.code, 'tls');
      assert.match(r.error.message, /the path is relative; relative paths are not resolved/);
    });

    it('says which caFile cannot be read', async () => {
      const r = await new RegistryClient({ home: tempDir(), settings: [{ host, caFile: path.join(dir, 'missing.pem') }] }).resolve(`${host}/x/app:v1`);
      assert.ok(!r.ok);
      assert.equal(r.error.code, 'tls');
      assert.match(r.error.message, /missing\.pem/);
    });
  });
});
