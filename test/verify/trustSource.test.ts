// Trust material for keyless verification: the policy's own roots / Rekor / CT keys (through verifyImage), a
// trusted_root.json named in settings, and the public-good root refreshed through TUF — against a real TUF
// repository served on 127.0.0.1 (our own keys, verified by the real tuf-js client), against unreachable,
// hanging and tampering mirrors, and against the real Sigstore CDN as far as this machine can reach it.
import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { json } from '@sigstore/core';
import { stringify } from 'yaml';
import type { Manifest, RegistryClient } from '../../server/src/registry/client';
import type { LspClient } from '../support/lspClient';
import type { TrustChoice, VerifyDeps, VerifyOutcome } from '../../server/src/verify/api';
import { publicGoodTrustRoot } from '../../server/src/verify/trustRoot';
import {
  defaultTrustCacheDir, PublicGoodTrust, resolveTrustedRootPath, TrustSource, trustedRootFromFile,
} from '../../server/src/verify/trustSource';
import { verifyImage } from '../../server/src/verify/verifyImage';
import { SIGSTORE_FIXTURES, sigstoreFixture } from './support';

const MOCK_ROOT_TEXT = sigstoreFixture('mock-keyless/trusted_root.json');
const MOCK_ROOT = JSON.parse(MOCK_ROOT_TEXT);
const MOCK_CA_SUBJECT = 'sigstore.mock';

const made: string[] = [];
const tmp = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), `image-trust-${prefix}-`));
  made.push(dir);
  return dir;
};
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const pem = (label: string, b64: string) => `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;

/** Whether the chosen root's certificate authority is the mock CA (else: the public-good Fulcio). */
function trustsMockCA(choice: TrustChoice): boolean {
  assert.ok(choice.ok, choice.ok ? '' : choice.reason);
  if (!choice.ok) return false;
  return choice.root.parts.certificateAuthorities.some((ca) => ca.certChain.some((c) => Buffer.from(c.subject).toString('latin1').includes(MOCK_CA_SUBJECT)));
}

// ---- a TUF repository on loopback --------------------------------------------------------------------------

type Mode = 'serve' | 'hang' | 'tamper-target' | 'server-error';

interface LocalTuf {
  url: string;
  /** The initial root.json (version 1) a client starts from. */
  rootPath: string;
  /** Paths requested, in order. */
  hits: string[];
  mode: Mode;
  /** Milliseconds before each answer. */
  delayMs: number;
  close(): Promise<void>;
}

/**
 * A TUF repository (root, timestamp, snapshot, targets with consistent snapshots) holding one target,
 * `trusted_root.json`, signed with ed25519 keys made here. With `rotate`, root v2 hands every role to a new key
 * (signed by the old and the new root key), as the Sigstore repository's root rotations do.
 */
async function startLocalTuf(dir: string, target: string, options: { rotate?: boolean } = {}): Promise<LocalTuf> {
  const expires = '2099-01-01T00:00:00Z';
  const spec_version = '1.0.31';
  const makeKey = () => {
    const pair = crypto.generateKeyPairSync('ed25519');
    const raw = pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    const key = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: raw.toString('hex') } };
    return { pair, key, keyid: crypto.createHash('sha256').update(json.canonicalize(key)).digest('hex') };
  };
  type Key = ReturnType<typeof makeKey>;
  const signed = (body: Record<string, unknown>, ...keys: Key[]) => Buffer.from(JSON.stringify({
    signed: body,
    signatures: keys.map((k) => ({ keyid: k.keyid, sig: crypto.sign(null, Buffer.from(json.canonicalize(body)), k.pair.privateKey).toString('hex') })),
  }));
  const rootBody = (version: number, k: Key) => ({
    _type: 'root', spec_version, version, expires, consistent_snapshot: true,
    keys: { [k.keyid]: k.key },
    roles: Object.fromEntries(['root', 'targets', 'snapshot', 'timestamp'].map((r) => [r, { keyids: [k.keyid], threshold: 1 }])),
  });
  const first = makeKey();
  const files = new Map<string, Buffer>();
  const root1 = signed(rootBody(1, first), first);
  let signer = first;
  if (options.rotate) {
    const second = makeKey();
    files.set('/2.root.json', signed(rootBody(2, second), first, second));
    signer = second;
  }
  const targetBytes = Buffer.from(target);
  const sha256 = crypto.createHash('sha256').update(targetBytes).digest('hex');
  files.set(`/targets/${sha256}.trusted_root.json`, targetBytes);
  files.set('/1.targets.json', signed({ _type: 'targets', spec_version, version: 1, expires, targets: { 'trusted_root.json': { length: targetBytes.length, hashes: { sha256 } } } }, signer));
  files.set('/1.snapshot.json', signed({ _type: 'snapshot', spec_version, version: 1, expires, meta: { 'targets.json': { version: 1 } } }, signer));
  files.set('/timestamp.json', signed({ _type: 'timestamp', spec_version, version: 1, expires, meta: { 'snapshot.json': { version: 1 } } }, signer));
  const rootPath = path.join(dir, 'initial-root.json');
  writeFileSync(rootPath, root1);

  const repo: LocalTuf = { url: '', rootPath, hits: [], mode: 'serve', delayMs: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    repo.hits.push(req.url ?? '');
    if (repo.mode === 'hang') return; // accept, never answer
    setTimeout(() => {
      if (repo.mode === 'server-error') {
        res.writeHead(500).end('boom');
        return;
      }
      let body = files.get(req.url ?? '');
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      if (repo.mode === 'tamper-target' && req.url?.startsWith('/targets/')) body = Buffer.from(body.toString().replace('sigstore.mock', 'sigstore.evil'));
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    }, repo.delayMs);
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  repo.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  repo.close = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  return repo;
}

/** A loopback port nothing listens on: connections are refused at once, like a machine without network. */
async function closedPort(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

// ---- the public-good root through TUF ------------------------------------------------------------------

describe('trust source: the public-good root refreshed through TUF', function () {
  this.timeout(30_000);
  const repos: LocalTuf[] = [];
  const local = async (dir: string, options: { rotate?: boolean } = {}) => {
    const r = await startLocalTuf(dir, MOCK_ROOT_TEXT, options);
    repos.push(r);
    return r;
  };
  after(async () => {
    await Promise.all(repos.map((r) => r.close()));
  });

  it('refreshes from a TUF repository on 127.0.0.1 (verified by tuf-js) and verifications use the refreshed root', async () => {
    const dir = tmp('tuf-ok');
    const repo = await local(dir);
    const pg = new PublicGoodTrust({ cacheDir: dir, mirrorURL: repo.url, tufRootPath: repo.rootPath });
    const choice = await pg.current();
    assert.ok(trustsMockCA(choice), 'the served trusted root, not the embedded one');
    assert.ok(choice.ok);
    assert.match(choice.description, new RegExp(`^trust root: trusted root of ${repo.url} \\(refreshed from ${repo.url} at \\d{4}-\\d\\d-\\d\\dT`));
    assert.deepEqual(repo.hits, ['/2.root.json', '/timestamp.json', '/1.snapshot.json', '/1.targets.json', `/targets/${crypto.createHash('sha256').update(MOCK_ROOT_TEXT).digest('hex')}.trusted_root.json`]);
    assert.equal(pg.attempts, 1);
  });

  it('follows a root rotation (root v2 signed by the old and the new key) before trusting the new metadata', async () => {
    const dir = tmp('tuf-rotate');
    const repo = await local(dir, { rotate: true });
    const choice = await new PublicGoodTrust({ cacheDir: dir, mirrorURL: repo.url, tufRootPath: repo.rootPath }).current();
    assert.ok(trustsMockCA(choice));
    assert.deepEqual(repo.hits.slice(0, 2), ['/2.root.json', '/3.root.json']);
  });

  it('refreshes at most once a day: a restart within the day reuses the cached root without contacting the mirror', async () => {
    const dir = tmp('tuf-daily');
    const repo = await local(dir);
    let now = Date.parse('2026-11-23T08:00:00Z');
    const options = { cacheDir: dir, mirrorURL: repo.url, tufRootPath: repo.rootPath, now: () => now };
    await new PublicGoodTrust(options).current();
    const requests = repo.hits.length;

    now += 23 * 3_600_000;
    const restarted = new PublicGoodTrust(options);
    const again = await restarted.current();
    assert.ok(trustsMockCA(again));
    assert.equal(restarted.attempts, 0);
    assert.equal(repo.hits.length, requests, 'no request within the day');
    assert.ok(again.ok && again.description.includes('refreshed from') && again.description.includes('2026-11-23T08:00:00Z'), again.ok ? again.description : '');

    now += 2 * 3_600_000;
    const nextDay = new PublicGoodTrust(options);
    await nextDay.current();
    assert.equal(nextDay.attempts, 1, 'a day later the root is refreshed again');
    assert.ok(repo.hits.length > requests);
  });

  it('offline (connection refused): fails fast, records why, and falls back to the embedded root', async () => {
    const dir = tmp('tuf-offline');
    const repo = await local(dir); // only for its initial root.json; the mirror URL points at a closed port
    const mirror = await closedPort();
    let now = Date.now();
    const pg = new PublicGoodTrust({ cacheDir: dir, mirrorURL: mirror, tufRootPath: repo.rootPath, now: () => now });
    const started = Date.now();
    const choice = await pg.current();
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    assert.ok(choice.ok);
    assert.equal(choice.root, publicGoodTrustRoot(), 'the embedded public-good root');
    assert.match(choice.description, /embedded in @sigstore\/tuf \(the TUF refresh at .* failed \(.*ECONNREFUSED.*\), so the embedded copy is used\)/);
    const state = JSON.parse(readFileSync(path.join(dir, readdirSync(dir).find((f) => f.startsWith('refresh-'))!), 'utf8'));
    assert.match(state.error, /ECONNREFUSED/);
    assert.equal(state.trustedRoot, undefined);

    // Not retried at every verification: the next attempt waits an hour.
    now += 59 * 60_000;
    await pg.current();
    assert.equal(pg.attempts, 1);
    now += 2 * 60_000;
    await pg.current();
    assert.equal(pg.attempts, 2);
  });

  it('offline after a successful refresh: the last refreshed copy is used, and the failure is reported', async () => {
    const dir = tmp('tuf-fallback');
    const repo = await local(dir);
    let now = Date.parse('2026-11-23T08:00:00Z');
    const options = { cacheDir: dir, mirrorURL: repo.url, tufRootPath: repo.rootPath, now: () => now };
    await new PublicGoodTrust(options).current();
    await repo.close();

    now += 25 * 3_600_000;
    const pg = new PublicGoodTrust(options);
    const choice = await pg.current();
    assert.equal(pg.attempts, 1);
    assert.ok(trustsMockCA(choice), 'the last refreshed copy, not the embedded root');
    assert.ok(choice.ok);
    assert.match(choice.description, /refreshed from .* at 2026-11-23T08:00:00Z; the TUF refresh at 2026-11-24T09:00:00Z failed \(.*ECONNREFUSED.*\), so the last refreshed copy is used\)/);
  });

  it('a mirror that never answers: verification waits only waitMs, the refresh times out on its own and is recorded', async () => {
    const dir = tmp('tuf-hang');
    const repo = await local(dir);
    repo.mode = 'hang';
    const pg = new PublicGoodTrust({ cacheDir: dir, mirrorURL: repo.url, tufRootPath: repo.rootPath, timeoutMs: 300, waitMs: 100 });
    const started = Date.now();
    const first = await pg.current();
    assert.ok(Date.now() - started < 1000, `waited ${Date.now() - started} ms`);
    assert.ok(first.ok);
    assert.equal(first.root, publicGoodTrustRoot());
    assert.match(first.description, /the first TUF refresh has not finished, so the embedded copy is used; a TUF refresh is still running in the background/);

    const settled = await pg.refresh();
    assert.ok(settled.ok);
    assert.match(settled.description, /failed \(.*(timeout|timed out|took longer).*\)/i);
    assert.ok(Date.now() - started < 3000, `the refresh gave up after ${Date.now() - started} ms`);
  });

  it('a slow mirror: the first verification uses the embedded root, later ones the refreshed root once it lands', async () => {
    const dir = tmp('tuf-slow');
    const repo = await local(dir);
    repo.delayMs = 150;
    const pg = new PublicGoodTrust({ cacheDir: dir, mirrorURL: repo.url, tufRootPath: repo.rootPath, waitMs: 50 });
    const first = await pg.current();
    assert.ok(first.ok && first.root === publicGoodTrustRoot());
    await pg.refresh(); // joins the refresh in flight
    assert.equal(pg.attempts, 1);
    assert.ok(trustsMockCA(await pg.current()));
  });

  it('a target whose bytes do not match the signed targets metadata is rejected (fallback to embedded)', async () => {
    const dir = tmp('tuf-tamper');
    const repo = await local(dir);
    repo.mode = 'tamper-target';
    const choice = await new PublicGoodTrust({ cacheDir: dir, mirrorURL: repo.url, tufRootPath: repo.rootPath }).current();
    assert.ok(choice.ok);
    assert.equal(choice.root, publicGoodTrustRoot());
    assert.match(choice.description, /failed \(error downloading target.*Expected hash [0-9a-f]{64} but got [0-9a-f]{64}\)/);
  });

  it('a mirror answering 500: failure recorded with the HTTP status', async () => {
    const dir = tmp('tuf-500');
    const repo = await local(dir);
    repo.mode = 'server-error';
    const choice = await new PublicGoodTrust({ cacheDir: dir, mirrorURL: repo.url, tufRootPath: repo.rootPath }).current();
    assert.ok(choice.ok);
    assert.equal(choice.root, publicGoodTrustRoot());
    assert.match(choice.description, /failed \(Failed to download \(HTTP 500\)\)/);
  });

  it('the real Sigstore TUF CDN (environment-dependent): refreshed when this machine is online, else a fast recorded fallback', async () => {
    const dir = tmp('tuf-cdn');
    const pg = new PublicGoodTrust({ cacheDir: dir });
    const started = Date.now();
    const choice = await pg.current();
    const elapsed = Date.now() - started;
    assert.ok(choice.ok);
    assert.ok(elapsed < 6000, `verification waited ${elapsed} ms`);
    if (choice.root === publicGoodTrustRoot()) {
      // No internet here (the project's test machines): the reason is recorded, e.g. ENOTFOUND / ECONNREFUSED.
      await pg.refresh();
      const settled = await pg.current();
      assert.ok(settled.ok);
      assert.match(settled.description, /^trust root: Sigstore public-good trusted root embedded in @sigstore\/tuf \(the TUF refresh at .* failed \(.+\), so the embedded copy is used\)$/);
      console.log(`    (offline here: ${settled.description})`);
    } else {
      assert.match(choice.description, /^trust root: Sigstore public-good trusted root \(refreshed from https:\/\/tuf-repo-cdn\.sigstore\.dev at /);
      assert.ok(choice.root.parts.certificateAuthorities.length > 0);
    }
  });
});

// ---- a trusted_root.json named in settings -----------------------------------------------------------------

describe('trust source: imageTrust.verify.trustedRoot', () => {
  it('resolves ~/ and absolute paths; a relative path is an error, never resolved against a workspace', () => {
    assert.deepEqual(resolveTrustedRootPath('~/sigstore/root.json', '/home/me'), { ok: true, file: path.join('/home/me', 'sigstore/root.json') });
    assert.deepEqual(resolveTrustedRootPath('/etc/sigstore/root.json'), { ok: true, file: '/etc/sigstore/root.json' });
    for (const relative of ['  policies/root.json ', 'root.json', './root.json', '../x/root.json']) {
      const r = resolveTrustedRootPath(relative);
      assert.ok(!r.ok, relative);
      assert.equal(r.reason, `trusted root "${relative.trim()}" (imageTrust.verify.trustedRoot) is a relative path. Relative paths are not resolved (never against the workspace); use an absolute path or one starting with ~/.`);
    }
  });

  it('loads the file and names it', async () => {
    const ws = tmp('ws');
    mkdirSync(path.join(ws, 'sigstore'));
    const file = path.join(ws, 'sigstore', 'trusted_root.json');
    writeFileSync(file, MOCK_ROOT_TEXT);
    const choice = await trustedRootFromFile(file);
    assert.ok(trustsMockCA(choice));
    assert.ok(choice.ok);
    assert.equal(choice.root.source, `trusted root ${file}`);
    assert.match(choice.description, /imageTrust\.verify\.trustedRoot\); the Sigstore public-good root is not used$/);
  });

  it('picks up a changed file', async () => {
    const file = path.join(tmp('ws-change'), 'root.json');
    writeFileSync(file, MOCK_ROOT_TEXT);
    assert.ok(trustsMockCA(await trustedRootFromFile(file)));
    writeFileSync(file, sigstoreFixture('public-good-trusted_root.json'));
    assert.ok(!trustsMockCA(await trustedRootFromFile(file)));
  });

  for (const [name, content, reason] of [
    ['a missing file', undefined, /could not be read: ENOENT/],
    ['a file that is not JSON', '{"mediaType": ', /could not be read: the file is not JSON/],
    ['a root whose Rekor key has no validity start', JSON.stringify({ ...MOCK_ROOT, tlogs: [{ ...MOCK_ROOT.tlogs[0], publicKey: { ...MOCK_ROOT.tlogs[0].publicKey, validFor: {} } }] }), /could not be read: the file is malformed: tlogs\[0\] \(https:\/\/rekor\.mock\.test\) publicKey\.validFor\.start is missing/],
  ] as const) {
    it(`${name} is an error naming the file, never a fallback to the public-good root`, async () => {
      const file = path.join(tmp('ws-bad'), 'trusted_root.json');
      if (content !== undefined) writeFileSync(file, content);
      const choice = await trustedRootFromFile(file);
      assert.equal(choice.ok, false);
      if (choice.ok) return;
      assert.ok(choice.reason.startsWith(`trusted root ${file} (imageTrust.verify.trustedRoot) could not be read: `), choice.reason);
      assert.match(choice.reason, reason);
    });
  }

  it('TrustSource: the setting wins over TUF; without it the public-good source is used (and its cache dir)', async () => {
    const dir = tmp('source');
    const repo = await startLocalTuf(dir, MOCK_ROOT_TEXT);
    try {
      const source = new TrustSource({ cacheDir: dir, mirrorURL: repo.url, tufRootPath: repo.rootPath });
      const file = path.join(dir, 'private.json');
      writeFileSync(file, sigstoreFixture('public-good-trusted_root.json'));
      const fromFile = await source.choose(file);
      assert.ok(fromFile.ok && fromFile.root.source === `trusted root ${file}`);
      assert.equal(repo.hits.length, 0, 'no TUF refresh while a trusted root file is set');
      const fromTuf = await source.choose('  ');
      assert.ok(trustsMockCA(fromTuf));
      assert.ok(repo.hits.length > 0);
    } finally {
      await repo.close();
    }
  });

  it('default cache directory: $XDG_CACHE_HOME/image-trust/tuf, else ~/.cache/image-trust/tuf', () => {
    assert.equal(defaultTrustCacheDir('/home/me', {}), '/home/me/.cache/image-trust/tuf');
    assert.equal(defaultTrustCacheDir('/home/me', { XDG_CACHE_HOME: '/var/cache/me' }), '/var/cache/me/image-trust/tuf');
  });
});

// ---- the policy's own trust material, end to end through verifyImage -------------------------------------------

describe('trust source: a policy\'s roots, rekor.pubkey and ctlog.pubkey (mock private Sigstore, through verifyImage)', () => {
  const SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
  const ISSUER = 'https://token.actions.githubusercontent.com';
  const DIGEST = `sha256:${'ab'.repeat(32)}`;
  const IMAGE = `registry.test/acme/app@${DIGEST}`;
  const payload = Buffer.from(sigstoreFixture('mock-keyless/payload.json'));
  const annotations: Record<string, string> = JSON.parse(sigstoreFixture('mock-keyless/legacy-annotations.json'));
  const CA_ROOTS = MOCK_ROOT.certificateAuthorities[0].certChain.certificates.map((c: { rawBytes: string }) => pem('CERTIFICATE', c.rawBytes)).join('');
  const REKOR_KEY = pem('PUBLIC KEY', MOCK_ROOT.tlogs[0].publicKey.rawBytes);
  const CT_KEY = pem('PUBLIC KEY', MOCK_ROOT.ctlogs[0].publicKey.rawBytes);

  /** Serves the image and its `.sig` (the mock keyless legacy signature) like a registry would. */
  function fakeRegistry(): RegistryClient {
    const payloadDigest = `sha256:${crypto.createHash('sha256').update(payload).digest('hex')}`;
    const sigTag = `registry.test/acme/app:${DIGEST.replace(':', '-')}.sig`;
    const manifest = (digest: string, obj: Record<string, unknown>): Manifest => ({ digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes: Buffer.from(JSON.stringify(obj)), json: obj });
    const notFound = { ok: false as const, error: { code: 'not-found' as const, message: 'not found' } };
    return {
      resolve: async (ref: string) =>
        (ref === IMAGE ? { ok: true, value: { image: ref, registry: 'registry.test', repository: 'acme/app', digest: DIGEST, mediaType: 'application/vnd.oci.image.manifest.v1+json' } } : notFound),
      manifest: async (ref: string) => {
        if (ref === IMAGE) return { ok: true, value: manifest(DIGEST, { schemaVersion: 2 }) };
        if (ref === sigTag) {
          return { ok: true, value: manifest(`sha256:${'cd'.repeat(32)}`, { schemaVersion: 2, layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: payloadDigest, size: payload.length, annotations }] }) };
        }
        return notFound;
      },
      blob: async (_repo: string, digest: string) => (digest === payloadDigest ? { ok: true, value: payload } : notFound),
      referrers: async () => notFound,
    } as unknown as RegistryClient;
  }

  function keylessPolicy(keyless: Record<string, unknown>): string {
    return stringify({
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'private-sigstore' },
      spec: { rules: [{ name: 'keyless', match: { any: [{ resources: { kinds: ['Pod'] } }] }, verifyImages: [{ imageReferences: ['registry.test/*'], attestors: [{ entries: [{ keyless: { subject: SAN, issuer: ISSUER, ...keyless } }] }] }] }] },
    });
  }

  const verify = (keyless: Record<string, unknown>, deps: Partial<VerifyDeps> = {}): Promise<VerifyOutcome> =>
    verifyImage({ image: IMAGE, spec: { kind: 'policy-entry', policyUri: 'file:///policy.yaml', policyText: keylessPolicy(keyless), ruleIndex: 0, entryIndex: 0 } }, { registry: fakeRegistry(), ...deps });

  const explain = (o: VerifyOutcome) => `${o.verdict}: ${o.summary}\n${o.details.join('\n')}`;

  it('without the policy\'s material the mock CA is not trusted (public-good root), and the details say which root', async () => {
    const o = await verify({});
    assert.equal(o.verdict, 'failed', explain(o));
    assert.match(o.findings[0]?.reason ?? '', /does not chain to a certificate authority of Sigstore public-good trusted root \(/);
    assert.equal(o.details[1], 'trust root: Sigstore public-good trusted root embedded in @sigstore/tuf');
  });

  it('roots + rekor.pubkey + ctlog.pubkey replace the public-good parts: verified', async () => {
    const o = await verify({ roots: CA_ROOTS, rekor: { url: 'https://rekor.mock.test', pubkey: REKOR_KEY }, ctlog: { pubkey: CT_KEY } });
    assert.equal(o.verdict, 'verified', explain(o));
    assert.match(o.details[1], /entries with their own roots, rekor\.pubkey, ctlog\.pubkey or ctlog\.tsaCertChain use those/);
  });

  it('roots alone: the certificate chains, but its SCT is from a CT log the public-good root does not hold: fails', async () => {
    const o = await verify({ roots: CA_ROOTS });
    assert.equal(o.verdict, 'failed', explain(o));
    assert.match(o.findings[0]?.reason ?? '', /SCT does not verify against the CT log keys of Sigstore public-good trusted root with the policy's certificate roots\./);
  });

  it('roots + ctlog.pubkey without rekor.pubkey: the SET is signed by a Rekor key the public-good root does not hold: fails', async () => {
    const o = await verify({ roots: CA_ROOTS, ctlog: { pubkey: CT_KEY } });
    assert.equal(o.verdict, 'failed', explain(o));
    assert.match(o.findings[0]?.reason ?? '', /transparency-log|Rekor|SET/i);
    assert.doesNotMatch(o.findings[0]?.reason ?? '', /SCT|chain/);
  });

  it('roots + rekor.pubkey without ctlog.pubkey: the SCT is checked against the public-good CT keys and fails', async () => {
    const noCt = await verify({ roots: CA_ROOTS, rekor: { url: 'https://rekor.mock.test', pubkey: REKOR_KEY } });
    assert.equal(noCt.verdict, 'failed', explain(noCt));
    assert.match(noCt.findings[0]?.reason ?? '', /SCT does not verify against the CT log keys of Sigstore public-good trusted root with the policy's certificate roots, Rekor keys/);
  });

  // cosign's --insecure-ignore-sct (Kyverno ctlog.ignoreSCT) does not look at SCTs, so an SCT from a CT log the
  // trust material lacks does not matter; the chain, the Rekor entry and the identity still do.
  it('roots + rekor.pubkey + ctlog.ignoreSCT with an SCT from an unknown CT log verifies, as in Kyverno', async () => {
    const ignored = await verify({ roots: CA_ROOTS, rekor: { url: 'https://rekor.mock.test', pubkey: REKOR_KEY }, ctlog: { ignoreSCT: true } });
    assert.equal(ignored.verdict, 'verified', explain(ignored));
    const wrongSubject = await verifyImage(
      { image: IMAGE, spec: { kind: 'policy-entry', policyUri: 'file:///policy.yaml', policyText: keylessPolicy({ subject: `${SAN}x`, roots: CA_ROOTS, rekor: { url: 'https://rekor.mock.test', pubkey: REKOR_KEY }, ctlog: { ignoreSCT: true } }), ruleIndex: 0, entryIndex: 0 } },
      { registry: fakeRegistry() },
    );
    assert.equal(wrongSubject.verdict, 'failed', explain(wrongSubject));
  });

  it('ctlog.ignoreSCT does not relax the certificate chain: without roots the mock certificate still fails', async () => {
    const o = await verify({ rekor: { url: 'https://rekor.mock.test', pubkey: REKOR_KEY }, ctlog: { ignoreSCT: true } });
    assert.equal(o.verdict, 'failed', explain(o));
    assert.match(o.findings[0]?.reason ?? '', /does not chain to a certificate authority of Sigstore public-good trusted root/);
  });

  it('the log keys without roots: the certificate does not chain to the public-good Fulcio: fails', async () => {
    const o = await verify({ rekor: { url: 'https://rekor.mock.test', pubkey: REKOR_KEY }, ctlog: { pubkey: CT_KEY } });
    assert.equal(o.verdict, 'failed', explain(o));
    assert.match(o.findings[0]?.reason ?? '', /does not chain to a certificate authority of Sigstore public-good trusted root with the policy's Rekor keys, CT log keys/);
  });

  it('a policy root that is not a certificate is reported, not ignored', async () => {
    const o = await verify({ roots: REKOR_KEY, rekor: { url: 'https://rekor.mock.test', pubkey: REKOR_KEY }, ctlog: { pubkey: CT_KEY } });
    assert.equal(o.verdict, 'failed', explain(o));
    assert.match(o.findings.length ? o.findings[0].reason ?? '' : o.summary, /roots must be PEM certificates/);
  });

  it('ctlog.tsaCertChain reaches the trust material too: a malformed chain is reported, a certificate chain is accepted', async () => {
    const material = { roots: CA_ROOTS, rekor: { url: 'https://rekor.mock.test', pubkey: REKOR_KEY } };
    const bad = await verify({ ...material, ctlog: { pubkey: CT_KEY, tsaCertChain: REKOR_KEY } });
    assert.equal(bad.verdict, 'failed', explain(bad));
    assert.match(bad.findings.length ? bad.findings[0].reason ?? '' : bad.summary, /TSA chain must be PEM certificates/);
    // The legacy signature carries no RFC 3161 timestamp; its Rekor entry still dates it, so a TSA chain is harmless.
    const good = await verify({ ...material, ctlog: { pubkey: CT_KEY, tsaCertChain: CA_ROOTS } });
    assert.equal(good.verdict, 'verified', explain(good));
  });

  it('a trusted root from settings replaces the public-good root: verified with no policy material', async () => {
    const file = path.join(SIGSTORE_FIXTURES, 'mock-keyless', 'trusted_root.json');
    const o = await verify({}, { trustRoot: () => trustedRootFromFile(file) });
    assert.equal(o.verdict, 'verified', explain(o));
    assert.equal(o.details[1], `trust root: ${file} (imageTrust.verify.trustedRoot); the Sigstore public-good root is not used`);
  });

  it('an unreadable settings root is the verification\'s error (no fallback, the registry is not contacted)', async () => {
    const file = path.join(tmp('unreadable'), 'missing.json');
    let contacted = false;
    const registry = { manifest: async () => { contacted = true; return { ok: false, error: { code: 'not-found', message: 'x' } }; } } as unknown as RegistryClient;
    const o = await verifyImage(
      { image: IMAGE, spec: { kind: 'policy-entry', policyUri: 'file:///p.yaml', policyText: keylessPolicy({}), ruleIndex: 0, entryIndex: 0 } },
      { registry, trustRoot: () => trustedRootFromFile(file) },
    );
    assert.equal(o.verdict, 'error');
    assert.match(o.summary, new RegExp(`^✗ trusted root ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(imageTrust\\.verify\\.trustedRoot\\) could not be read: ENOENT`));
    assert.equal(contacted, false);
  });

  it('a root refreshed through TUF (local repository) is the one verification uses, and the details say so', async function () {
    this.timeout(15_000);
    const dir = tmp('tuf-verify');
    const repo = await startLocalTuf(dir, MOCK_ROOT_TEXT);
    try {
      const pg = new PublicGoodTrust({ cacheDir: dir, mirrorURL: repo.url, tufRootPath: repo.rootPath });
      const o = await verify({}, { trustRoot: () => pg.current() });
      assert.equal(o.verdict, 'verified', explain(o));
      assert.match(o.details[1], new RegExp(`^trust root: trusted root of ${repo.url} \\(refreshed from ${repo.url} at `));
    } finally {
      await repo.close();
    }
  });

  it('the request\'s own trusted_root.json still wins over the caller\'s choice', async () => {
    let asked = false;
    const o = await verifyImage(
      { image: IMAGE, spec: { kind: 'policy-entry', policyUri: 'file:///p.yaml', policyText: keylessPolicy({}), ruleIndex: 0, entryIndex: 0 }, trustedRootJson: MOCK_ROOT_TEXT },
      { registry: fakeRegistry(), trustRoot: async () => { asked = true; return { ok: false, reason: 'not this one' }; } },
    );
    assert.equal(o.verdict, 'verified', explain(o));
    assert.equal(asked, false);
    assert.equal(o.details[1], 'trust root: the trusted_root.json given with the request');
  });
});

// ---- the language server passes the setting and its storage path ------------------------------------------

describe('trust source: the language server (built server, stand-in engine that reports the trust choice)', function () {
  this.timeout(60_000);
  // The stand-in engine returns what deps.trustRoot() chose: the server-side wiring is under test, not crypto.
  const ENGINE = `exports.verifyImage = async (request, deps) => {
    const c = deps.trustRoot ? await deps.trustRoot() : undefined;
    return { image: request.image, verdict: c && c.ok ? 'verified' : 'error',
      summary: c ? (c.ok ? c.description : c.reason) : 'no trustRoot in deps', details: [], findings: [], unchecked: [] };
  };`;
  let client: LspClient | undefined;
  let ws: string;
  let storage: string;

  before(async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startServer } = require('../lsp/harness') as typeof import('../lsp/harness');
    const dir = tmp('lsp-trust');
    ws = path.join(dir, 'ws');
    storage = path.join(dir, 'storage');
    mkdirSync(path.join(ws, 'roots'), { recursive: true });
    writeFileSync(path.join(ws, 'roots', 'trusted_root.json'), MOCK_ROOT_TEXT);
    const engine = path.join(dir, 'engine.js');
    writeFileSync(engine, ENGINE);
    process.env.IMAGE_TRUST_FAKE_VERIFY = engine;
    try {
      client = await startServer({
        workspaceFolders: [pathToFileURL(ws).toString()],
        configuration: { imageTrust: { verify: { trustedRoot: 'roots/trusted_root.json' } } },
        initializationOptions: { workspaceTrusted: true, globalStoragePath: storage },
      });
    } finally {
      delete process.env.IMAGE_TRUST_FAKE_VERIFY;
    }
  });
  after(async () => {
    await client?.stop();
  });

  const verifyOnce = () => client!.request<VerifyOutcome>('imageTrust/verify', { image: 'ghcr.io/acme/app:1', spec: { kind: 'keyless', subject: 'x', issuer: 'y' } });
  const setTrustedRoot = (value: string) => {
    client!.configuration.imageTrust = { verify: { trustedRoot: value } };
  };

  it('a relative imageTrust.verify.trustedRoot is an error, even with the file in the workspace folder', async () => {
    setTrustedRoot('roots/trusted_root.json');
    const o = await verifyOnce();
    assert.equal(o.verdict, 'error');
    assert.match(o.summary, /^trusted root "roots\/trusted_root\.json" \(imageTrust\.verify\.trustedRoot\) is a relative path\. Relative paths are not resolved/);
  });

  it('an absolute one is used and named', async () => {
    setTrustedRoot(path.join(ws, 'roots', 'trusted_root.json'));
    const o = await verifyOnce();
    assert.equal(o.verdict, 'verified', o.summary);
    assert.equal(o.summary, `trust root: ${path.join(ws, 'roots', 'trusted_root.json')} (imageTrust.verify.trustedRoot); the Sigstore public-good root is not used`);
  });

  it('an unreadable one is the verification error, not a fallback', async () => {
    setTrustedRoot(path.join(ws, 'roots', 'missing.json'));
    const o = await verifyOnce();
    assert.equal(o.verdict, 'error');
    assert.ok(o.summary.startsWith(`trusted root ${path.join(ws, 'roots', 'missing.json')} (imageTrust.verify.trustedRoot) could not be read: ENOENT`), o.summary);
  });

  it('without it: the public-good root, with its TUF cache in the client\'s global storage path', async () => {
    setTrustedRoot('');
    const o = await verifyOnce();
    assert.equal(o.verdict, 'verified', o.summary);
    assert.match(o.summary, /^trust root: Sigstore public-good trusted root (embedded in @sigstore\/tuf \(|\(refreshed from https:\/\/tuf-repo-cdn\.sigstore\.dev)/);
    // The refresh may still be running when online; its state lands under globalStoragePath/tuf either way.
    const stateWritten = () => { try { return readdirSync(path.join(storage, 'tuf')).some((f) => f.startsWith('refresh-')); } catch { return false; } };
    for (let i = 0; i < 100 && !stateWritten(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(stateWritten(), 'refresh state kept under globalStoragePath/tuf');
  });
});
