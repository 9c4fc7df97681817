// Keeps the service's PolicyIndex in step with the workspace: one asynchronous scan of the workspace
// folders after start-up, then watched-file events for the disk copies and document events for the open
// ones. Only the policies matter to manifest diagnostics, so `onPoliciesChanged` fires (debounced) when
// they change, never for a manifest edit.
import { promises as fs } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseYamlFile, YamlFile } from './service/document/yamlFile';
import { PolicyIndex } from './service/workspace/policyIndex';
import { INDEX_LIMITS, SKIP_DIRS, walkWorkspace, WalkLimits, WalkReport } from './workspaceWalker';

const YAML_FILE = /\.ya?ml$/i;
// Parsing is the expensive part: read the text first and parse only files that can hold a policy or a workload.
const INTERESTING = /^\s*kind:\s*["']?(ClusterPolicy|Policy|ImageValidatingPolicy|NamespacedImageValidatingPolicy|ClusterImagePolicy|Pod|Deployment|StatefulSet|DaemonSet|ReplicaSet|ReplicationController|Job|CronJob|PodTemplate)["']?\s*(#.*)?$/m;
const DEBOUNCE_MS = 150;

export type FileChange = { uri: string; type: 1 | 2 | 3 };

export class WorkspaceIndexer {
  readonly index = new PolicyIndex();
  private timer?: NodeJS.Timeout;
  private scanning = false;
  /** What the last scan left out (limits hit), so the host can say so. */
  lastScan?: WalkReport;

  constructor(
    private readonly roots: () => string[],
    private readonly onPoliciesChanged: () => void,
    private readonly log: (message: string) => void = () => undefined,
    /** How long a burst of policy changes is gathered before one revalidation. */
    private readonly debounceMs = DEBOUNCE_MS,
    /** YAML files read (and kept in the index), bytes per file and in all, folder depth. */
    private readonly limits: WalkLimits = INDEX_LIMITS,
  ) {}

  /** Whether the last scan stopped before the end of the workspace. */
  get truncated(): boolean {
    return !!this.lastScan?.stopped;
  }

  /** Walks every workspace folder; yields to the event loop between files so requests are served meanwhile. */
  async scan(): Promise<void> {
    this.scanning = true;
    const started = Date.now();
    const report = new WalkReport(this.limits);
    try {
      const folders = this.roots().filter((r) => r.startsWith('file:')).map((r) => fileURLToPath(r));
      for await (const { file } of walkWorkspace(folders, { accept: (name) => YAML_FILE.test(name), limits: this.limits, report })) {
        await this.readIntoIndex(pathToFileURL(file).toString());
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.scanning = false;
      this.lastScan = report;
    }
    const limits = report.describe('YAML files');
    this.log(`image-trust: read ${report.files} YAML files, indexed ${this.index.size} (${this.index.policies().length} policies, ${this.index.images().length} images) in ${Date.now() - started} ms${limits.length ? `. ${limits.join(' ')}` : ''}`);
    // One revalidation for the whole scan, not one per policy file found.
    this.schedule(0);
  }

  /** workspace/didChangeWatchedFiles: 1 created, 2 changed, 3 deleted. */
  async filesChanged(changes: readonly FileChange[]): Promise<void> {
    let changed = false;
    for (const c of changes) {
      if (!c.uri.startsWith('file:') || !YAML_FILE.test(c.uri) || inSkippedDir(c.uri)) continue;
      if (c.type === 3) changed = this.index.remove(c.uri, 'disk') || changed;
      else changed = (await this.readIntoIndex(c.uri)) || changed;
    }
    if (changed) this.schedule();
  }

  /** An open document's new content (its buffer wins over the disk copy). */
  documentChanged(file: YamlFile): void {
    if (this.index.update(file.uri, file, 'open')) this.schedule();
  }

  /** The editor closed a document: fall back to what is on disk, re-read in case it was saved meanwhile. */
  documentClosed(uri: string): void {
    if (this.index.remove(uri, 'open')) this.schedule();
    if (uri.startsWith('file:') && YAML_FILE.test(uri)) {
      void this.readIntoIndex(uri).then((changed) => changed && this.schedule());
    }
  }

  /** Reads a file into the disk slot; returns true when the policies changed. Missing or too large: removed. */
  private async readIntoIndex(uri: string): Promise<boolean> {
    let text: string;
    try {
      const file = fileURLToPath(uri);
      const stat = await fs.stat(file);
      if (!stat.isFile() || stat.size > this.limits.maxFileBytes) return this.index.remove(uri, 'disk');
      if (!this.index.has(uri) && this.index.size >= this.limits.maxFiles) return false;
      text = await fs.readFile(file, 'utf8');
    } catch {
      return this.index.remove(uri, 'disk');
    }
    if (!INTERESTING.test(text)) return this.index.remove(uri, 'disk');
    return this.index.update(uri, parseYamlFile(uri, text), 'disk');
  }

  private schedule(delay = this.debounceMs): void {
    // During the scan, policies found one by one would each trigger a revalidation: wait for the end.
    if (this.scanning) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onPoliciesChanged();
    }, delay);
  }
}

function inSkippedDir(uri: string): boolean {
  return uri.split('/').some((segment) => SKIP_DIRS.has(segment));
}
