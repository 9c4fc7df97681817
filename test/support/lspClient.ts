// A small LSP client over stdio, for protocol tests and the benchmark. It plays the editor's part:
// initialize with workspace folders, answer the server's own requests at once (settings, capability
// registration, progress), keep the latest diagnostics per document and let callers wait for new ones.
import { spawn, ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type {
  CodeAction, Command, CompletionItem, CompletionList, Diagnostic, Hover, InitializeResult, Position, PublishDiagnosticsParams,
  Range, ServerCapabilities, TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';

export interface LspClientOptions {
  command: string;
  args?: string[];
  cwd?: string;
  /** Workspace folders as file URIs; the first one is also sent as rootUri. */
  workspaceFolders?: string[];
  /** Answers to `workspace/configuration`, by section (e.g. `yaml`, `imageTrust`, `[yaml]`). Missing sections answer null. */
  configuration?: Record<string, unknown>;
  initializationOptions?: unknown;
  /** Collect the server's stderr (default) or pass it through for debugging. */
  stderr?: 'collect' | 'inherit';
  /** The server's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Keep every byte the server writes to stdout and stderr (`traffic`), e.g. to search it for secrets. */
  recordTraffic?: boolean;
}

/** Diagnostics as published, with the client-side arrival time (performance.now()). */
export interface PublishedDiagnostics extends PublishDiagnosticsParams {
  receivedAt: number;
}

export interface ProcessMemory {
  /** Resident set size now, KiB. */
  rssKiB: number;
  /** Peak resident set size over the process lifetime (VmHWM), KiB. */
  peakRssKiB: number;
}

interface Waiter {
  predicate: (d: PublishedDiagnostics) => boolean;
  resolve: (d: PublishedDiagnostics) => void;
}

interface OpenDocument {
  version: number;
  text: string;
}

export class LspClient {
  /** What the server said it can do. */
  capabilities: ServerCapabilities = {};
  /** Answers to `workspace/configuration`; change it, then call `didChangeConfiguration()`. */
  configuration: Record<string, unknown>;
  /** How many `workspace/configuration` requests the server made (a server that asks per validation shows it here). */
  configurationRequests = 0;
  /** Every `window/logMessage` / `window/showMessage` text, for debugging a failing test. */
  readonly messages: string[] = [];
  private readonly latest = new Map<string, PublishedDiagnostics>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly documents = new Map<string, OpenDocument>();
  private stderrText = '';
  private readonly recorded: Buffer[] = [];
  private exited = false;
  private readonly exitPromise: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly connection: MessageConnection,
    private readonly options: LspClientOptions,
  ) {
    this.configuration = { ...(options.configuration ?? {}) };
    this.exitPromise = new Promise((resolve) => child.once('exit', (code) => { this.exited = true; resolve(code); }));
  }

  /** Spawns the server and completes the initialize / initialized handshake. */
  static async start(options: LspClientOptions): Promise<LspClient> {
    const child = spawn(options.command, options.args ?? [], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', options.stderr === 'inherit' ? 'inherit' : 'pipe'],
    });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspClient(child, connection, options);
    if (options.recordTraffic) {
      child.stdout!.on('data', (chunk: Buffer) => client.recorded.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => client.recorded.push(chunk));
    }
    child.stderr?.on('data', (chunk: Buffer) => {
      // Keep only the tail: enough to explain a crash without growing without bound.
      client.stderrText = (client.stderrText + chunk.toString()).slice(-20_000);
    });
    client.listen();
    await client.initialize();
    return client;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** Everything the server wrote (protocol messages and stderr), when started with `recordTraffic`. */
  get traffic(): string {
    return Buffer.concat(this.recorded).toString('utf8');
  }

  private listen(): void {
    const c = this.connection;
    c.onRequest('workspace/configuration', (params: { items: { section?: string; scopeUri?: string }[] }) => {
      this.configurationRequests++;
      return params.items.map((item) => (item.section !== undefined ? this.configuration[item.section] ?? null : this.configuration));
    });
    c.onRequest('workspace/workspaceFolders', () =>
      (this.options.workspaceFolders ?? []).map((uri) => ({ uri, name: uri.split('/').pop() || uri })),
    );
    // registerCapability, unregisterCapability, workDoneProgress/create, showMessageRequest...: accept.
    c.onRequest(() => null);
    c.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => this.onDiagnostics(params));
    c.onNotification((method: string, params: unknown) => {
      if (method === 'window/logMessage' || method === 'window/showMessage') this.messages.push(String((params as { message?: string })?.message));
    });
    c.onError(() => undefined);
    c.onClose(() => undefined);
    c.listen();
  }

  private async initialize(): Promise<void> {
    const folders = this.options.workspaceFolders ?? [];
    const result: InitializeResult = await this.connection.sendRequest('initialize', {
      processId: process.pid,
      clientInfo: { name: 'image-trust-test-client' },
      rootUri: folders[0] ?? null,
      workspaceFolders: folders.map((uri) => ({ uri, name: uri.split('/').pop() || uri })),
      initializationOptions: this.options.initializationOptions,
      capabilities: {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          didChangeConfiguration: { dynamicRegistration: true },
          codeLens: { refreshSupport: true },
        },
        textDocument: {
          synchronization: { dynamicRegistration: true, didSave: true },
          publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
          completion: {
            dynamicRegistration: true,
            completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'], insertReplaceSupport: true },
          },
          hover: { dynamicRegistration: true, contentFormat: ['markdown', 'plaintext'] },
          codeAction: {
            dynamicRegistration: true,
            codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'source', 'source.fixAll'] } },
            isPreferredSupport: true,
          },
        },
        window: { workDoneProgress: true },
      },
    });
    this.capabilities = result.capabilities;
    await this.connection.sendNotification('initialized', {});
  }

  private onDiagnostics(params: PublishDiagnosticsParams): void {
    const published: PublishedDiagnostics = { ...params, receivedAt: performance.now() };
    this.latest.set(params.uri, published);
    const waiters = this.waiters.get(params.uri);
    if (!waiters) return;
    for (const w of [...waiters]) {
      if (w.predicate(published)) {
        waiters.delete(w);
        w.resolve(published);
      }
    }
  }

  /** The most recent diagnostics published for `uri`, if any. */
  diagnostics(uri: string): PublishedDiagnostics | undefined {
    return this.latest.get(uri);
  }

  /**
   * Resolves with the first diagnostics for `uri` published after this call that satisfy `predicate`
   * (or, with `includeLatest`, the latest ones already received if they do). Call it right after sending
   * the change it waits for: notifications are written synchronously, so no publish can slip in between.
   */
  waitForDiagnostics(
    uri: string,
    predicate: (d: PublishedDiagnostics) => boolean = () => true,
    timeoutMs = 10_000,
    { includeLatest = false } = {},
  ): Promise<PublishedDiagnostics> {
    const current = this.latest.get(uri);
    if (includeLatest && current && predicate(current)) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const set = this.waiters.get(uri) ?? new Set<Waiter>();
      this.waiters.set(uri, set);
      const waiter: Waiter = {
        predicate,
        resolve: (d) => {
          clearTimeout(timer);
          resolve(d);
        },
      };
      const timer = setTimeout(() => {
        set.delete(waiter);
        const last = this.latest.get(uri);
        reject(new Error(
          `no matching diagnostics for ${uri} within ${timeoutMs} ms; last published: ` +
            (last ? JSON.stringify(last.diagnostics.map((d) => `${d.range.start.line}:${d.code ?? ''}:${d.message}`)) : 'none') +
            (this.exited ? `; server exited: ${this.stderrText.slice(-2000)}` : ''),
        ));
      }, timeoutMs);
      set.add(waiter);
    });
  }

  // Notifications are fire-and-forget (written synchronously), so a wait registered right after them
  // cannot miss the answer.
  private notify(method: string, params: unknown): void {
    this.connection.sendNotification(method, params).catch(() => undefined);
  }

  didOpen(uri: string, text: string, languageId = 'yaml', version = 1): void {
    this.documents.set(uri, { version, text });
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  /**
   * Sends changes to an open document, incrementally if the server syncs incrementally (falling back
   * to the full text when it syncs fully). Returns the new version.
   */
  didChange(uri: string, changes: TextDocumentContentChangeEvent[]): number {
    const doc = this.documents.get(uri);
    if (!doc) throw new Error(`${uri} is not open`);
    for (const change of changes) doc.text = applyChange(doc.text, change);
    doc.version++;
    const contentChanges = this.syncKind() === 1 ? [{ text: doc.text }] : changes;
    this.notify('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges });
    return doc.version;
  }

  /** Replaces `range` with `text` (an incremental change). */
  replace(uri: string, range: Range, text: string): number {
    return this.didChange(uri, [{ range, text }]);
  }

  /** Replaces the whole document (a full change). */
  setText(uri: string, text: string): number {
    return this.didChange(uri, [{ text }]);
  }

  /** The client's copy of an open document. */
  text(uri: string): string | undefined {
    return this.documents.get(uri)?.text;
  }

  didClose(uri: string): void {
    this.documents.delete(uri);
    this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  /** Tells the server the settings changed (it then pulls them with `workspace/configuration`). */
  didChangeConfiguration(settings: unknown = this.configuration): void {
    this.notify('workspace/didChangeConfiguration', { settings });
  }

  completion(uri: string, position: Position): Promise<CompletionList | CompletionItem[] | null> {
    return this.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position, context: { triggerKind: 1 } });
  }

  /** Completion items whatever shape the server answered in. */
  async completionItems(uri: string, position: Position): Promise<CompletionItem[]> {
    const result = await this.completion(uri, position);
    return !result ? [] : Array.isArray(result) ? result : result.items;
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position });
  }

  codeAction(uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<(CodeAction | Command)[] | null> {
    return this.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics, only } });
  }

  /** Answers the server's `method` requests (e.g. `workspace/applyEdit`) with `handler` instead of null. */
  handleServerRequest(method: string, handler: (params: any) => unknown): void {
    this.connection.onRequest(method, handler);
  }

  /** Receives the server's `method` notifications (e.g. `$/progress`), which are otherwise ignored. */
  handleServerNotification(method: string, handler: (params: any) => void): void {
    this.connection.onNotification(method, handler);
  }

  /** Any request, for what the helpers above do not cover. */
  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params);
  }

  /** The server process's current and peak RSS from /proc (Linux); undefined elsewhere or after exit. */
  memory(): ProcessMemory | undefined {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kib = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
      return { rssKiB: kib('VmRSS'), peakRssKiB: kib('VmHWM') };
    } catch {
      return undefined;
    }
  }

  /** shutdown + exit, then waits for the process to end (killing it after `timeoutMs`). */
  async stop(timeoutMs = 5_000): Promise<void> {
    if (!this.exited) {
      const killer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
      try {
        await Promise.race([this.connection.sendRequest('shutdown'), this.exitPromise]);
        this.notify('exit', undefined);
      } catch {
        this.child.kill('SIGKILL');
      }
      await this.exitPromise;
      clearTimeout(killer);
    }
    this.connection.dispose();
  }

  /** Resolves with the exit code once the server process has ended. */
  waitForExit(): Promise<number | null> {
    return this.exitPromise;
  }

  private syncKind(): number {
    const sync = this.capabilities.textDocumentSync;
    return typeof sync === 'number' ? sync : sync?.change ?? 2;
  }
}

/** Applies one LSP content change to `text` (positions in UTF-16 code units, like JS strings). */
export function applyChange(text: string, change: TextDocumentContentChangeEvent): string {
  if (!('range' in change) || !change.range) return change.text;
  const start = offsetAt(text, change.range.start);
  const end = offsetAt(text, change.range.end);
  return text.slice(0, start) + change.text + text.slice(end);
}

export function offsetAt(text: string, position: Position): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  return Math.min(offset + position.character, lineEnd < 0 ? text.length : lineEnd);
}

export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}
