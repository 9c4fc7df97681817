// The one walk over workspace folders. Each use brings its own limits (how many files, how large each, how
// many bytes in all, how deep), and a WalkReport says afterwards whether any limit cut the walk short, so the
// use can tell the user instead of silently working on part of the workspace.
import { promises as fs, Dirent } from 'node:fs';
import * as path from 'node:path';

export interface WalkLimits {
  /** Matching files yielded at most; one more stops the walk. */
  maxFiles: number;
  /** Larger matching files are skipped (and counted in the report). */
  maxFileBytes: number;
  /** The yielded files' sizes add up to at most this; a file that would pass it stops the walk. */
  maxTotalBytes: number;
  /** Folders nested deeper below a root are not entered (and counted). */
  maxDepth: number;
}

/** `*.pub` files offered when completing publicKeys: small keys, read on a keystroke. */
export const PUBLIC_KEY_LIMITS: WalkLimits = { maxFiles: 200, maxFileBytes: 64 * 1024, maxTotalBytes: 4 * 1024 * 1024, maxDepth: 8 };
/** YAML files the workspace index reads in the background for policies and manifest images. */
// The index keeps each file's parsed YAML tree, about 30 bytes of heap per byte of text (measured: 60 policies of
// 1 MB took 1.8 GB and crashed a server with a 1 GB heap). 16 MiB of YAML stays near 500 MB; past it the scan stops
// and says so. Keeping compact facts instead of trees (the speed-and-memory work) will let this grow.
export const INDEX_LIMITS: WalkLimits = { maxFiles: 2000, maxFileBytes: 1024 * 1024, maxTotalBytes: 16 * 1024 * 1024, maxDepth: 20 };
/** YAML files "Pin all images" rewrites: every manifest of a real repository, read once. */
export const PIN_LIMITS: WalkLimits = { maxFiles: 10_000, maxFileBytes: 4 * 1024 * 1024, maxTotalBytes: 512 * 1024 * 1024, maxDepth: 20 };
/**
 * Folders given to the CLI's `check`: everything the user named is checked (a file over 16 MiB is reported as
 * not checked), however many files; the depth only guards against pathological trees.
 */
export const CLI_LIMITS: WalkLimits = { maxFiles: Infinity, maxFileBytes: 16 * 1024 * 1024, maxTotalBytes: Infinity, maxDepth: 64 };

/** Folders no workspace search enters: dependencies, VCS data, build output, caches. */
export const SKIP_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', 'dist', 'out', '.cache']);

export interface WalkedFile {
  /** Absolute path. */
  file: string;
  size: number;
}

/** What a walk saw beyond the files it yielded: the limits it hit. */
export class WalkReport {
  files = 0;
  bytes = 0;
  /** Matching files skipped for their size. */
  readonly tooLarge: string[] = [];
  /** Folders not entered for their depth. */
  tooDeep = 0;
  /** Set when the walk stopped early, and why. */
  stopped?: 'files' | 'bytes';

  constructor(readonly limits: WalkLimits) {}

  get complete(): boolean {
    return !this.stopped && this.tooLarge.length === 0 && this.tooDeep === 0;
  }

  /** One sentence per limit hit (`what`: "YAML files", "*.pub files"); empty when the walk was complete. */
  describe(what: string): string[] {
    const l = this.limits;
    const out: string[] = [];
    if (this.stopped === 'files') out.push(`Stopped after ${l.maxFiles} ${what}: the rest of the workspace was not searched.`);
    if (this.stopped === 'bytes') out.push(`Stopped after ${size(this.bytes)} of ${what} (the limit is ${size(l.maxTotalBytes)}): the rest of the workspace was not searched.`);
    if (this.tooLarge.length) {
      const shown = this.tooLarge.slice(0, 3).map((f) => path.basename(f)).join(', ');
      out.push(`Skipped ${this.tooLarge.length} of the ${what} larger than ${size(l.maxFileBytes)} (${shown}${this.tooLarge.length > 3 ? ', …' : ''}).`);
    }
    if (this.tooDeep) out.push(`Did not enter ${this.tooDeep} folder(s) nested deeper than ${l.maxDepth} levels.`);
    return out;
  }
}

export interface WalkOptions {
  /** Which files are wanted, by name. */
  accept: (name: string) => boolean;
  limits: WalkLimits;
  /** Receives what the walk left out; pass one to read it afterwards. */
  report?: WalkReport;
  /** Folders not entered, by name (default: SKIP_DIRS). */
  skipDir?: (name: string) => boolean;
}

/**
 * Yields the files under `roots` (folder paths; relative ones give relative results) that `accept` names, in
 * a stable (sorted) order, within the limits. Symbolic links are not followed, so a link cycle cannot make
 * the walk endless.
 */
export async function* walkWorkspace(roots: readonly string[], options: WalkOptions): AsyncGenerator<WalkedFile> {
  const walk: Walk = { accept: options.accept, report: options.report ?? new WalkReport(options.limits), skipDir: options.skipDir ?? ((name) => SKIP_DIRS.has(name)) };
  for (const root of roots) {
    yield* walkDir(root, 0, walk);
    if (walk.report.stopped) return;
  }
}

interface Walk {
  accept: (name: string) => boolean;
  report: WalkReport;
  skipDir: (name: string) => boolean;
}

async function* walkDir(dir: string, depth: number, walk: Walk): AsyncGenerator<WalkedFile> {
  const { report } = walk;
  let entries: Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (report.stopped) return;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (walk.skipDir(e.name)) continue;
      if (depth + 1 > report.limits.maxDepth) {
        report.tooDeep++;
        continue;
      }
      yield* walkDir(full, depth + 1, walk);
    } else if (e.isFile() && walk.accept(e.name)) {
      const size = await sizeOf(full);
      if (size === undefined) continue;
      if (size > report.limits.maxFileBytes) {
        report.tooLarge.push(full);
        continue;
      }
      if (report.files >= report.limits.maxFiles) {
        report.stopped = 'files';
        return;
      }
      if (report.bytes + size > report.limits.maxTotalBytes) {
        report.stopped = 'bytes';
        return;
      }
      report.files++;
      report.bytes += size;
      yield { file: full, size };
    }
  }
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return undefined;
  }
}

function size(n: number): string {
  if (n >= 1024 * 1024) return mib(n);
  return n % 1024 === 0 || n >= 10 * 1024 ? `${Math.round(n / 1024)} KiB` : `${n} bytes`;
}

function mib(n: number): string {
  return `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;
}
