// Image lists (`images.txt`: one reference per line) and SPDX SBOMs in the editor: a lens "Verify all (N)" /
// "Verify N images of this SBOM" runs every image through the same verifier as the other lenses (its concurrency
// limit, timeouts, progress and cancellation); each image's result is shown on its line as a diagnostic, and
// "Pin verified images" writes `name:tag@sha256:…` back into a list.
import type { CancellationToken, CodeLens, Connection, Diagnostic, TextDocuments, TextEdit } from 'vscode-languageserver/node';
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { detectKind, isImageListName, isSpdxName, ListedImage, pinnedReference, readImageList } from '../service/imageList/imageList';
import type { VerifyOutcome, VerifySpec } from '../verify/api';
import { abortOn } from './cancellation';

/** Client command behind the lens: asks how to verify, then sends VERIFY_IMAGE_LIST_REQUEST. */
export const VERIFY_IMAGE_LIST_COMMAND = 'imageTrust.verifyImageList';
export const VERIFY_IMAGE_LIST_REQUEST = 'imageTrust/verifyImageList';
export const PIN_IMAGE_LIST_COMMAND = 'imageTrust.pinImageList';

export const IMAGE_LIST_CODES = { verified: 'image-list-verified', failed: 'image-list-not-verified', error: 'image-list-verification-error' } as const;

export interface VerifyImageListParams { uri: string; spec: VerifySpec; trustedRootJson?: string }
export interface VerifyImageListResult { total: number; verified: number; failed: number; errors: number; cancelled?: boolean; message: string }

interface Stored { reference: string; outcome: VerifyOutcome }

export interface ImageListDeps {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  /** One image through the shared verifier (its semaphore, timeouts, trust root, output channel). */
  verify(image: string, spec: VerifySpec, trustedRootJson: string | undefined, token: CancellationToken | undefined): Promise<VerifyOutcome>;
  isTrusted(): boolean;
  republish(uri: string): void;
  refreshLenses(): void;
}

export class ImageLists {
  private readonly results = new Map<string, Stored[]>();

  constructor(private readonly deps: ImageListDeps) {}

  /** Documents this feature owns (and the YAML service should not parse): lists and SBOMs that are not YAML. */
  handles(doc: TextDocument): boolean {
    if (doc.languageId === 'yaml') return false;
    return isImageListName(doc.uri) || isSpdxName(doc.uri) || detectKind(doc.getText()) !== 'list';
  }

  codeLenses(doc: TextDocument): CodeLens[] {
    const list = readImageList(doc.getText());
    const valid = list.images.filter((i) => !i.invalid);
    if (valid.length === 0) return [];
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const title = list.kind === 'list' ? `Verify all (${valid.length})` : `Verify ${valid.length} image${valid.length === 1 ? '' : 's'} of this SBOM`;
    const lenses: CodeLens[] = [{ range, command: { title, command: VERIFY_IMAGE_LIST_COMMAND, arguments: [doc.uri, valid.length] } }];
    const pinnable = this.pinEdits(doc).length;
    if (list.kind === 'list' && pinnable > 0) {
      lenses.push({ range, command: { title: `Pin verified images (${pinnable})`, command: PIN_IMAGE_LIST_COMMAND, arguments: [doc.uri] } });
    }
    return lenses;
  }

  /** One diagnostic per listed image that has a result, on its current range. */
  diagnostics(doc: TextDocument): Diagnostic[] {
    const stored = this.results.get(doc.uri);
    if (!stored) return [];
    const out: Diagnostic[] = [];
    for (const { item, result } of this.matched(doc, stored)) {
      const o = result.outcome;
      const severity = o.verdict === 'verified' ? DiagnosticSeverity.Information : o.verdict === 'error' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error;
      const code = o.verdict === 'verified' ? IMAGE_LIST_CODES.verified : o.verdict === 'error' ? IMAGE_LIST_CODES.error : IMAGE_LIST_CODES.failed;
      const message = o.verdict === 'verified' ? `${o.summary}${o.digest ? ` (${o.digest})` : ''}` : o.summary;
      out.push({ range: { start: { line: item.line, character: item.start }, end: { line: item.line, character: item.end } }, severity, code, source: 'image-trust', message });
    }
    return out;
  }

  async verifyAll(params: VerifyImageListParams, token?: CancellationToken): Promise<VerifyImageListResult> {
    const doc = this.deps.documents.get(params?.uri);
    const none = (message: string): VerifyImageListResult => ({ total: 0, verified: 0, failed: 0, errors: 0, message });
    if (!doc || !params.spec) return none('Open the image list first.');
    if (!this.deps.isTrusted()) return none('This workspace is not trusted, so Image Trust contacts no registry: trust the workspace to verify images.');
    const list = readImageList(doc.getText());
    const items = list.images.filter((i) => !i.invalid);
    if (items.length === 0) return none('The file lists no image reference.');
    const progress = await this.deps.connection.window.createWorkDoneProgress();
    progress.begin(`Verifying ${items.length} image${items.length === 1 ? '' : 's'}`, 0, `0/${items.length}`, true);
    const signal = abortOn(token, (progress as { token?: CancellationToken }).token);
    const cancelToken: CancellationToken = { get isCancellationRequested() { return signal.aborted; }, onCancellationRequested: (fn) => { signal.addEventListener('abort', () => fn(undefined)); return { dispose: () => undefined }; } };
    let done = 0;
    try {
      const stored = await Promise.all(items.map(async (item): Promise<Stored> => {
        const outcome = await this.deps.verify(item.reference, params.spec, params.trustedRootJson, cancelToken);
        done++;
        progress.report(Math.round((done / items.length) * 100), `${done}/${items.length}`);
        return { reference: item.reference, outcome };
      }));
      if (signal.aborted) return { total: items.length, verified: 0, failed: 0, errors: 0, cancelled: true, message: 'Cancelled: no result was recorded.' };
      this.results.set(doc.uri, stored);
      this.deps.republish(doc.uri);
      this.deps.refreshLenses();
      const count = (v: VerifyOutcome['verdict'][]) => stored.filter((s) => v.includes(s.outcome.verdict)).length;
      const verified = count(['verified']);
      const failed = count(['failed', 'unsupported']);
      const errors = count(['error']);
      return { total: items.length, verified, failed, errors, message: `${verified} of ${items.length} image(s) verified${failed ? `, ${failed} not verified` : ''}${errors ? `, ${errors} could not be checked` : ''}.` };
    } finally {
      progress.done();
    }
  }

  /** `imageTrust.pinImageList(uri)`: every verified line of a list becomes `name:tag@<verified digest>`. */
  async pin(args: unknown[]): Promise<{ pinned: number }> {
    const doc = this.deps.documents.get(String(args?.[0] ?? ''));
    if (!doc) return { pinned: 0 };
    const edits = this.pinEdits(doc);
    if (edits.length === 0) return { pinned: 0 };
    const applied = await this.deps.connection.workspace.applyEdit({ label: 'Pin verified images', edit: { changes: { [doc.uri]: edits } } });
    return { pinned: applied.applied ? edits.length : 0 };
  }

  private pinEdits(doc: TextDocument): TextEdit[] {
    const stored = this.results.get(doc.uri);
    if (!stored || readImageList(doc.getText()).kind !== 'list') return [];
    const edits: TextEdit[] = [];
    for (const { item, result } of this.matched(doc, stored)) {
      const digest = result.outcome.digest;
      if (result.outcome.verdict !== 'verified' || !digest) continue;
      const pinned = pinnedReference(item.reference, digest);
      if (pinned === item.reference) continue;
      edits.push({ range: { start: { line: item.line, character: item.start }, end: { line: item.line, character: item.end } }, newText: pinned });
    }
    return edits;
  }

  /** Results follow their reference as the text changes: a line whose reference changed has no result. */
  private matched(doc: TextDocument, stored: Stored[]): { item: ListedImage; result: Stored }[] {
    const byRef = new Map<string, Stored>();
    for (const s of stored) byRef.set(s.reference, s);
    const out: { item: ListedImage; result: Stored }[] = [];
    for (const item of readImageList(doc.getText()).images) {
      const result = byRef.get(item.reference) ?? this.pinnedResult(item.reference, byRef);
      if (result) out.push({ item, result });
    }
    return out;
  }

  /** After pinning, `name:tag@digest` still shows the result of `name:tag` when that digest is the verified one. */
  private pinnedResult(reference: string, byRef: Map<string, Stored>): Stored | undefined {
    const at = reference.indexOf('@');
    if (at < 0) return undefined;
    const r = byRef.get(reference.slice(0, at));
    return r && r.outcome.digest === reference.slice(at + 1) ? r : undefined;
  }

  forget(uri: string): void {
    this.results.delete(uri);
  }
}
