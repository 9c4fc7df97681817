// Which trusted root a verification uses when the request names none:
//  1. a trusted_root.json named in settings (`imageTrust.verify.trustedRoot`, for a private Sigstore
//     deployment): unreadable or malformed is an error, never a silent fallback to the public-good root;
//  2. otherwise the Sigstore public-good root, refreshed through TUF at most once a day into a cache directory.
//     The refresh runs in the background and a verification waits for it only briefly; when it fails (offline,
//     timeout, bad metadata) the last refreshed copy is used, else the copy embedded in @sigstore/tuf, and the
//     outcome's details say which one and why.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TrustChoice } from './api';
import { loadTrustedRoot, publicGoodTrustRoot, TrustRoot } from './trustRoot';
import { userPath } from '../userPath';

export type { TrustChoice };

export const PUBLIC_GOOD_MIRROR = 'https://tuf-repo-cdn.sigstore.dev';
export const TRUSTED_ROOT_SETTING = 'imageTrust.verify.trustedRoot';
const HOUR = 3_600_000;

// ---- a trusted_root.json named in settings --------------------------------------------------------------

/**
 * Absolute path of the setting's value: `~/` is the home directory; a relative path is an error. It is never
 * resolved against a workspace folder: a repository must not be able to supply the root its own signatures
 * are checked against.
 */
export function resolveTrustedRootPath(setting: string, home = os.homedir()): { ok: true; file: string } | { ok: false; reason: string } {
  const file = userPath(setting, home);
  if (file) return { ok: true, file };
  return {
    ok: false,
    reason: `trusted root "${setting.trim()}" (${TRUSTED_ROOT_SETTING}) is a relative path. Relative paths are not resolved (never against the workspace); use an absolute path or one starting with ~/.`,
  };
}

const fileCache = new Map<string, { stamp: string; root: TrustRoot }>();

/** Loads the trusted_root.json a user named; parsed again only when the file changes. */
export async function trustedRootFromFile(setting: string): Promise<TrustChoice> {
  const resolved = resolveTrustedRootPath(setting);
  if (!resolved.ok) return resolved;
  const { file } = resolved;
  const cannot = (why: string): TrustChoice => ({
    ok: false,
    reason: `trusted root ${file} (${TRUSTED_ROOT_SETTING}) could not be read: ${why} Fix the file or clear the setting to use the Sigstore public-good root.`,
  });
  let text: string;
  let stamp: string;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return cannot('it is not a file.');
    stamp = `${stat.mtimeMs}:${stat.size}`;
    const hit = fileCache.get(file);
    if (hit?.stamp === stamp) return { ok: true, root: hit.root, description: describeFileRoot(file) };
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    return cannot(`${(e as Error).message}.`);
  }
  const loaded = loadTrustedRoot(text, 'the file');
  if (!loaded.ok) return cannot(loaded.reason);
  const root: TrustRoot = { source: `trusted root ${file}`, parts: loaded.root.parts };
  fileCache.set(file, { stamp, root });
  return { ok: true, root, description: describeFileRoot(file) };
}

function describeFileRoot(file: string): string {
  return `trust root: ${file} (${TRUSTED_ROOT_SETTING}); the Sigstore public-good root is not used`;
}

// ---- the public-good root, refreshed through TUF --------------------------------------------------------

export interface PublicGoodOptions {
  /** Directory for the TUF metadata and the last refreshed trusted root. */
  cacheDir: string;
  /** TUF repository; default the public-good one, whose initial root.json ships in @sigstore/tuf's seeds. */
  mirrorURL?: string;
  /** Initial root.json for a mirror the seeds do not know (a private TUF repository, tests). */
  tufRootPath?: string;
  /** Per-request timeout of the TUF client; the whole refresh gets four times this. Default 5 s. */
  timeoutMs?: number;
  /** How long a verification waits for a refresh in flight before using what is cached. Default 5 s. */
  waitMs?: number;
  /** How old the last successful refresh may be. Default one day. */
  intervalMs?: number;
  /** How long after a failed attempt the next one may start. Default one hour. */
  retryAfterFailureMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

/** What is remembered between runs, one file per mirror. */
interface RefreshState {
  mirrorURL: string;
  attemptedAt?: number;
  /** The last attempt's error; cleared by a success. */
  error?: string;
  succeededAt?: number;
  /** trusted_root.json text of the last successful refresh (verified by TUF, checked by loadTrustedRoot). */
  trustedRoot?: string;
}

export class PublicGoodTrust {
  private readonly mirrorURL: string;
  private readonly stateFile: string;
  private readonly now: () => number;
  private state?: RefreshState;
  private inflight?: Promise<void>;
  private parsed?: { succeededAt: number; root: TrustRoot };
  /** Refresh attempts started by this instance (for tests and logs). */
  attempts = 0;

  constructor(private readonly options: PublicGoodOptions) {
    this.mirrorURL = (options.mirrorURL ?? PUBLIC_GOOD_MIRROR).replace(/\/+$/, '');
    this.now = options.now ?? Date.now;
    this.stateFile = path.join(options.cacheDir, `refresh-${createHash('sha256').update(this.mirrorURL).digest('hex').slice(0, 16)}.json`);
  }

  /** The root to verify with now: starts a refresh when one is due and waits for it at most `waitMs`. */
  async current(): Promise<TrustChoice> {
    const state = await this.loadState();
    let waited: 'done' | 'pending' | undefined;
    if (this.isDue(state)) this.start();
    if (this.inflight) {
      const wait = this.options.waitMs ?? 5000;
      let timer: NodeJS.Timeout | undefined;
      waited = await Promise.race([
        this.inflight.then(() => 'done' as const),
        new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), wait))),
      ]);
      clearTimeout(timer);
    }
    return this.choice(waited === 'pending');
  }

  /** Runs a refresh now (or joins the one in flight) and resolves when it has settled. */
  async refresh(): Promise<TrustChoice> {
    await this.loadState();
    await this.start();
    return this.choice(false);
  }

  private isDue(state: RefreshState): boolean {
    const now = this.now();
    if (state.error && state.attemptedAt !== undefined) {
      return now - state.attemptedAt >= (this.options.retryAfterFailureMs ?? HOUR);
    }
    return state.succeededAt === undefined || now - state.succeededAt >= (this.options.intervalMs ?? 24 * HOUR);
  }

  private start(): Promise<void> {
    if (!this.inflight) {
      this.attempts++;
      this.inflight = this.attempt().finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private async attempt(): Promise<void> {
    const attemptedAt = this.now();
    const timeout = this.options.timeoutMs ?? 5000;
    let next: RefreshState;
    try {
      const text = await withDeadline(this.fetchTrustedRoot(timeout), timeout * 4, `the TUF refresh took longer than ${(timeout * 4) / 1000} s`);
      const loaded = loadTrustedRoot(text, `the trusted root from ${this.mirrorURL}`);
      if (!loaded.ok) throw new Error(loaded.reason);
      next = { mirrorURL: this.mirrorURL, attemptedAt, succeededAt: attemptedAt, trustedRoot: text };
      this.options.log?.(`TUF refresh of ${this.mirrorURL} succeeded`);
    } catch (e) {
      const error = describeError(e);
      next = { ...this.state!, mirrorURL: this.mirrorURL, attemptedAt, error };
      this.options.log?.(`TUF refresh of ${this.mirrorURL} failed: ${error}`);
    }
    this.state = next;
    await this.saveState(next);
  }

  /** trusted_root.json through a verified TUF update (root rotation, timestamp, snapshot, targets, target hash). */
  private async fetchTrustedRoot(timeout: number): Promise<string> {
    // Required here so the TUF client and its HTTP stack load only when a refresh runs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tuf = require('@sigstore/tuf') as typeof import('@sigstore/tuf');
    const client = await tuf.initTUF({
      cachePath: path.join(this.options.cacheDir, 'tuf'),
      mirrorURL: this.mirrorURL,
      rootPath: this.options.tufRootPath,
      timeout,
      // Fail fast: a missed refresh costs nothing (the cached root is used), a slow one delays verifications.
      retry: { retries: 0 },
      forceCache: false,
    });
    return client.getTarget('trusted_root.json');
  }

  private choice(stillRunning: boolean): TrustChoice {
    const state = this.state!;
    const running = stillRunning ? '; a TUF refresh is still running in the background' : '';
    const lastError = state.error && state.attemptedAt !== undefined ? `the TUF refresh at ${iso(state.attemptedAt)} failed (${state.error})` : undefined;
    const refreshed = this.refreshedRoot(state);
    if (refreshed.root) {
      const age = `refreshed from ${this.mirrorURL} at ${iso(state.succeededAt!)}`;
      return { ok: true, root: refreshed.root, description: `trust root: ${refreshed.root.source} (${age}${lastError ? `; ${lastError}, so the last refreshed copy is used` : ''}${running})` };
    }
    const embedded = publicGoodTrustRoot();
    const why = refreshed.problem ?? lastError ?? (stillRunning ? 'the first TUF refresh has not finished' : 'no TUF refresh has succeeded yet');
    return { ok: true, root: embedded, description: `trust root: ${embedded.source} embedded in @sigstore/tuf (${why}, so the embedded copy is used${running})` };
  }

  private refreshedRoot(state: RefreshState): { root?: TrustRoot; problem?: string } {
    if (!state.trustedRoot || state.succeededAt === undefined) return {};
    if (this.parsed?.succeededAt === state.succeededAt) return { root: this.parsed.root };
    const loaded = loadTrustedRoot(state.trustedRoot, 'the cached trusted root');
    if (!loaded.ok) return { problem: `the cached copy is unusable: ${loaded.reason}` };
    const root: TrustRoot = { source: 'Sigstore public-good trusted root', parts: loaded.root.parts };
    if (this.mirrorURL !== PUBLIC_GOOD_MIRROR) root.source = `trusted root of ${this.mirrorURL}`;
    this.parsed = { succeededAt: state.succeededAt, root };
    return { root };
  }

  private async loadState(): Promise<RefreshState> {
    if (this.state) return this.state;
    let state: RefreshState = { mirrorURL: this.mirrorURL };
    try {
      const raw = JSON.parse(await fs.readFile(this.stateFile, 'utf8')) as RefreshState;
      if (raw && raw.mirrorURL === this.mirrorURL) state = raw;
    } catch {
      // No state yet, or unreadable: start afresh (a refresh is then due).
    }
    this.state ??= state;
    return this.state;
  }

  private async saveState(state: RefreshState): Promise<void> {
    try {
      await fs.mkdir(path.dirname(this.stateFile), { recursive: true });
      const tmp = `${this.stateFile}.${process.pid}.tmp`;
      await fs.writeFile(tmp, JSON.stringify(state));
      await fs.rename(tmp, this.stateFile);
    } catch (e) {
      // A read-only cache only costs a refresh per server start.
      this.options.log?.(`could not save the TUF refresh state in ${this.stateFile}: ${(e as Error).message}`);
    }
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The message of an error and of its causes (TUFError wraps the HTTP or metadata error that explains it). */
export function describeError(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 5; depth++) {
    let message = cur instanceof Error ? cur.message : String(cur);
    // tuf-js's DownloadHTTPError says only "Failed to download"; the status is on the error.
    const status = (cur as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number') message += ` (HTTP ${status})`;
    if (message && !parts.some((p) => p.includes(message))) parts.push(message);
    cur = cur instanceof Error ? (cur as Error & { cause?: unknown }).cause : undefined;
  }
  return parts.join(': ') || 'unknown error';
}

function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

// ---- both, as the language server uses them ------------------------------------------------------------

/** Default cache: `$XDG_CACHE_HOME/image-trust/tuf`, else `~/.cache/image-trust/tuf`. */
export function defaultTrustCacheDir(home = os.homedir(), env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(home, '.cache');
  return path.join(base, 'image-trust', 'tuf');
}

export class TrustSource {
  private publicGood?: PublicGoodTrust;

  constructor(private readonly options: Omit<PublicGoodOptions, 'cacheDir'> & { cacheDir?: string } = {}) {}

  /** The settings file when `trustedRootSetting` is non-empty, else the (refreshed) public-good root. */
  choose(trustedRootSetting: string | undefined): Promise<TrustChoice> {
    if (trustedRootSetting?.trim()) return trustedRootFromFile(trustedRootSetting);
    this.publicGood ??= new PublicGoodTrust({ ...this.options, cacheDir: this.options.cacheDir ?? defaultTrustCacheDir() });
    return this.publicGood.current();
  }
}
