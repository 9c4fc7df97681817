// The "live verification" section: 50 images on a loopback Debian docker-registry, all signed with one key
// by the real cosign 2.5.0 (no transparency log). Verifying all 50 with Image Trust's engine, behind the
// server's default concurrency limit, with a cold cache (fresh RegistryClient) and a warm one (the same
// client again), against 50 sequential `cosign verify` runs of the same images, in the same run.
import { accessSync, constants } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { tsImport } from 'tsx/esm/api';
import { ms, ratio, round, stats, times, waitForIdle } from './lib.mjs';

export const IMAGE_COUNT = 50;
const COLD_RUNS = 3;
const WARM_RUNS = 5;

const load = (path) => tsImport(path, import.meta.url);

/** Runs `fn` over `items` with at most `limit` at once (the order of results is the order of `items`). */
async function limited(items, limit, Semaphore, fn) {
  const semaphore = new Semaphore(limit);
  return Promise.all(items.map((item) => semaphore.run(() => fn(item))));
}

/** Every figure of the section, or `{ skipped: reason }` when the registry tools or cosign are missing. */
export async function measureVerify({ log = console.log } = {}) {
  const registry = await load('../test/support/registry.ts');
  const missing = registry.missingTools();
  if (missing.length) return { skipped: `missing ${missing.join(', ')} (install them with scripts/test-deps.sh)` };
  const cosignSupport = await load('../test/support/cosign.ts');
  const located = cosignSupport.cosignBinary();
  if (!located.path) return { skipped: `cosign 2.5.0 unavailable: ${located.reason}` };
  try {
    accessSync(located.path, constants.X_OK);
  } catch {
    return { skipped: `cosign is not an executable file at ${located.path}` };
  }

  const { RegistryClient, Semaphore } = await load('../server/src/registry/client.ts');
  const { verifyImage } = await load('../server/src/verify/verifyImage.ts');
  const { DEFAULT_VERIFY_SETTINGS } = await load('../server/src/commands/verify.ts');
  const concurrency = DEFAULT_VERIFY_SETTINGS.concurrency;

  const work = registry.tempDir('image-trust-bench-verify-');
  const reg = await registry.startRegistry();
  const result = { images: IMAGE_COUNT, concurrency, cosign: located.path };
  try {
    // Setup (not timed): build, push and sign 50 images, four at a time.
    const setup0 = performance.now();
    const cosign = new cosignSupport.Cosign(located.path, work);
    const key = cosign.key('bench', 'ecdsa-p256');
    const images = Array.from({ length: IMAGE_COUNT }, (_, i) => {
      const name = `app-${String(i).padStart(2, '0')}`;
      const built = registry.buildImage(work, { seed: `bench-${name}` });
      return { name, built, tagRef: `${reg.host}/bench/${name}:1.0`, digestRef: `${reg.host}/bench/${name}@${built.digest}` };
    });
    await limited(images, 4, Semaphore, (im) => registry.pushImage(im.built, im.tagRef));
    await limited(images, 4, Semaphore, (im) => cosign.sign(key, im.digestRef));
    result.setupMs = performance.now() - setup0;
    log(`  set up ${IMAGE_COUNT} signed images on ${reg.host} in ${round(result.setupMs / 1000)} s`);

    const spec = { kind: 'key', publicKeyPem: key.publicKeyPem, ignoreTlog: true };
    const verifyAll = async (client, refOf) => {
      const t0 = performance.now();
      const outcomes = await limited(images, concurrency, Semaphore, (im) => verifyImage({ image: refOf(im), spec }, { registry: client }));
      const elapsed = performance.now() - t0;
      const failed = outcomes.filter((o) => o.verdict !== 'verified');
      if (failed.length) throw new Error(`image-trust did not verify ${failed.length}/${IMAGE_COUNT} images: ${failed[0].image}: ${failed[0].summary}`);
      return elapsed;
    };
    const byTag = (im) => im.tagRef;
    const byDigest = (im) => im.digestRef;
    // Counts the registry requests a run makes (the client logs one line per response).
    let requests = 0;
    const newClient = () => new RegistryClient({ home: work, log: (line) => { if (line.includes(' → ')) requests++; } });
    const counted = async (run) => {
      requests = 0;
      const elapsed = await run();
      return { elapsed, requests };
    };

    // Image Trust, cold cache: a fresh RegistryClient each time (the first run is also the process's first
    // verification, code not yet warmed up by the JIT; it is reported on its own).
    result.idle = [await waitForIdle('verify: image-trust')];
    const cold = [];
    const warmTag = [];
    const warmDigest = [];
    let client;
    const requestCounts = {};
    for (let r = 0; r < COLD_RUNS; r++) {
      client = newClient();
      const run = await counted(() => verifyAll(client, byTag));
      cold.push(run.elapsed);
      requestCounts.cold = run.requests;
    }
    // Warm cache: the last client again. By tag, each image still costs one manifest request (a tag can move);
    // by digest, nothing goes to the registry.
    for (let r = 0; r < WARM_RUNS; r++) {
      const run = await counted(() => verifyAll(client, byTag));
      warmTag.push(run.elapsed);
      requestCounts.warmByTag = run.requests;
    }
    for (let r = 0; r < WARM_RUNS; r++) {
      const run = await counted(() => verifyAll(client, byDigest));
      warmDigest.push(run.elapsed);
      requestCounts.warmByDigest = run.requests;
    }
    result.ours = { coldFirstMs: cold[0], cold: stats(cold), warmByTag: stats(warmTag), warmByDigest: stats(warmDigest), registryRequests: requestCounts };

    // cosign verify, 50 sequential runs, same images by the same tags.
    result.idle.push(await waitForIdle('verify: cosign'));
    const perRun = [];
    const c0 = performance.now();
    for (const im of images) {
      const r0 = performance.now();
      const r = await cosign.verify(key.pubFile, im.tagRef, { ignoreTlog: true });
      perRun.push(performance.now() - r0);
      if (r.code !== 0) throw new Error(`cosign verify ${im.tagRef} failed (${r.code}): ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
    }
    result.cosignVerify = { totalMs: performance.now() - c0, perRun: stats(perRun), args: 'verify --key <pub> --allow-http-registry --offline --insecure-ignore-tlog <host>/bench/app-NN:1.0' };
  } finally {
    await reg.stop();
  }
  return result;
}

/** The verification table and the targets. */
export function summariseVerify(v) {
  if (!v || v.skipped) return { rows: undefined, targets: undefined };
  const cosignTotal = v.cosignVerify.totalMs;
  const req = v.ours.registryRequests ?? {};
  const rows = [[`verify ${v.images} signed images (one key, no tlog), loopback registry`, 'time', 'cosign 2.5.0 ÷ this', 'registry requests']];
  rows.push([`cosign verify × ${v.images}, sequential (median ${ms(v.cosignVerify.perRun.p50)} per run)`, ms(cosignTotal), '1×', '']);
  rows.push([`image-trust, cold cache, first run in the process (concurrency ${v.concurrency})`, ms(v.ours.coldFirstMs), times(ratio(cosignTotal, v.ours.coldFirstMs)), '']);
  rows.push([`image-trust, cold cache, median of ${v.ours.cold.n} (fresh RegistryClient)`, ms(v.ours.cold.p50), times(ratio(cosignTotal, v.ours.cold.p50)), String(req.cold ?? '')]);
  rows.push([`image-trust, warm cache, by tag, median of ${v.ours.warmByTag.n}`, ms(v.ours.warmByTag.p50), times(ratio(cosignTotal, v.ours.warmByTag.p50)), String(req.warmByTag ?? '')]);
  rows.push([`image-trust, warm cache, by digest, median of ${v.ours.warmByDigest.n}`, ms(v.ours.warmByDigest.p50), times(ratio(cosignTotal, v.ours.warmByDigest.p50)), String(req.warmByDigest ?? '')]);
  const coldWorst = Math.max(v.ours.coldFirstMs, v.ours.cold.p50);
  const targets = {
    coldAtLeast5xFasterThanCosign: { ratio: ratio(cosignTotal, coldWorst), ok: ratio(cosignTotal, coldWorst) >= 5, basis: 'the slower of the first cold run and the cold median' },
    warmUnder50msForAll: { value: round(v.ours.warmByTag.max), ok: v.ours.warmByTag.max < 50, basis: 'slowest warm run, by tag (the references cold and cosign use)' },
    warmUnder50msForAllByDigest: { value: round(v.ours.warmByDigest.max), ok: v.ours.warmByDigest.max < 50, basis: 'slowest warm run, by digest' },
  };
  return { rows, targets };
}
