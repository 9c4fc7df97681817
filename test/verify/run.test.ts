// The one verification runner (editor and CLI): verdict combination, concurrency limit, timeout, cancellation,
// trust-root choice and registry reuse — with a stand-in engine, no registry.
import { strict as assert } from 'node:assert';
import type { TrustChoice, VerifyImage, VerifyOutcome, VerifyRequest } from '../../server/src/verify/api';
import { combineVerdicts, RegistryPool, VerificationRunner, Verdict } from '../../server/src/verify/run';
import { RegistryClient } from '../../server/src/registry/client';

const outcome = (image: string, verdict: Verdict): VerifyOutcome => ({ image, verdict, summary: verdict, details: [], findings: [], unchecked: [] });
const request = (image: string): VerifyRequest => ({ image, spec: { kind: 'key', publicKeyPem: 'k' } });
const registry = new RegistryClient({});

function runnerWith(engine: VerifyImage, trust: () => Promise<TrustChoice> = async () => ({ ok: false, reason: 'no root in tests' })) {
  const chosen: (string | undefined)[] = [];
  const runner = new VerificationRunner({
    loadEngine: () => ({ engine }),
    trust: () => ({ choose: (setting) => (chosen.push(setting), trust()) }),
  });
  return { runner, chosen };
}

describe('verification runner', () => {
  describe('combineVerdicts', () => {
    it('a definite failure outranks a network error: the image is refused whatever the other rule would say', () => {
      assert.equal(combineVerdicts(['error', 'failed', 'verified']), 'failed');
      assert.equal(combineVerdicts(['verified', 'failed']), 'failed');
    });

    it('an unknown (error) never reads as a pass, nor does an attestor we cannot check', () => {
      assert.equal(combineVerdicts(['verified', 'error', 'unsupported']), 'error');
      assert.equal(combineVerdicts(['verified', 'unsupported']), 'unsupported');
      assert.equal(combineVerdicts(['verified', 'verified']), 'verified');
    });

    it('no covering rule admits the image, as Kyverno does', () => {
      assert.equal(combineVerdicts([]), 'verified');
    });
  });

  it('runs at most `concurrency` verifications at once and keeps the order of the requests', async () => {
    let active = 0;
    let peak = 0;
    const { runner } = runnerWith(async (r) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, 10));
      active--;
      return outcome(r.image, 'verified');
    });
    const images = ['a', 'b', 'c', 'd', 'e'];
    const results = await runner.runAll(images.map(request), { registry, fresh: true, settings: { concurrency: 2, timeoutSeconds: 5 } });
    assert.deepEqual(results.map((r) => r.image), images);
    assert.equal(peak, 2);
  });

  it('turns a timeout into an error naming the setting, and frees the slot even if the engine ignores its signal', async () => {
    const { runner } = runnerWith(() => new Promise<VerifyOutcome>(() => undefined));
    const started = Date.now();
    const [r] = await runner.runAll([request('slow')], { registry, fresh: true, settings: { concurrency: 1, timeoutSeconds: 0.05, timeoutSource: 'the setting' } });
    assert.deepEqual([r.verdict, r.summary], ['error', '✗ timed out after 0.05 s (the setting)']);
    assert.ok(Date.now() - started < 2000);
  });

  it('reports cancellation and an engine that throws as errors, never by throwing', async () => {
    const aborted = new AbortController();
    aborted.abort();
    const { runner } = runnerWith(async () => {
      throw new Error('boom');
    });
    const cancelled = await runner.run(request('x'), { registry, fresh: false, signal: aborted.signal, settings: { concurrency: 1, timeoutSeconds: 5 } });
    assert.equal(cancelled.summary, '✗ cancelled');
    const thrown = await runner.run(request('x'), { registry, fresh: false, settings: { concurrency: 1, timeoutSeconds: 5 } });
    assert.deepEqual([thrown.verdict, thrown.summary], ['error', '✗ verification failed to run: boom']);
  });

  it('hands the engine the trusted-root choice of the settings, and says when there is no engine', async () => {
    let seen: TrustChoice | undefined;
    const { runner, chosen } = runnerWith(async (r, deps) => {
      seen = await deps.trustRoot!();
      return outcome(r.image, 'verified');
    });
    await runner.run(request('x'), { registry, fresh: true, settings: { concurrency: 1, timeoutSeconds: 5, trustedRoot: '/etc/root.json' } });
    assert.deepEqual(chosen, ['/etc/root.json']);
    assert.deepEqual(seen, { ok: false, reason: 'no root in tests' });
    const none = new VerificationRunner({ loadEngine: () => ({ reason: 'engine missing' }), trust: () => ({ choose: async () => ({ ok: false, reason: '' }) }) });
    assert.equal((await none.run(request('x'), { registry, fresh: true, settings: { concurrency: 1, timeoutSeconds: 5 } })).summary, '✗ not verified: engine missing');
  });

  it('reuses a registry client while the settings stay the same', () => {
    const pool = new RegistryPool();
    const a = pool.client([{ host: 'r.example' }]);
    assert.equal(pool.client([{ host: 'r.example' }]), a);
    assert.notEqual(pool.client([{ host: 'other.example' }]), a);
  });
});
