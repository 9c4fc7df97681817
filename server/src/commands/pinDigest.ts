// `imageTrust.pinDigest` (one image) and `imageTrust.pinAllDigests` (one file, or every manifest in the
// workspace): ask the registry for the digest each tag points at now and rewrite the image to
// `name:tag@sha256:…` through workspace/applyEdit. Failures reach the user as the registry client's
// actionable messages.
import { promises as fs } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CancellationToken, Range, TextEdit, WorkDoneProgressReporter } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { RegistryClient } from '../registry/client';
import type { RegistryError } from '../registry/errors';
import { parseRegistrySettings } from '../registry/settings';
import { parseYamlFile } from '../service/document/yamlFile';
import { pinnableSites } from '../service/rules/image/pinDigestFix';
import { PIN_LIMITS, walkWorkspace, WalkLimits, WalkReport } from '../workspaceWalker';
import type { CommandContext } from './index';
import { kustomizeDigestEdit, pinEditAt } from './pinEdit';
import { abortOn } from './cancellation';
import { kustomizeImages } from '../service/manifest/images';
import { contains } from '../service/rules/image/pinDigestFix';

/** The `digest:` edit for the kustomize `images:` entry at `offset` that produces `image`. */
function kustomizeEditAt(doc: TextDocument, offset: number, image: string, digest: string) {
  const file = parseYamlFile(doc.uri, doc.getText(), doc.version);
  const entry = file.docs
    .filter((d) => d.kind === 'kustomization')
    .flatMap(kustomizeImages)
    .find((e) => e.result === image && contains(e.node.range, offset));
  return entry && kustomizeDigestEdit(file.text, entry, digest);
}

export interface PinOutcome {
  applied: boolean;
  pinned: { uri: string; image: string; pinned: string }[];
  failed: { uri: string; image: string; error: RegistryError }[];
  /** Workspace search limits that were hit (so some manifests may not have been looked at). */
  notSearched?: string[];
}

export class DigestPinner {
  private client?: { key: string; client: RegistryClient };

  constructor(
    private readonly ctx: CommandContext,
    private readonly clientOptions: { home?: string } = {},
    private readonly searchLimits: WalkLimits = PIN_LIMITS,
  ) {}

  /** `imageTrust.pinDigest(uri, range, image)`: the quick-fix on one image. */
  async pinOne(args: unknown[], token?: CancellationToken): Promise<PinOutcome> {
    const [uri, range, image, form] = args as [string, Range, string, string | undefined];
    const outcome: PinOutcome = { applied: false, pinned: [], failed: [] };
    if (typeof uri !== 'string' || typeof image !== 'string' || !range?.start || !range?.end) {
      this.show('error', 'imageTrust.pinDigest needs a document URI, the image value range and the image.');
      return outcome;
    }
    const client = await this.registryClient();
    const resolved = await client.resolve(image, abortOn(token));
    if (!resolved.ok) {
      outcome.failed.push({ uri, image, error: resolved.error });
      this.show('error', `Could not pin ${image}: ${resolved.error.message}`);
      return outcome;
    }
    const doc = await this.textDocument(uri);
    const edit = doc && (form === 'kustomize'
      ? kustomizeEditAt(doc, doc.offsetAt(range.start), image, resolved.value.digest)
      : pinEditAt(doc.getText(), doc.offsetAt(range.start), doc.offsetAt(range.end), image, resolved.value.digest));
    if (!doc || !edit) {
      this.show('error', `Could not pin ${image}: the document changed since the fix was offered; try again.`);
      return outcome;
    }
    const textEdit: TextEdit = { range: { start: doc.positionAt(edit.start), end: doc.positionAt(edit.end) }, newText: edit.newText };
    const result = await this.ctx.connection.workspace.applyEdit({ label: `Pin ${image}`, edit: { changes: { [uri]: [textEdit] } } });
    outcome.applied = !!result.applied;
    if (outcome.applied) outcome.pinned.push({ uri, image, pinned: form === 'kustomize' ? `${image}@${resolved.value.digest}` : edit.newText });
    else this.show('error', `Could not pin ${image}: the editor did not apply the edit${result.failureReason ? ` (${result.failureReason})` : ''}.`);
    return outcome;
  }

  /** `imageTrust.pinAllDigests([uri])`: every unpinned container image of one file, or of the whole workspace. */
  async pinAll(args: unknown[], token: CancellationToken | undefined, reporter: WorkDoneProgressReporter | undefined): Promise<PinOutcome> {
    const uri = typeof args[0] === 'string' ? args[0] : undefined;
    const progress = reporter ?? (await this.ctx.connection.window.createWorkDoneProgress());
    progress.begin('Pinning image digests', 0, uri ? 'Reading the file…' : 'Finding manifests in the workspace…', true);
    const signal = abortOn(token, (progress as { token?: CancellationToken }).token);
    try {
      const search = uri ? { uris: [uri], report: undefined } : await this.workspaceYamlFiles();
      const uris = search.uris;
      const work: { uri: string; doc: TextDocument; sites: { image: string; start: number; end: number }[] }[] = [];
      for (const u of uris) {
        const doc = await this.textDocument(u);
        if (!doc) continue;
        const sites = pinnableSites(parseYamlFile(u, doc.getText(), doc.version)).map((s) => ({ image: s.text, start: s.node.range![0], end: s.node.range![1] }));
        if (sites.length > 0) work.push({ uri: u, doc, sites });
      }
      const images = [...new Set(work.flatMap((w) => w.sites.map((s) => s.image)))];
      const client = await this.registryClient();
      let done = 0;
      const results = new Map(await Promise.all(images.map(async (image) => {
        const r = await client.resolve(image, signal);
        done++;
        progress.report(images.length ? Math.round((done / images.length) * 100) : 100, `${done}/${images.length} images resolved`);
        return [image, r] as const;
      })));

      const outcome: PinOutcome = { applied: false, pinned: [], failed: [] };
      const notSearched = search.report?.describe('YAML files') ?? [];
      if (notSearched.length) outcome.notSearched = notSearched;
      const changes: Record<string, TextEdit[]> = {};
      for (const w of work) {
        for (const site of w.sites) {
          const r = results.get(site.image)!;
          if (!r.ok) {
            outcome.failed.push({ uri: w.uri, image: site.image, error: r.error });
            continue;
          }
          const edit = pinEditAt(w.doc.getText(), site.start, site.end, site.image, r.value.digest);
          if (!edit) continue;
          (changes[w.uri] ??= []).push({ range: { start: w.doc.positionAt(edit.start), end: w.doc.positionAt(edit.end) }, newText: edit.newText });
          outcome.pinned.push({ uri: w.uri, image: site.image, pinned: edit.newText });
        }
      }
      if (signal.aborted) {
        outcome.pinned = [];
        return outcome;
      }
      if (outcome.pinned.length > 0) {
        const result = await this.ctx.connection.workspace.applyEdit({ label: 'Pin image digests', edit: { changes } });
        outcome.applied = !!result.applied;
        if (!outcome.applied) outcome.pinned = [];
      }
      this.summarize(outcome, uri ? 1 : work.length, !!uri);
      return outcome;
    } finally {
      progress.done();
    }
  }

  private summarize(outcome: PinOutcome, files: number, oneFile: boolean): void {
    const pinnedFiles = new Set(outcome.pinned.map((p) => p.uri)).size;
    const pinned = outcome.pinned.length === 0
      ? (outcome.failed.length === 0 ? (oneFile ? 'No unpinned images in this file.' : `No unpinned images in ${files} manifest file(s).`) : 'No image was pinned.')
      : `Pinned ${outcome.pinned.length} image(s) in ${pinnedFiles} file(s).`;
    // A search cut short by a limit is said in the summary: "no unpinned images" must not mean "not looked at".
    const limits = outcome.notSearched?.length ? ` ${outcome.notSearched.join(' ')}` : '';
    if (outcome.failed.length === 0) {
      this.show(limits ? 'warning' : 'info', pinned + limits);
      return;
    }
    const distinct = [...new Map(outcome.failed.map((f) => [f.image, f])).values()];
    const shown = distinct.slice(0, 3).map((f) => `${f.image}: ${f.error.message}`).join(' ');
    const more = distinct.length > 3 ? ` (and ${distinct.length - 3} more)` : '';
    const text = `${pinned} ${distinct.length} image(s) could not be resolved${more}. ${shown}${limits}`;
    this.show(outcome.pinned.length === 0 ? 'error' : 'warning', text);
  }

  /** window/showMessageRequest; the editor's answer (a dismissal included) does not matter. */
  private show(kind: 'error' | 'warning' | 'info', text: string): void {
    const w = this.ctx.connection.window;
    // Typed void without actions, but a request at run time: swallow a client that rejects it.
    const shown: unknown = kind === 'error' ? w.showErrorMessage(text) : kind === 'warning' ? w.showWarningMessage(text) : w.showInformationMessage(text);
    Promise.resolve(shown).catch(() => undefined);
  }

  private async registryClient(): Promise<RegistryClient> {
    let registries: unknown;
    try {
      const cfg = await this.ctx.connection.workspace.getConfiguration({ section: 'imageTrust' });
      registries = cfg?.registries;
    } catch {
      registries = undefined;
    }
    const settings = parseRegistrySettings(registries);
    const key = JSON.stringify(settings);
    if (this.client?.key !== key) {
      const log = (line: string) => this.ctx.connection.console.log(`[registry] ${line}`);
      this.client = { key, client: new RegistryClient({ settings, home: this.clientOptions.home, log }) };
    }
    return this.client.client;
  }

  private async textDocument(uri: string): Promise<TextDocument | undefined> {
    const open = this.ctx.documents.get(uri);
    if (open) return open;
    if (!uri.startsWith('file:')) return undefined;
    try {
      return TextDocument.create(uri, 'yaml', 0, await fs.readFile(fileURLToPath(uri), 'utf8'));
    } catch {
      return undefined;
    }
  }

  /** The workspace's YAML files (and open YAML documents in it), with what the search left out. */
  private async workspaceYamlFiles(): Promise<{ uris: string[]; report: WalkReport }> {
    let roots: string[] = [];
    try {
      roots = ((await this.ctx.connection.workspace.getWorkspaceFolders()) ?? []).map((f) => f.uri);
    } catch {
      roots = [];
    }
    const folders = roots.filter((r) => r.startsWith('file:')).map((r) => fileURLToPath(r));
    const report = new WalkReport(this.searchLimits);
    const found: string[] = [];
    for await (const { file } of walkWorkspace(folders, { accept: (name) => /\.ya?ml$/i.test(name), limits: this.searchLimits, report })) found.push(pathToFileURL(file).toString());
    for (const line of report.describe('YAML files')) this.ctx.connection.console.log(`[pin] ${line}`);
    const open = this.ctx.documents.all().map((d) => d.uri).filter((u) => /\.ya?ml$/i.test(u) && roots.some((r) => u.startsWith(r)));
    return { uris: [...new Set([...found, ...open])], report };
  }
}
