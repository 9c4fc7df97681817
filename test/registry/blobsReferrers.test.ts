// RegistryClient.blob / referrers / tags against the real registry (no referrers API: tag-schema fallback) and
// small stand-in servers (a referrers API, a tampering proxy).
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RegistryClient } from '../../server/src/registry/client';
import { buildImage, BuiltImage, missingTools, pushImage, RunningRegistry, serve, startRegistry, tempDir } from '../support/registry';

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const missing = missingTools();

describe('registry client: blobs, referrers, tags', function () {
  this.timeout(30_000);
  if (missing.length > 0) {
    it(`SKIPPED: needs ${missing.join(', ')}`, function () {
      this.skip();
    });
    return;
  }

  let reg: RunningRegistry;
  let work: string;
  let image: BuiltImage;
  let configDigest: string;
  const client = () => new RegistryClient({ home: work });

  before(async () => {
    work = tempDir();
    reg = await startRegistry();
    image = buildImage(work, { seed: 'blobs' });
    await pushImage(image, `${reg.host}/demo/app:v1`);
    const manifest = JSON.parse(readFileSync(path.join(image.layout, 'blobs', 'sha256', image.digest.slice(7)), 'utf8'));
    configDigest = manifest.config.digest;
  });
  after(async () => reg?.stop());

  it('blob(): returns the bytes when their sha256 is the digest', async () => {
    const r = await client().blob(`${reg.host}/demo/app`, configDigest);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(sha(r.value), configDigest);
  });

  it('blob(): refuses content whose digest differs, and blobs over the cap', async () => {
    const proxy = await serve(async (req, res) => {
      const upstream = await fetch(`http://${reg.host}${req.url}`, { headers: { accept: String(req.headers.accept ?? '*/*') } });
      let body = Buffer.from(await upstream.arrayBuffer());
      if (/\/blobs\//.test(req.url!)) body = Buffer.concat([body, Buffer.from(' ')]);
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream', 'content-length': String(body.length) });
      res.end(body);
    });
    try {
      const tampered = await client().blob(`127.0.0.1:${proxy.port}/demo/app`, configDigest);
      assert.ok(!tampered.ok);
      assert.equal(tampered.error.code, 'digest-mismatch');
    } finally {
      await proxy.close();
    }
    const capped = await client().blob(`${reg.host}/demo/app`, configDigest, { maxBytes: 10 });
    assert.ok(!capped.ok);
    assert.equal(capped.error.code, 'too-large');
    const bad = await client().blob(`${reg.host}/demo/app`, 'md5:abc');
    assert.ok(!bad.ok && bad.error.code === 'invalid-reference');
  });

  it('referrers(): distribution 2.8 has no API (404) and no fallback index yet → none', async () => {
    const r = await client().referrers(`${reg.host}/demo/app`, image.digest);
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.value, { via: 'none', descriptors: [] });
  });

  it('referrers(): reads the sha256-<hex> fallback index when the API is missing', async () => {
    await pushFallbackIndex(work, reg.host, image.digest);
    const r = await client().referrers(`${reg.host}/demo/app`, image.digest);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.value.via, 'tag-fallback');
    assert.equal(r.value.descriptors.length, 1);
    assert.equal(r.value.descriptors[0].artifactType, 'application/vnd.oci.empty.v1+json');
  });

  it('referrers(): uses the OCI 1.1 API when the registry has one', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const api = await serve((req, res) => {
      if (req.url === `/v2/demo/app/referrers/${digest}`) {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json' });
        res.end(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'b'.repeat(64)}`, size: 5, artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }, { digest: 'junk' }] }));
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    try {
      const r = await client().referrers(`127.0.0.1:${api.port}/demo/app`, digest);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.value.via, 'api');
      assert.deepEqual(r.value.descriptors.map((d) => d.artifactType), ['application/vnd.dev.sigstore.bundle.v0.3+json'], 'entries without a sha256 digest are dropped');
    } finally {
      await api.close();
    }
  });

  it('tags(): lists the repository, empty for an unknown one', async () => {
    const r = await client().tags(`${reg.host}/demo/app`);
    assert.ok(r.ok, JSON.stringify(r));
    assert.ok(r.value.includes('v1'));
    const none = await client().tags(`${reg.host}/demo/nothing-here`);
    assert.ok(none.ok);
    assert.deepEqual(none.value, []);
  });
});

/** Pushes a manifest and, under the `sha256-<hex>` tag of `subject`, an index shaped like cosign 2.5's fallback index. */
async function pushFallbackIndex(dir: string, host: string, subject: string): Promise<void> {
  const base = buildImage(dir, { seed: 'referrer' });
  await pushImage(base, `${host}/demo/app:referrer`);
  const size = readFileSync(path.join(base.layout, 'blobs', 'sha256', base.digest.slice(7))).length;
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', size, digest: base.digest, artifactType: 'application/vnd.oci.empty.v1+json' }],
  });
  const res = await fetch(`http://${host}/v2/demo/app/manifests/${subject.replace(':', '-')}`, { method: 'PUT', headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' }, body: index });
  if (res.status !== 201) throw new Error(`PUT fallback index: HTTP ${res.status} ${await res.text()}`);
}
