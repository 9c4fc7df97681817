// Choosing who must have signed: the Kubernetes release identities the seed document names, the last identity used
// in this workspace, or any other (identity + OIDC issuer). UI only; remembered in the workspace state.
import * as vscode from 'vscode';

export interface Identity { subject: string; issuer: string }

const GOOGLE = 'https://accounts.google.com';
/** Kubernetes signs binaries and SBOMs as krel-staging, images as krel-trust. */
export const KUBERNETES_IDENTITIES: (Identity & { what: string })[] = [
  { subject: 'krel-staging@k8s-releng-prod.iam.gserviceaccount.com', issuer: GOOGLE, what: 'Kubernetes release binaries and SBOMs' },
  { subject: 'krel-trust@k8s-releng-prod.iam.gserviceaccount.com', issuer: GOOGLE, what: 'Kubernetes release images' },
];
const LAST_KEY = 'imageTrust.lastIdentity';

/** Asks for an identity; `preferred` (0 binaries, 1 images) orders the Kubernetes choices. */
export async function pickIdentity(state: vscode.Memento, title: string, preferred: 0 | 1): Promise<Identity | undefined> {
  const last = state.get<Identity>(LAST_KEY);
  type Item = vscode.QuickPickItem & { identity?: Identity };
  const k8s = preferred === 0 ? KUBERNETES_IDENTITIES : [...KUBERNETES_IDENTITIES].reverse();
  const items: Item[] = [
    ...(last ? [{ label: `$(history) ${last.subject}`, description: last.issuer, detail: 'last used in this workspace', identity: last }] : []),
    ...k8s.filter((k) => k.subject !== last?.subject || k.issuer !== last?.issuer).map((k): Item => ({ label: `$(account) ${k.subject}`, description: k.issuer, detail: k.what, identity: k })),
    { label: '$(edit) Other identity…', description: 'certificate identity and OIDC issuer' },
  ];
  const choice = await vscode.window.showQuickPick(items, { title, matchOnDescription: true, matchOnDetail: true });
  if (!choice) return undefined;
  const identity = choice.identity ?? (await askIdentity());
  if (identity) await state.update(LAST_KEY, identity);
  return identity;
}

async function askIdentity(): Promise<Identity | undefined> {
  const subject = await vscode.window.showInputBox({
    title: 'Certificate identity (1/2)',
    prompt: 'The identity that must have signed: an e-mail, or a workflow URI. Compared exactly, as cosign --certificate-identity does.',
    validateInput: (v) => (v.trim() === '' ? 'Enter the identity that must have signed.' : undefined),
  });
  if (!subject) return undefined;
  const issuer = await vscode.window.showInputBox({
    title: 'Certificate identity (2/2)',
    prompt: 'OIDC issuer of the signing certificate (exact)',
    value: subject.includes('@') && !subject.startsWith('https://') ? GOOGLE : 'https://token.actions.githubusercontent.com',
    validateInput: (v) => (v.trim() === '' ? 'Enter the OIDC issuer.' : undefined),
  });
  return issuer ? { subject: subject.trim(), issuer: issuer.trim() } : undefined;
}

/** A public key: a workspace `*.pub`, or a file chosen in a dialog; its PEM text. */
export async function pickKeyFile(title: string): Promise<string | undefined> {
  const keys = await vscode.workspace.findFiles('**/*.pub', '**/node_modules/**', 50);
  type Item = vscode.QuickPickItem & { uri?: vscode.Uri };
  const items: Item[] = [
    ...keys.map((uri): Item => ({ label: `$(key) ${vscode.workspace.asRelativePath(uri)}`, description: 'public key', uri })),
    { label: '$(folder-opened) Choose a key file…' },
  ];
  const choice = await vscode.window.showQuickPick(items, { title });
  if (!choice) return undefined;
  const uri = choice.uri ?? (await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Use this public key', filters: { 'Public keys': ['pub', 'pem', 'key'], 'All files': ['*'] } }))?.[0];
  if (!uri) return undefined;
  try {
    return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
  } catch (e) {
    void vscode.window.showErrorMessage(`Could not read ${uri.fsPath}: ${(e as Error).message}`);
    return undefined;
  }
}
