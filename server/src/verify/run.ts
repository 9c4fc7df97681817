// One way to run verifications, for the editor (commands/verify.ts) and the CLI alike: the engine behind a
// concurrency limit and a per-image timeout, the trusted root chosen once (settings file, else the
// TUF-refreshed public-good root), registry clients reused while their settings stay the same, and one rule
// for combining the verdicts of several rules. The adapters keep only their own glue (LSP settings and
// progress; argv and printing).
import { RegistryClient, RegistryClientOptions, Semaphore } from '../registry/client';
import type { RegistrySetting } from '../registry/settings';
import type { TrustChoice, VerifyImage, VerifyOutcome, VerifyRequest } from './api';

export type Verdict = VerifyOutcome['verdict'];

/**
 * Worst first. Kyverno admits an image only when every rule covering it passes, so:
 * - `failed` outranks everything: a signature that definitely does not verify means the image is rejected (under
 *   Enforce) whatever the other rules say. Reporting `error` instead would hide that definite answer behind a
 *   transient one: the user would retry the network and still not learn that the image is refused.
 * - `error` (network, timeout, unreadable policy) outranks `unsupported` and `verified`: the answer is unknown,
 *   and an unknown must never read as a pass.
 * - `unsupported` (nothing we can check from here: KMS, secrets, Notary) still is not a pass.
 */
export const VERDICT_RANK: readonly Verdict[] = ['failed', 'error', 'unsupported', 'verified'];

/** The verdict of several rules on one image: the worst one. No rule at all admits the image, as Kyverno does. */
export function combineVerdicts(verdicts: readonly Verdict[]): Verdict {
  return VERDICT_RANK.find((v) => verdicts.includes(v)) ?? 'verified';
}

export interface RunSettings {
  /** How many verifications run at the same time. */
  concurrency: number;
  /** How long one verification may take. */
  timeoutSeconds: number;
  /** Where the user changes the timeout, named in the timeout message (the editor's setting). */
  timeoutSource?: string;
  /** A trusted_root.json path replacing the public-good root (private Sigstore). */
  trustedRoot?: string;
}

export const DEFAULT_RUN_SETTINGS: RunSettings = { concurrency: 4, timeoutSeconds: 60 };

/** Chooses the trusted root: `verify/trustSource.ts`'s TrustSource, or a stand-in in tests. */
export interface TrustChooser {
  choose(trustedRootSetting: string | undefined): Promise<TrustChoice>;
}

export interface RunnerDeps {
  /** The engine, loaded on first use (the Sigstore code stays out of start-up), or why there is none. */
  loadEngine(): { engine?: VerifyImage; reason?: string };
  /** Created on first use, for the same reason. */
  trust(): TrustChooser;
}

export interface RunContext {
  registry: RegistryClient;
  settings: RunSettings;
  signal?: AbortSignal;
  /** A run the user asked for looks the tag up again; background runs may reuse recent answers. */
  fresh: boolean;
}

export class VerificationRunner {
  private limiter?: { size: number; semaphore: Semaphore };

  constructor(private readonly deps: RunnerDeps) {}

  /** One verification behind the concurrency limit and the timeout; never throws. */
  async run(request: VerifyRequest, ctx: RunContext): Promise<VerifyOutcome> {
    const { engine, reason } = this.deps.loadEngine();
    if (!engine) return errorOutcome(request.image, `✗ not verified: ${reason}`);
    const { settings } = ctx;
    return this.semaphore(settings.concurrency).run(async () => {
      if (ctx.signal?.aborted) return errorOutcome(request.image, '✗ cancelled');
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), settings.timeoutSeconds * 1000);
      const combined = anySignal(ctx.signal, timeout.signal);
      try {
        const trustRoot = () => this.deps.trust().choose(settings.trustedRoot);
        const outcome = await raceAbort(engine(request, { registry: ctx.registry, signal: combined, trustRoot, fresh: ctx.fresh }), combined);
        if (outcome) return outcome;
      } catch (e) {
        if (!combined.aborted) return errorOutcome(request.image, `✗ verification failed to run: ${(e as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
      return timeout.signal.aborted && !ctx.signal?.aborted
        ? errorOutcome(request.image, `✗ timed out after ${settings.timeoutSeconds} s${settings.timeoutSource ? ` (${settings.timeoutSource})` : ''}`)
        : errorOutcome(request.image, '✗ cancelled');
    });
  }

  /** Several verifications, in order, sharing the limit. */
  runAll(requests: readonly VerifyRequest[], ctx: RunContext): Promise<VerifyOutcome[]> {
    return Promise.all(requests.map((r) => this.run(r, ctx)));
  }

  private semaphore(size: number): Semaphore {
    if (this.limiter?.size !== size) this.limiter = { size, semaphore: new Semaphore(size) };
    return this.limiter.semaphore;
  }
}

/** Registry clients reused while their settings stay the same (a client keeps tokens and a resolve cache). */
export class RegistryPool {
  private current?: { key: string; client: RegistryClient };

  constructor(private readonly options: Omit<RegistryClientOptions, 'settings'> = {}) {}

  client(settings: RegistrySetting[]): RegistryClient {
    const key = JSON.stringify(settings);
    if (this.current?.key !== key) this.current = { key, client: new RegistryClient({ ...this.options, settings }) };
    return this.current.client;
  }
}

export function errorOutcome(image: string, summary: string): VerifyOutcome {
  return { image, verdict: 'error', summary, details: [summary.replace(/^✗\s*/, '')], findings: [], unchecked: [] };
}

export function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal {
  const controller = new AbortController();
  for (const s of signals) {
    if (!s) continue;
    if (s.aborted) controller.abort();
    else s.addEventListener('abort', () => controller.abort(), { once: true });
  }
  return controller.signal;
}

/** Settles undefined when `signal` aborts first: an engine that ignores its signal must not hold the slot. */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
