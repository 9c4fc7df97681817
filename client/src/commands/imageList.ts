// The "Verify all (N)" lens of an image list or SBOM: asks how to verify (a public key, the Kubernetes image
// identity or another), then the server verifies every image with its progress and per-line results.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { pickIdentity, pickKeyFile } from './identities';

// Names repeated from server/src/commands/imageList.ts.
export const VERIFY_IMAGE_LIST_COMMAND = 'imageTrust.verifyImageList';
const VERIFY_IMAGE_LIST_REQUEST = 'imageTrust/verifyImageList';

interface Result { total: number; verified: number; failed: number; errors: number; cancelled?: boolean; message: string }

export async function verifyImageListCommand(client: LanguageClient, state: vscode.Memento, uriArg?: string): Promise<void> {
  const uri = typeof uriArg === 'string' ? uriArg : vscode.window.activeTextEditor?.document.uri.toString();
  if (!uri) return;
  type Item = vscode.QuickPickItem & { how: 'key' | 'identity' };
  const how = await vscode.window.showQuickPick<Item>([
    { label: '$(account) Keyless identity', description: 'e.g. krel-trust@k8s-releng-prod.iam.gserviceaccount.com', how: 'identity' },
    { label: '$(key) Public key', description: 'cosign.pub', how: 'key' },
  ], { title: 'Verify the listed images with…' });
  if (!how) return;
  let spec: unknown;
  if (how.how === 'key') {
    const pem = await pickKeyFile('Verify the listed images with which public key?');
    if (!pem) return;
    const tlog = await vscode.window.showQuickPick([
      { label: '$(shield) Require a transparency-log entry', description: "cosign's default", ignoreTlog: false },
      { label: '$(warning) Accept signatures without one', description: 'like cosign --insecure-ignore-tlog', ignoreTlog: true },
    ], { title: 'Transparency log (Rekor)' });
    if (!tlog) return;
    spec = { kind: 'key', publicKeyPem: pem, ignoreTlog: tlog.ignoreTlog };
  } else {
    const identity = await pickIdentity(state, 'Who must have signed the images?', 1);
    if (!identity) return;
    spec = { kind: 'keyless', subject: identity.subject, issuer: identity.issuer };
  }
  // The server reports progress (with cancellation) and puts each result on its line.
  const result = await client.sendRequest<Result>(VERIFY_IMAGE_LIST_REQUEST, { uri, spec });
  const text = `Image Trust: ${result.message}`;
  if (result.cancelled || result.errors) void vscode.window.showWarningMessage(text);
  else if (result.failed) void vscode.window.showErrorMessage(text);
  else void vscode.window.showInformationMessage(text);
}
