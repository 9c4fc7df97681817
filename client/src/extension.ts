// The VS Code client: starts the language server lazily for YAML files and owns UI-only concerns.
// Lens commands (`imageTrust.verifyImage`, `imageTrust.verifyRule`) run on the server: the language client
// forwards them as workspace/executeCommand, and the server reports progress, updates the lenses and sends
// each outcome back for the output channel. Only the palette prompt needs client UI.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { verifyImagePrompt } from './commands/verifyImage';
import { VERIFY_FILE_COMMAND, verifyFileCommand } from './commands/verifyFile';
import { VERIFY_IMAGE_LIST_COMMAND, verifyImageListCommand } from './commands/imageList';
import { VerificationOutput } from './outputChannel';
import { redactingOutputChannel } from './redactingChannel';
import {
  SHOW_OUTPUT_COMMAND, VERIFICATION_RESULT_NOTIFICATION, VERIFY_IMAGE_PROMPT_COMMAND, VerificationResultParams, WORKSPACE_TRUST_NOTIFICATION,
} from './protocol';

let client: LanguageClient | undefined;

/** What activation returns: timings, so tests and users can see that activation stays small. */
export interface ImageTrustApi {
  /** Time spent inside activate(), in ms. */
  activationMs: number;
  /** Resolves with the ms from activation to a running language server. */
  serverReady: Promise<number>;
}

export function activate(context: vscode.ExtensionContext): ImageTrustApi {
  const t0 = performance.now();
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  // The server's working directory is the extension's own folder, never the workspace: nothing it starts (a
  // credential helper) or opens may be found relative to the repository being edited.
  const cwd = context.extensionPath;
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.stdio, options: { cwd } },
    debug: { module: serverModule, transport: TransportKind.stdio, options: { cwd, execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const serverLog = redactingOutputChannel('Image Trust');
  const clientOptions: LanguageClientOptions = {
    // YAML, plus image lists and SPDX SBOMs (their lenses and per-image results).
    documentSelector: [{ language: 'yaml' }, { scheme: 'file', pattern: '**/*images*.{txt,list}' }, { scheme: 'file', pattern: '**/*.{spdx,spdx.json}' }],
    synchronize: { configurationSection: 'imageTrust' },
    diagnosticCollectionName: 'image-trust',
    // Server log and protocol trace: the trace prints the settings sent to the server, registry passwords included.
    outputChannel: serverLog,
    // In Restricted Mode the server never contacts a registry; it is told when trust is granted.
    initializationOptions: { workspaceTrusted: vscode.workspace.isTrusted, globalStoragePath: context.globalStorageUri.fsPath },
  };
  const output = new VerificationOutput();
  client = new LanguageClient('imageTrust', 'Image Trust', serverOptions, clientOptions);
  const started = client;
  // The server starts in the background: activation returns at once, and requests wait for `ready`.
  const ready = client.start().then(() => performance.now() - t0);
  const whenReady = () => ready.then(() => started);
  context.subscriptions.push(
    client,
    serverLog,
    output,
    client.onNotification(VERIFICATION_RESULT_NOTIFICATION, (p: VerificationResultParams) => output.write(p)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void started.sendNotification(WORKSPACE_TRUST_NOTIFICATION, { trusted: true })),
    vscode.commands.registerCommand(VERIFY_IMAGE_PROMPT_COMMAND, async () => verifyImagePrompt(await whenReady(), output)),
    vscode.commands.registerCommand(SHOW_OUTPUT_COMMAND, () => output.show()),
    vscode.commands.registerCommand(VERIFY_FILE_COMMAND, async (uri?: vscode.Uri) => verifyFileCommand(await whenReady(), output, context.workspaceState, uri)),
    vscode.commands.registerCommand(VERIFY_IMAGE_LIST_COMMAND, async (uri?: string) => verifyImageListCommand(await whenReady(), context.workspaceState, uri)),
  );
  const activationMs = performance.now() - t0;
  void ready.then(
    (ms) => output.log(`Image Trust activated in ${activationMs.toFixed(1)} ms; language server ready after ${ms.toFixed(0)} ms.`),
    (err) => output.log(`Image Trust: the language server did not start: ${(err as Error).message}`),
  );
  return { activationMs, serverReady: ready };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
