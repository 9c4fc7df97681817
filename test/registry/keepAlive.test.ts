// Connection reuse: a registry client keeps connections alive per origin (bounded by the per-host limit), gives
// each trust setting its own pool, and sends a request again when a kept-alive connection turns out closed.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { RegistryClient } from '../../server/src/registry/client';
import { AgentPool, request } from '../../server/src/registry/http';
import { serve, tempDir } from '../support/registry';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const manifestBytes = (seed: string) => Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 2 }, layers: [], annotations: { seed } }));
const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A stand-in registry serving tags `t<n>` that counts the TCP connections it accepts and the requests on each. */
async function countingRegistry(onRequest?: (nth: number, req: IncomingMessage, res: ServerResponse) => boolean) {
  const bodies = new Map<string, Buffer>();
  for (let i = 0; i < 12; i++) bodies.set(`t${i}`, manifestBytes(`t${i}`));
  const perSocket = new Map<Socket, number>();
  let active = 0;
  let peak = 0;
  const s = await serve((req, res) => {
    const nth = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, nth);
    if (onRequest?.(nth, req, res)) return;
    active++;
    peak = Math.max(peak, active);
    setTimeout(() => {
      active--;
      const ref = /manifests\/(.+)$/.exec(req.url!)?.[1] ?? '';
      const body = bodies.get(ref) ?? [...bodies.values()].find((b) => digestOf(b) === ref);
      if (!body) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': digestOf(body), 'content-length': String(body.length) });
      res.end(req.method === 'HEAD' ? undefined : body);
    }, 5);
  });
  return { s, bodies, connections: () => perSocket.size, peak: () => peak };
}

describe('registry client connection reuse (keep-alive)', function () {
  this.timeout(15_000);
  const cleanup: (() => unknown)[] = [];
  after(async () => {
    for (const c of cleanup) await c();
  });

  it('sends many sequential requests over one connection', async () => {
    const reg = await countingRegistry();
    const client = new RegistryClient({ home: tempDir() });
    cleanup.push(() => client.close(), () => reg.s.close());
    for (const tag of reg.bodies.keys()) {
      const r = await client.resolve(`127.0.0.1:${reg.s.port}/x/app:${tag}`);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.value.digest, digestOf(reg.bodies.get(tag)!));
    }
    assert.equal(reg.connections(), 1, '12 requests, one after another, share one connection');
  });

  it('opens no more connections than the per-host limit under concurrent load', async () => {
    const reg = await countingRegistry();
    const client = new RegistryClient({ home: tempDir(), perHostConcurrency: 2 });
    cleanup.push(() => client.close(), () => reg.s.close());
    const results = await Promise.all([...reg.bodies.keys()].map((t) => client.resolve(`127.0.0.1:${reg.s.port}/x/app:${t}`)));
    assert.ok(results.every((r) => r.ok), JSON.stringify(results.find((r) => !r.ok)));
    assert.equal(reg.peak(), 2);
    assert.ok(reg.connections() >= 1 && reg.connections() <= 2, `${reg.connections()} connections for 12 requests`);
  });

  it('sends a request again on a new connection when the kept-alive one was closed by the server', async () => {
    // The second request on any connection is dropped without an answer, as a server closing an idle connection would.
    const reg = await countingRegistry((nth, req) => {
      if (nth !== 2) return false;
      req.socket.destroy();
      return true;
    });
    const client = new RegistryClient({ home: tempDir() });
    cleanup.push(() => client.close(), () => reg.s.close());
    const first = await client.resolve(`127.0.0.1:${reg.s.port}/x/app:t0`);
    assert.ok(first.ok, JSON.stringify(first));
    const second = await client.resolve(`127.0.0.1:${reg.s.port}/x/app:t1`);
    assert.ok(second.ok, JSON.stringify(second));
    assert.equal(second.value.digest, digestOf(reg.bodies.get('t1')!));
    assert.equal(reg.connections(), 2);
  });

  it('does not resend a request whose connection failed on its first use', async () => {
    const reg = await countingRegistry((_nth, req) => {
      req.socket.destroy();
      return true;
    });
    const client = new RegistryClient({ home: tempDir() });
    cleanup.push(() => client.close(), () => reg.s.close());
    const r = await client.resolve(`127.0.0.1:${reg.s.port}/x/app:t0`);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'offline');
    assert.equal(reg.connections(), 1);
  });

  it('without a pool, every request opens its own connection (the previous behaviour, still the default of request())', async () => {
    const reg = await countingRegistry();
    cleanup.push(() => reg.s.close());
    for (const tag of ['t0', 't1', 't2']) {
      const res = await request({ method: 'GET', url: new URL(`${reg.s.url}/v2/x/app/manifests/${tag}`), timeoutMs: 5_000, maxBytes: 1 << 20, maxRedirects: 0, host: '127.0.0.1', allowHttp: () => true });
      assert.equal(res.status, 200);
    }
    assert.equal(reg.connections(), 3);
  });

  it('keeps one agent per origin and per CA list, never shared between them', () => {
    const pool = new AgentPool(4);
    try {
      const caA = ['-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----'];
      const caB = ['-----BEGIN CERTIFICATE-----\nB\n-----END CERTIFICATE-----'];
      const a = pool.agentFor(new URL('https://reg.example:5000/v2/x'), undefined);
      assert.equal(pool.agentFor(new URL('https://reg.example:5000/v2/y/manifests/1'), undefined), a, 'same origin, same trust: same agent');
      assert.notEqual(pool.agentFor(new URL('https://other.example:5000/v2/x'), undefined), a, 'another host');
      assert.notEqual(pool.agentFor(new URL('https://reg.example:5001/v2/x'), undefined), a, 'another port');
      assert.notEqual(pool.agentFor(new URL('http://reg.example:5000/v2/x'), undefined), a, 'plain HTTP (an insecure registry)');
      const withA = pool.agentFor(new URL('https://reg.example:5000/v2/x'), caA);
      assert.notEqual(withA, a, 'a CA file gets its own agent');
      assert.notEqual(pool.agentFor(new URL('https://reg.example:5000/v2/x'), caB), withA, 'another CA file another one');
      assert.equal(pool.agentFor(new URL('https://reg.example:5000/v2/z'), caA), withA);
      assert.equal(a.maxSockets, 4);
      assert.equal((a as unknown as { keepAlive: boolean }).keepAlive, true);
    } finally {
      pool.destroy();
    }
  });
});
