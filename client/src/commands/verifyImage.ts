// "Image Trust: Verify Image…": asks for an image and how to verify it (a workspace public key, a key file,
// a workspace verifyImages rule, or a keyless identity), then lets the server do the work through the
// `imageTrust/verify` request. UI only: discovery of rules and all verification logic live on the server.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { VerificationOutput } from '../outputChannel';
import { LIST_RULES_REQUEST, RuleChoice, VERIFY_REQUEST, VerifyOutcome, VerifyRequestParams } from '../protocol';

type Choice = vscode.QuickPickItem & { run?: () => Promise<VerifyRequestParams['spec'] | undefined> };

const KEY_FILE_LIMIT = 50;
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

export async function verifyImagePrompt(client: LanguageClient, output: VerificationOutput): Promise<void> {
  const image = await vscode.window.showInputBox({
    title: 'Image Trust: Verify Image',
    prompt: 'Image reference to verify (tag or digest)',
    placeHolder: 'ghcr.io/org/app:1.0 or registry.example.com/app@sha256:…',
    value: imageAtCursor(vscode.window.activeTextEditor),
    validateInput: (v) => (v.trim() === '' ? 'Enter an image reference.' : /\s/.test(v.trim()) ? 'An image reference has no spaces.' : undefined),
  });
  if (!image) return;

  const spec = await pickSpec(client);
  if (!spec) return;

  const params: VerifyRequestParams = { image: image.trim(), spec };
  let cancelled = false;
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Verifying ${params.image}…`, cancellable: true },
    (_progress, token) => {
      token.onCancellationRequested(() => (cancelled = true));
      return client.sendRequest<VerifyOutcome>(VERIFY_REQUEST, params, token);
    },
  ).then(undefined, (e: Error): VerifyOutcome => ({ image: params.image, verdict: 'error', summary: `✗ ${e.message}`, details: [], findings: [], unchecked: [] }));
  if (cancelled) return;

  const message = `${params.image}: ${outcome.summary}`;
  const answer = outcome.verdict === 'verified' ? await vscode.window.showInformationMessage(message, 'Show details')
    : outcome.verdict === 'unsupported' ? await vscode.window.showWarningMessage(message, 'Show details')
      : await vscode.window.showErrorMessage(message, 'Show details');
  if (answer === 'Show details') output.show();
}

async function pickSpec(client: LanguageClient): Promise<VerifyRequestParams['spec'] | undefined> {
  const [keyFiles, rules] = await Promise.all([
    vscode.workspace.findFiles('**/*.pub', '**/node_modules/**', KEY_FILE_LIMIT),
    client.sendRequest<RuleChoice[]>(LIST_RULES_REQUEST).then(undefined, () => [] as RuleChoice[]),
  ]);
  const items: Choice[] = [
    { label: 'Public keys', kind: vscode.QuickPickItemKind.Separator },
    ...keyFiles.map((uri): Choice => ({
      label: `$(key) ${vscode.workspace.asRelativePath(uri)}`,
      description: 'cosign public key',
      run: () => keySpec(uri),
    })),
    {
      label: '$(folder-opened) Choose a key file…',
      run: async () => {
        const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Use this public key', filters: { 'Public keys': ['pub', 'pem', 'key'], 'All files': ['*'] } });
        return picked?.[0] ? keySpec(picked[0]) : undefined;
      },
    },
    { label: 'Workspace verifyImages rules', kind: vscode.QuickPickItemKind.Separator },
    ...rules.map((r): Choice => ({
      label: `$(law) ${r.label}`,
      description: r.description,
      detail: r.detail,
      run: async () => ({ kind: 'workspace-rule', ref: r.ref }),
    })),
    { label: 'Sigstore keyless', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(account) Keyless identity…', description: 'certificate subject and OIDC issuer', run: keylessSpec },
  ];
  const choice = await vscode.window.showQuickPick(items, { title: 'Verify with…', matchOnDescription: true, matchOnDetail: true });
  return choice?.run?.();
}

// As with cosign: a key signature must be in the transparency log unless the user says otherwise.
const TLOG_CHOICES: (vscode.QuickPickItem & { ignoreTlog: boolean })[] = [
  { label: '$(shield) Require a transparency-log entry', description: "cosign's default", ignoreTlog: false },
  { label: '$(warning) Accept signatures without one', description: 'like cosign --insecure-ignore-tlog (signed with --tlog-upload=false)', ignoreTlog: true },
];

async function keySpec(uri: vscode.Uri): Promise<VerifyRequestParams['spec'] | undefined> {
  try {
    const pem = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    const tlog = await vscode.window.showQuickPick(TLOG_CHOICES, { title: 'Transparency log (Rekor)' });
    return tlog ? { kind: 'key', publicKeyPem: pem, ignoreTlog: tlog.ignoreTlog } : undefined;
  } catch (e) {
    void vscode.window.showErrorMessage(`Could not read ${uri.fsPath}: ${(e as Error).message}`);
    return undefined;
  }
}

async function keylessSpec(): Promise<VerifyRequestParams['spec'] | undefined> {
  const subject = await vscode.window.showInputBox({
    title: 'Keyless identity (1/2)',
    prompt: 'Certificate subject: an e-mail, or a workflow URI such as https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main',
    validateInput: (v) => (v.trim() === '' ? 'Enter the identity that must have signed.' : undefined),
  });
  if (!subject) return undefined;
  const issuer = await vscode.window.showInputBox({
    title: 'Keyless identity (2/2)',
    prompt: 'OIDC issuer of the signing certificate',
    value: subject.includes('@') && !subject.startsWith('https://') ? 'https://accounts.google.com' : GITHUB_ISSUER,
    validateInput: (v) => (v.trim() === '' ? 'Enter the OIDC issuer.' : undefined),
  });
  if (!issuer) return undefined;
  return { kind: 'keyless', subject: subject.trim(), issuer: issuer.trim() };
}

/** The selection if it is one line, else the value of an `image:` key on the cursor's line. */
export function imageAtCursor(editor: vscode.TextEditor | undefined): string | undefined {
  if (!editor) return undefined;
  const selected = editor.document.getText(editor.selection).trim();
  if (selected && !selected.includes('\n')) return selected;
  return imageOnLine(editor.document.lineAt(editor.selection.active.line).text);
}

export function imageOnLine(line: string): string | undefined {
  const m = /^\s*(?:-\s+)?image:\s*(["']?)([^"'\s#]+)\1/.exec(line);
  return m?.[2];
}
