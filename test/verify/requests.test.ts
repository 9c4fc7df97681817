// What live verification asks a registry for, against an in-test stand-in: only the objects the plan can use,
// a warm re-verification by tag from the short-TTL caches, and `fresh` (an explicit "verify again") going back
// to the registry for both the tag and the verdict.
import { strict as assert } from 'node:assert';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { RegistryClient } from '../../server/src/registry/client';
import type { VerifyOutcome } from '../../server/src/verify/api';
import { verifyImage } from '../../server/src/verify/verifyImage';
import { serve, tempDir } from '../support/registry';
import { publicPem } from './support';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const manifestBytes = (seed: string) => Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 2 }, layers: [], annotations: { seed } }));
const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** An unsigned image whose tag `v1` can be moved; no referrers API (bare 404, like distribution 2.8). */
async function standIn() {
  const state = { current: manifestBytes('first'), all: [] as Buffer[], paths: [] as string[] };
  state.all.push(state.current);
  const s = await serve((req, res) => {
    state.paths.push(`${req.method} ${req.url}`);
    if (/\/referrers\//.test(req.url ?? '')) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
    const ref = /\/manifests\/(.+)$/.exec(req.url ?? '')?.[1];
    const body = ref === 'v1' ? state.current : state.all.find((b) => digestOf(b) === ref);
    if (!body) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
    res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': digestOf(body), 'content-length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  const move = (seed: string) => {
    state.current = manifestBytes(seed);
    state.all.push(state.current);
    return digestOf(state.current);
  };
  return { s, state, move, image: `127.0.0.1:${s.port}/team/app:v1` };
}

const keyPem = publicPem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);

describe('live verification: registry requests, caches and `fresh`', function () {
  this.timeout(15_000);
  const cleanup: (() => unknown)[] = [];
  after(async () => {
    for (const c of cleanup) await c();
  });
  const setUp = async () => {
    const reg = await standIn();
    const client = new RegistryClient({ home: tempDir() });
    cleanup.push(() => client.close(), () => reg.s.close());
    return { reg, client };
  };

  it('a signature-only check never fetches .att objects; an attestation-only check never fetches .sig', async () => {
    const { reg, client } = await setUp();
    const signatures = await verifyImage({ image: reg.image, spec: { kind: 'key', publicKeyPem: keyPem, ignoreTlog: true } }, { registry: client });
    assert.equal(signatures.verdict, 'failed');
    assert.match(signatures.summary, /no signatures found/);
    assert.ok(reg.state.paths.some((p) => p.endsWith('.sig')), reg.state.paths.join('\n'));
    assert.ok(!reg.state.paths.some((p) => p.endsWith('.att')), reg.state.paths.join('\n'));
    assert.ok(signatures.details.some((d) => d.includes('attestations not looked up')), signatures.details.join('\n'));

    reg.state.paths.length = 0;
    const attestations = await verifyImage({ image: reg.image, spec: { kind: 'attestation', type: 'https://example.com/t/v1', publicKeyPem: keyPem, ignoreTlog: true } }, { registry: client });
    assert.equal(attestations.verdict, 'failed');
    assert.ok(reg.state.paths.some((p) => p.endsWith('.att')), reg.state.paths.join('\n'));
    assert.ok(!reg.state.paths.some((p) => p.endsWith('.sig')), reg.state.paths.join('\n'));
  });

  it('asks a registry without the referrers API for it once, then only for the fallback tag', async () => {
    const { reg, client } = await setUp();
    const first = reg.move('second');
    await verifyImage({ image: reg.image, spec: { kind: 'key', publicKeyPem: keyPem, ignoreTlog: true } }, { registry: client });
    reg.move('third');
    await verifyImage({ image: reg.image, spec: { kind: 'key', publicKeyPem: keyPem, ignoreTlog: true } }, { registry: client, fresh: true });
    assert.equal(reg.state.paths.filter((p) => p.includes('/referrers/')).length, 1, reg.state.paths.join('\n'));
    assert.equal(reg.state.paths.filter((p) => /manifests\/sha256-[0-9a-f]{64}$/.test(p)).length, 2, 'the fallback index is still looked up per digest');
    assert.ok(reg.state.paths.includes(`GET /v2/team/app/manifests/${first.replace(':', '-')}`));
  });

  it('keeps asking a registry whose referrers 404 carries an OCI error (it has the API; the repository is unknown)', async () => {
    const paths: string[] = [];
    const s = await serve((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}');
    });
    const client = new RegistryClient({ home: tempDir() });
    cleanup.push(() => client.close(), () => s.close());
    for (let i = 0; i < 2; i++) {
      const r = await client.referrers(`127.0.0.1:${s.port}/team/app`, `sha256:${String(i).repeat(64)}`);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.value.via, 'none');
    }
    assert.equal(paths.filter((p) => p.includes('/referrers/')).length, 2, paths.join('\n'));
  });

  it('reuses the tag lookup and the verdict when warm; `fresh` asks the registry again and refreshes the caches', async () => {
    const { reg, client } = await setUp();
    const spec = { kind: 'key' as const, publicKeyPem: keyPem, ignoreTlog: true };
    const original = digestOf(reg.state.current);
    const cold = await verifyImage({ image: reg.image, spec }, { registry: client });
    assert.equal(cold.digest, original);

    // The tag moves. Within the TTL a warm run still names the digest the tag had (the documented trade-off)…
    const moved = reg.move('re-pushed');
    reg.state.paths.length = 0;
    const warm: VerifyOutcome = await verifyImage({ image: reg.image, spec }, { registry: client });
    assert.equal(warm.digest, original);
    assert.equal(reg.state.paths.length, 0, `a warm run by tag makes no request: ${reg.state.paths.join(', ')}`);

    // …while an explicit "verify again" sees the move and verifies the new digest, asking for its signatures.
    const again = await verifyImage({ image: reg.image, spec }, { registry: client, fresh: true });
    assert.equal(again.digest, moved);
    assert.ok(reg.state.paths.includes('GET /v2/team/app/manifests/v1'), reg.state.paths.join('\n'));
    assert.ok(reg.state.paths.includes(`GET /v2/team/app/manifests/${moved.replace(':', '-')}.sig`), reg.state.paths.join('\n'));

    // `fresh` bypasses a cached verdict for an unchanged digest too (signatures may have been added meanwhile).
    reg.state.paths.length = 0;
    const same = await verifyImage({ image: reg.image, spec }, { registry: client, fresh: true });
    assert.equal(same.digest, moved);
    assert.ok(reg.state.paths.some((p) => p.endsWith('.sig')), 'the signatures are looked up again');

    // And the fresh answer is what later warm runs reuse.
    reg.state.paths.length = 0;
    const later = await verifyImage({ image: reg.image, spec }, { registry: client });
    assert.equal(later.digest, moved);
    assert.equal(reg.state.paths.length, 0, reg.state.paths.join(', '));
  });

  it('the resolve cache expires after cacheTtlMs, and `fresh` skips it before then', async () => {
    const reg = await standIn();
    let now = 1_000_000;
    const client = new RegistryClient({ home: tempDir(), cacheTtlMs: 60_000, now: () => now });
    cleanup.push(() => client.close(), () => reg.s.close());
    const first = await client.resolve(reg.image);
    assert.ok(first.ok);
    const moved = reg.move('moved');
    const cached = await client.resolve(reg.image);
    assert.ok(cached.ok);
    assert.equal(cached.value.digest, first.value.digest);
    const fresh = await client.resolve(reg.image, undefined, { fresh: true });
    assert.ok(fresh.ok);
    assert.equal(fresh.value.digest, moved);
    const third = reg.move('third');
    now += 60_001;
    const expired = await client.resolve(reg.image);
    assert.ok(expired.ok);
    assert.equal(expired.value.digest, third);
  });
});
