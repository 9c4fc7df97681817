// Live signature verification from the editor: the `imageTrust.verifyImage` lens command (one manifest image,
// against every workspace verifyImages rule that covers it), `imageTrust.verifyRule` (every workspace image a
// verifyImages entry matches), the `imageTrust/verify` request of the "Verify Image…" palette command, and
// verify-on-open. Network work happens only here, behind a concurrency limit and a timeout, with LSP
// cancellation mapped to an AbortSignal. Results go to the results cache (lenses, `image-signature-failed`)
// and to the client as `imageTrust/verificationResult` notifications (its output channel).
import { abortOn } from './cancellation';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CancellationToken, CodeLensRefreshRequest, InitializeParams, Range, WorkDoneProgressReporter,
} from 'vscode-languageserver/node';
import type { RegistryClient } from '../registry/client';
import { parseRegistrySettings } from '../registry/settings';
import { entryAt, entryImages, VERIFY_IMAGE_COMMAND, VERIFY_RULE_COMMAND } from '../service/codeLens';
import type { YamlDoc, YamlFile } from '../service/document/yamlFile';
import { parseYamlFile } from '../service/document/yamlFile';
import { coveringRules, ImageRuleMatch, subjectOf } from '../service/manifest/coverage';
import { imagesInFile, ImageOccurrence } from '../service/manifest/images';
import { attestorSummary } from '../service/manifest/attestorSummary';
import { kyvernoModel } from '../service/policy/model';
import type { RecordedRuleVerification, VerifyEntryRef, WorkspaceView } from '../service/workspace/policyIndex';
import type { VerifyOutcome, VerifyRequest, VerifySpec } from '../verify/api';
import type { TrustSource } from '../verify/trustSource';
import { anySignal, DEFAULT_RUN_SETTINGS, errorOutcome, RegistryPool, VerificationRunner } from '../verify/run';
import type { CommandContext } from './index';
import { loadVerifyEngine } from './verifyEngine';
import { entryKey, VerificationResults } from './verifyResults';

export { VERIFY_IMAGE_COMMAND, VERIFY_RULE_COMMAND };
/** Request: `VerifyRequest` (or a workspace rule by reference) → `VerifyOutcome`. */
export const VERIFY_REQUEST = 'imageTrust/verify';
/** Request: → `RuleChoice[]`, the workspace's verifyImages entries, for the palette's quick pick. */
export const LIST_RULES_REQUEST = 'imageTrust/listRules';
/** Notification to the client: one `VerificationResultParams` per outcome, for the output channel. */
export const VERIFICATION_RESULT_NOTIFICATION = 'imageTrust/verificationResult';
/** Notification from the client: `{ trusted: boolean }` when the workspace trust changes. */
export const WORKSPACE_TRUST_NOTIFICATION = 'imageTrust/workspaceTrust';

/** `imageTrust/verify` params: the api's request, or a workspace rule named by `imageTrust/listRules`. */
export interface VerifyRequestParams {
  image: string;
  spec: VerifySpec | { kind: 'workspace-rule'; ref: VerifyEntryRef };
  trustedRootJson?: string;
}

export interface RuleChoice {
  ref: VerifyEntryRef;
  /** `policy / rule` (`#n` for the nth entry of a rule with several). */
  label: string;
  /** The entry's image patterns. */
  description: string;
  /** The entry's attestors, in words. */
  detail: string;
}

export interface VerificationResultParams {
  image: string;
  /** The manifest the image is in (lens and on-open runs). */
  uri?: string;
  /** `rule "r" of policy "p"`, or what the palette verified against. */
  against: string;
  outcome: VerifyOutcome;
}

export interface ImageVerification {
  image: string;
  uri: string;
  /** False when no workspace verifyImages rule covers the image (nothing was verified). */
  covered: boolean;
  results: { against: string; action: 'Enforce' | 'Audit'; outcome: VerifyOutcome }[];
  /** Set when nothing was verified: untrusted workspace, unknown document, no covering rule. */
  message?: string;
}

export interface RuleVerification {
  ref: VerifyEntryRef;
  images: { image: string; outcome: VerifyOutcome }[];
  message?: string;
}

export interface VerifySettings {
  onOpen: boolean;
  concurrency: number;
  timeoutSeconds: number;
  /** `imageTrust.verify.trustedRoot`: a trusted_root.json replacing the public-good root (private Sigstore). */
  trustedRoot?: string;
}

export const DEFAULT_VERIFY_SETTINGS: VerifySettings = { onOpen: false, ...DEFAULT_RUN_SETTINGS };
const ON_OPEN_DEBOUNCE_MS = 750;

export interface VerifyContext extends CommandContext {
  workspace: WorkspaceView;
  results: VerificationResults;
  /** Re-publishes the diagnostics of an open document (after results changed). */
  revalidate(uri: string): void;
}

export class Verifier {
  /** Clients without a trust concept (anything but our VS Code client) are trusted. */
  private trusted = true;
  private refreshSupport = false;
  private trustSource?: TrustSource;
  private readonly runner = new VerificationRunner({ loadEngine: loadVerifyEngine, trust: () => this.trust() });
  private readonly registries: RegistryPool;
  /** `initializationOptions.globalStoragePath` (the extension's global storage): holds the TUF cache. */
  private storagePath?: string;
  private readonly openTimers = new Map<string, { timer?: NodeJS.Timeout; abort: AbortController }>();

  constructor(private readonly ctx: VerifyContext, private readonly clientOptions: { home?: string } = {}) {
    this.registries = new RegistryPool({ home: clientOptions.home, log: (line) => ctx.connection.console.log(`[registry] ${line}`) });
  }

  /** Reads `initializationOptions.workspaceTrusted` and whether the client can refresh lenses. */
  initialize(params: InitializeParams): void {
    const options = params.initializationOptions as { workspaceTrusted?: unknown; globalStoragePath?: unknown } | undefined;
    if (typeof options?.globalStoragePath === 'string' && path.isAbsolute(options.globalStoragePath)) this.storagePath = options.globalStoragePath;
    if (typeof options?.workspaceTrusted === 'boolean') this.trusted = options.workspaceTrusted;
    this.refreshSupport = !!params.capabilities.workspace?.codeLens?.refreshSupport;
  }

  setTrusted(trusted: boolean): void {
    this.trusted = trusted;
  }

  get isTrusted(): boolean {
    return this.trusted;
  }

  register(): void {
    const { connection, documents } = this.ctx;
    connection.onRequest(VERIFY_REQUEST, (params: VerifyRequestParams, token) => this.verifyRequest(params, token));
    connection.onRequest(LIST_RULES_REQUEST, () => this.listRules());
    connection.onNotification(WORKSPACE_TRUST_NOTIFICATION, (p: { trusted?: unknown }) => {
      if (typeof p?.trusted === 'boolean') this.setTrusted(p.trusted);
    });
    documents.onDidOpen((e) => this.scheduleOnOpen(e.document.uri));
    documents.onDidClose((e) => this.cancelOnOpen(e.document.uri));
    // A result describes the image as written: once that text is gone, so is its result.
    documents.onDidChangeContent((e) => {
      const uri = e.document.uri;
      if (!this.ctx.results.uris().includes(uri)) return;
      const file = this.ctx.service.parse(uri, e.document.getText(), e.document.version);
      if (this.ctx.results.prune(uri, new Set(imagesInFile(file).map((o) => o.image)))) this.refreshLenses();
    });
  }

  // ---- imageTrust.verifyImage ----------------------------------------------------------------------------

  /** `imageTrust.verifyImage(uri, range, image)`: the lens above a manifest image. */
  async verifyImageCommand(args: unknown[], token?: CancellationToken, reporter?: WorkDoneProgressReporter): Promise<ImageVerification> {
    const [uri, range, image] = args as [string, Range | undefined, string];
    if (typeof uri !== 'string' || typeof image !== 'string') {
      const message = `${VERIFY_IMAGE_COMMAND} needs a document URI, the image's range and the image.`;
      this.show('error', message);
      return { image: String(image), uri: String(uri), covered: false, results: [], message };
    }
    const result = await this.verifyManifestImage(uri, image, range, { token, reporter, interactive: true });
    if (result.message) this.show(result.covered ? 'error' : 'info', result.message);
    return result;
  }

  private async verifyManifestImage(
    uri: string,
    image: string,
    range: Range | undefined,
    run: { token?: CancellationToken; reporter?: WorkDoneProgressReporter; interactive: boolean; signal?: AbortSignal },
  ): Promise<ImageVerification> {
    const base: ImageVerification = { image, uri, covered: false, results: [] };
    if (!this.trusted) return { ...base, message: untrustedMessage(image) };
    const file = await this.parsedFile(uri);
    const occurrence = file && findOccurrence(file, image, range);
    if (!occurrence) return { ...base, message: `Could not verify ${image}: it is no longer in ${uri}; try again.` };
    const matches = coveringRules(this.ctx.workspace.policies(), subjectOf(occurrence));
    if (matches.length === 0) {
      return {
        ...base,
        message: `No verifyImages rule in the workspace covers ${image}, so there is nothing to verify it against. Add a rule whose imageReferences match it, or use "Image Trust: Verify Image…" to check it against a key or keyless identity.`,
      };
    }
    const progress = run.interactive ? run.reporter ?? (await this.ctx.connection.window.createWorkDoneProgress()) : undefined;
    progress?.begin(`Verifying ${image}`, 0, `${matches.length} rule(s)`, true);
    const signal = anySignal(run.signal, abortOn(run.token, (progress as { token?: CancellationToken } | undefined)?.token));
    try {
      const settings = await this.settings();
      let done = 0;
      const results = await Promise.all(matches.map(async (m) => {
        const against = describeMatch(m);
        const request = await this.policyEntryRequest(image, this.ctx.workspace.uriOf(m.policy) ?? '', m.policy, m.rule.index, m.entry.index);
        const outcome = request ? await this.run(request, signal, settings, run.interactive) : errorOutcome(image, `✗ could not read the policy of ${against}`);
        done++;
        progress?.report(Math.round((done / matches.length) * 100), `${done}/${matches.length} rules checked`);
        this.notify({ image, uri, against, outcome });
        return { against, action: m.action, outcome, match: m };
      }));
      if (!signal.aborted) {
        const recorded = new Map<string, RecordedRuleVerification>();
        for (const r of results) {
          const ref = { uri: this.ctx.workspace.uriOf(r.match.policy) ?? '', docIndex: r.match.policy.index, ruleIndex: r.match.rule.index, entryIndex: r.match.entry.index };
          recorded.set(entryKey(ref), recordOf(r.match.policyName, r.match.rule.name, r.action, r.outcome));
        }
        this.ctx.results.setImage(uri, image, recorded);
        this.resultsChanged([uri]);
      }
      return { ...base, covered: true, results: results.map(({ against, action, outcome }) => ({ against, action, outcome })) };
    } finally {
      progress?.done();
    }
  }

  // ---- imageTrust.verifyRule -----------------------------------------------------------------------------

  /** `imageTrust.verifyRule(ref)`: every workspace image one verifyImages entry matches. */
  async verifyRuleCommand(args: unknown[], token?: CancellationToken, reporter?: WorkDoneProgressReporter): Promise<RuleVerification> {
    const ref = args[0] as VerifyEntryRef | undefined;
    if (!ref || typeof ref.uri !== 'string' || ![ref.docIndex, ref.ruleIndex, ref.entryIndex].every(Number.isInteger)) {
      const message = `${VERIFY_RULE_COMMAND} needs a { uri, docIndex, ruleIndex, entryIndex } reference to a verifyImages entry.`;
      this.show('error', message);
      return { ref: ref as VerifyEntryRef, images: [], message };
    }
    const done = (message: string, kind: 'info' | 'error' = 'info'): RuleVerification => {
      this.show(kind, message);
      return { ref, images: [], message };
    };
    if (!this.trusted) return done(untrustedMessage('the matching images'), 'error');
    const file = await this.parsedFile(ref.uri);
    const found = file && entryAt(file, ref);
    if (!file || !found) return done('Could not verify: the verifyImages entry is no longer in the policy; try again.', 'error');
    const against = describeEntry(found.doc, found.entry.rule.name, ref.entryIndex);
    const occurrences = entryImages(found.entry, this.ctx.workspace);
    const byImage = new Map<string, typeof occurrences>();
    for (const o of occurrences) byImage.set(o.normalized!, [...(byImage.get(o.normalized!) ?? []), o]);
    if (byImage.size === 0) return done(`No workspace image matches ${against}.`);

    const request = (image: string) => this.policyEntryRequest(image, ref.uri, found.doc, ref.ruleIndex, ref.entryIndex, file.text);
    const progress = reporter ?? (await this.ctx.connection.window.createWorkDoneProgress());
    progress.begin(`Verifying images of ${against}`, 0, `0/${byImage.size} images`, true);
    const signal = abortOn(token, (progress as { token?: CancellationToken }).token);
    try {
      const settings = await this.settings();
      let count = 0;
      const outcomes = await Promise.all([...byImage.values()].map(async (group) => {
        const image = group[0].image;
        const req = await request(image);
        const outcome = req ? await this.run(req, signal, settings, true) : errorOutcome(image, `✗ could not read the policy of ${against}`);
        count++;
        progress.report(Math.round((count / byImage.size) * 100), `${count}/${byImage.size} images`);
        this.notify({ image, uri: group[0].uri, against, outcome });
        return { group, outcome };
      }));
      if (signal.aborted) return { ref, images: outcomes.map(({ group, outcome }) => ({ image: group[0].image, outcome })), message: 'Cancelled.' };

      const touched = new Set<string>();
      const key = entryKey(ref);
      for (const { group, outcome } of outcomes) {
        for (const occ of group) {
          // Record only where this entry really applies to the workload (its match/exclude), with its action there.
          const match = await this.entryMatchAt(occ.uri, occ.image, occ.line, ref);
          if (!match) continue;
          this.ctx.results.setRule(occ.uri, occ.image, key, recordOf(match.policyName, match.rule.name, match.action, outcome));
          touched.add(occ.uri);
        }
      }
      const verdicts = outcomes.map((o) => o.outcome.verdict);
      const failed = verdicts.filter((v) => v === 'failed').length;
      const verified = verdicts.filter((v) => v === 'verified').length;
      this.ctx.results.setEntry(ref, { images: verdicts.length, verified, failed, other: verdicts.length - verified - failed });
      this.resultsChanged([...touched]);
      const other = verdicts.length - verified - failed;
      const text = `${against}: ${verified} of ${verdicts.length} image(s) verified${failed ? `, ${failed} failed` : ''}${other ? `, ${other} not checked (see the Image Trust output)` : ''}.`;
      this.show(failed || other ? 'warning' : 'info', text);
      return { ref, images: outcomes.map(({ group, outcome }) => ({ image: group[0].image, outcome })) };
    } finally {
      progress.done();
    }
  }

  /** The covering match of entry `ref` for the image at `line` of `uri`, if that entry covers it there. */
  private async entryMatchAt(uri: string, image: string, line: number, ref: VerifyEntryRef): Promise<ImageRuleMatch | undefined> {
    const file = await this.parsedFile(uri);
    if (!file) return undefined;
    const occurrence = imagesInFile(file).find((o) => o.image === image && file.lineCounter.linePos(o.node.range![0]).line - 1 === line)
      ?? imagesInFile(file).find((o) => o.image === image);
    if (!occurrence) return undefined;
    return coveringRules(this.ctx.workspace.policies(), subjectOf(occurrence)).find((m) =>
      this.ctx.workspace.uriOf(m.policy) === ref.uri && m.policy.index === ref.docIndex && m.rule.index === ref.ruleIndex && m.entry.index === ref.entryIndex);
  }

  // ---- imageTrust/verify and imageTrust/listRules ----------------------------------------------------------

  /** The palette command's request: one image against a key, an identity, or a workspace rule. */
  async verifyRequest(params: VerifyRequestParams, token?: CancellationToken): Promise<VerifyOutcome> {
    const image = typeof params?.image === 'string' ? params.image.trim() : '';
    if (!image) return errorOutcome(String(params?.image ?? ''), '✗ no image given');
    if (!this.trusted) return errorOutcome(image, `✗ ${untrustedMessage(image)}`);
    let request: VerifyRequest;
    let against: string;
    if (params.spec?.kind === 'workspace-rule') {
      const ref = params.spec.ref;
      const file = ref && (await this.parsedFile(ref.uri));
      const found = file && entryAt(file, ref);
      if (!file || !found) return errorOutcome(image, '✗ the verifyImages entry is no longer in the policy');
      const built = await this.policyEntryRequest(image, ref.uri, found.doc, ref.ruleIndex, ref.entryIndex, file.text);
      if (!built) return errorOutcome(image, '✗ could not read the policy');
      request = { ...built, trustedRootJson: params.trustedRootJson };
      against = describeEntry(found.doc, found.entry.rule.name, ref.entryIndex);
    } else if (params.spec && typeof params.spec.kind === 'string') {
      request = { image, spec: params.spec, trustedRootJson: params.trustedRootJson };
      against = describeSpec(params.spec);
    } else {
      return errorOutcome(image, '✗ no verification spec given');
    }
    const outcome = await this.run(request, abortOn(token), await this.settings(), true);
    this.notify({ image, against, outcome });
    return outcome;
  }

  listRules(): RuleChoice[] {
    const out: RuleChoice[] = [];
    for (const policy of this.ctx.workspace.policies()) {
      if (policy.kind !== 'kyverno-policy') continue;
      const uri = this.ctx.workspace.uriOf(policy);
      if (!uri) continue;
      const model = kyvernoModel(policy);
      for (const entry of model?.entries ?? []) {
        const several = model!.entries.filter((e) => e.rule === entry.rule).length > 1;
        out.push({
          ref: { uri, docIndex: policy.index, ruleIndex: entry.rule.index, entryIndex: entry.view.index },
          label: `${model!.name ?? '(unnamed)'} / ${entry.rule.name ?? '(unnamed)'}${several ? ` #${entry.view.index + 1}` : ''}`,
          description: entry.imageReferences.map((m) => m.pattern).join(', '),
          detail: attestorSummary(entry),
        });
      }
    }
    return out;
  }

  // ---- verify on open ------------------------------------------------------------------------------------

  private scheduleOnOpen(uri: string): void {
    this.cancelOnOpen(uri);
    const slot: { timer?: NodeJS.Timeout; abort: AbortController } = { abort: new AbortController() };
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      void this.verifyOnOpen(uri, slot.abort.signal).finally(() => {
        if (this.openTimers.get(uri) === slot) this.openTimers.delete(uri);
      });
    }, ON_OPEN_DEBOUNCE_MS);
    this.openTimers.set(uri, slot);
  }

  private cancelOnOpen(uri: string): void {
    const slot = this.openTimers.get(uri);
    if (!slot) return;
    if (slot.timer) clearTimeout(slot.timer);
    slot.abort.abort();
    this.openTimers.delete(uri);
  }

  private async verifyOnOpen(uri: string, signal: AbortSignal): Promise<void> {
    if (!this.trusted || signal.aborted || !this.ctx.documents.get(uri)) return;
    if (!(await this.settings()).onOpen) return;
    const file = await this.parsedFile(uri);
    if (!file) return;
    const images = [...new Set(imagesInFile(file).filter((o) => !o.templated).map((o) => o.image))];
    // Images already verified keep their result; only what is new is verified (through the same limiter).
    await Promise.all(images
      .filter((image) => !this.ctx.results.get(uri, image))
      .map((image) => this.verifyManifestImage(uri, image, undefined, { interactive: false, signal }).catch(() => undefined)));
  }

  // ---- the engine, limits and plumbing -------------------------------------------------------------------

  /** One engine call through the shared runner (concurrency limit, timeout, trust root); never throws. */
  /** `fresh`: a run the user asked for looks the tag up again and re-verifies; verify-on-open may reuse recent answers. */
  private run(request: VerifyRequest, signal: AbortSignal, settings: VerifySettings & { registry: RegistryClient }, fresh: boolean): Promise<VerifyOutcome> {
    return this.runner.run(request, { registry: settings.registry, signal, fresh, settings: { ...settings, timeoutSource: 'imageTrust.verify.timeoutSeconds' } });
  }

  /** The trusted root verification uses now (settings file, TUF-refreshed public-good, embedded), for other verifiers. */
  async trustRootChoice(): Promise<import('../verify/api').TrustChoice> {
    return this.trust().choose((await this.settings()).trustedRoot);
  }

  /** Loaded on first use, like the engine: the TUF client and Sigstore code stay out of server start-up. */
  private trust(): TrustSource {
    if (!this.trustSource) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { TrustSource: Source, defaultTrustCacheDir } = require('../verify/trustSource') as typeof import('../verify/trustSource');
      const cacheDir = this.storagePath ? path.join(this.storagePath, 'tuf') : defaultTrustCacheDir(this.clientOptions.home);
      this.trustSource = new Source({ cacheDir, log: (line) => this.ctx.connection.console.log(`[trust] ${line}`) });
    }
    return this.trustSource;
  }

  private async settings(): Promise<VerifySettings & { registry: RegistryClient }> {
    let cfg: { verify?: Record<string, unknown>; registries?: unknown } | null = null;
    try {
      cfg = await this.ctx.connection.workspace.getConfiguration({ section: 'imageTrust' });
    } catch {
      cfg = null;
    }
    const v = cfg?.verify ?? {};
    const int = (x: unknown, dflt: number, min: number, max: number) =>
      typeof x === 'number' && Number.isFinite(x) ? Math.min(max, Math.max(min, Math.floor(x))) : dflt;
    return {
      onOpen: v.onOpen === true,
      concurrency: int(v.concurrency, DEFAULT_VERIFY_SETTINGS.concurrency, 1, 32),
      timeoutSeconds: int(v.timeoutSeconds, DEFAULT_VERIFY_SETTINGS.timeoutSeconds, 1, 3600),
      trustedRoot: typeof v.trustedRoot === 'string' && v.trustedRoot.trim() ? v.trustedRoot.trim() : undefined,
      registry: this.registries.client(parseRegistrySettings(cfg?.registries)),
    };
  }

  /** A `policy-entry` request for one Kyverno policy document (its own text, so rule indexes are unambiguous). */
  private async policyEntryRequest(image: string, policyUri: string, policy: YamlDoc, ruleIndex: number, entryIndex: number, fileText?: string): Promise<VerifyRequest | undefined> {
    const text = fileText ?? (await this.textOf(policyUri));
    let policyText = text?.slice(policy.start, policy.end);
    if (!policyText?.trim()) {
      try {
        policyText = String(policy.doc);
      } catch {
        return undefined;
      }
    }
    return { image, spec: { kind: 'policy-entry', policyUri, policyText, ruleIndex, entryIndex } };
  }

  private async parsedFile(uri: string): Promise<YamlFile | undefined> {
    const open = this.ctx.documents.get(uri);
    if (open) return this.ctx.service.parse(uri, open.getText(), open.version);
    const text = await this.textOf(uri);
    return text === undefined ? undefined : parseYamlFile(uri, text, 0);
  }

  private async textOf(uri: string): Promise<string | undefined> {
    const open = this.ctx.documents.get(uri);
    if (open) return open.getText();
    if (!uri.startsWith('file:')) return undefined;
    try {
      return await fs.readFile(fileURLToPath(uri), 'utf8');
    } catch {
      return undefined;
    }
  }

  private resultsChanged(uris: string[]): void {
    for (const uri of uris) if (this.ctx.documents.get(uri)) this.ctx.revalidate(uri);
    this.refreshLenses();
  }

  private refreshLenses(): void {
    if (this.refreshSupport) this.ctx.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  }

  private notify(params: VerificationResultParams): void {
    void this.ctx.connection.sendNotification(VERIFICATION_RESULT_NOTIFICATION, params);
  }

  private show(kind: 'error' | 'warning' | 'info', text: string): void {
    const w = this.ctx.connection.window;
    const shown: unknown = kind === 'error' ? w.showErrorMessage(text) : kind === 'warning' ? w.showWarningMessage(text) : w.showInformationMessage(text);
    Promise.resolve(shown).catch(() => undefined);
  }
}

function untrustedMessage(image: string): string {
  return `not verified: this workspace is not trusted, so Image Trust does not contact registries for ${image}. Trust the workspace (Manage Workspace Trust) to verify signatures.`;
}

export { errorOutcome };

function recordOf(policyName: string | undefined, ruleName: string | undefined, action: 'Enforce' | 'Audit', outcome: VerifyOutcome): RecordedRuleVerification {
  return { policyName, ruleName, action, verdict: outcome.verdict, summary: outcome.summary };
}

function findOccurrence(file: YamlFile, image: string, range: Range | undefined): ImageOccurrence | undefined {
  const candidates = imagesInFile(file).filter((o) => o.image === image);
  if (range?.start) {
    const exact = candidates.find((o) => file.lineCounter.linePos(o.node.range![0]).line - 1 === range.start.line);
    if (exact) return exact;
  }
  return candidates[0];
}

function policyName(policy: YamlDoc): string | undefined {
  return kyvernoModel(policy)?.name;
}

function describeMatch(m: ImageRuleMatch): string {
  return `rule "${m.rule.name ?? '(unnamed)'}" of policy "${m.policyName ?? '(unnamed)'}"`;
}

function describeEntry(policy: YamlDoc, ruleName: string | undefined, entryIndex: number): string {
  return `rule "${ruleName ?? '(unnamed)'}" of policy "${policyName(policy) ?? '(unnamed)'}"${entryIndex > 0 ? ` (verifyImages[${entryIndex}])` : ''}`;
}

function describeSpec(spec: VerifySpec): string {
  switch (spec.kind) {
    case 'key': return 'a public key';
    case 'keyless': return `keyless identity ${spec.subject ?? spec.subjectRegExp ?? '(any subject)'} from ${spec.issuer ?? spec.issuerRegExp ?? '(any issuer)'}`;
    case 'attestation': return `attestation ${spec.type}`;
    case 'policy-entry': return `verifyImages[${spec.entryIndex}] of rule ${spec.ruleIndex} in ${spec.policyUri}`;
  }
}
