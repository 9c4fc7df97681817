// "Image Trust: Verify File Signature…" (explorer and editor context menus, palette): the server finds the file's
// companions (.sig/.cert/.sigstore.json/checksums) and says what is missing; this asks only for that (a key, or an
// identity and issuer), then shows the verdict: identity, issuer and log entry, or exactly which check failed.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { VerificationOutput } from '../outputChannel';
import { pickIdentity, pickKeyFile } from './identities';

// Names repeated from server/src/commands/verifyFile.ts (the client bundle does not import server code).
export const VERIFY_FILE_COMMAND = 'imageTrust.verifyFile';
const FILE_COMPANIONS_REQUEST = 'imageTrust/fileCompanions';
const VERIFY_FILE_REQUEST = 'imageTrust/verifyFile';

interface CompanionsResult {
  companions: { bundle?: string; signature?: string; certificate?: string; checksums: string[] };
  needs: 'key' | 'identity' | 'none';
  problem?: string;
}

interface VerifyFileResult {
  report: {
    verdict: 'verified' | 'failed' | 'error';
    code?: string;
    reason?: string;
    certificate?: { subjectAlternativeNames: string[]; issuer?: string };
    keyAlgorithm?: string;
    tlog?: { logIndex: number; integratedTime?: string };
    checksums: { file: string; ok: boolean }[];
  };
  lines: string[];
}

export async function verifyFileCommand(client: LanguageClient, output: VerificationOutput, state: vscode.Memento, target?: vscode.Uri): Promise<void> {
  const uri = target instanceof vscode.Uri ? target : vscode.window.activeTextEditor?.document.uri;
  if (!uri || uri.scheme !== 'file') {
    void vscode.window.showErrorMessage('Image Trust: choose a file on disk to verify (explorer or editor context menu).');
    return;
  }
  const file = uri.fsPath;
  const name = vscode.workspace.asRelativePath(uri);
  const found = await client.sendRequest<CompanionsResult>(FILE_COMPANIONS_REQUEST, { path: file });
  if (found.problem) {
    void vscode.window.showErrorMessage(`Image Trust: ${found.problem}`);
    return;
  }
  let key: string | undefined;
  let identity: { subject: string; issuer: string } | undefined;
  if (found.needs === 'key') {
    key = await pickKeyFile(`Verify ${name} with which public key?`);
    if (!key) return;
  } else if (found.needs === 'identity') {
    identity = await pickIdentity(state, `Who must have signed ${name}?`, 0);
    if (!identity) return;
  }

  const run = (ignoreTlog: boolean) => vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Verifying ${name}…`, cancellable: true },
    (_p, token) => client.sendRequest<VerifyFileResult>(VERIFY_FILE_REQUEST, { path: file, key, identity, ignoreTlog }, token),
  );
  let result = await run(false);
  output.log(`[${new Date().toISOString()}] ${name}`);
  for (const line of result.lines) output.log(line);
  const r = result.report;
  const logProblem = r.code === 'tlog-unreachable' || r.code === 'tlog-missing';
  if (r.verdict !== 'verified' && logProblem) {
    // Never a silent pass: skipping the log is the user's explicit choice, said as such.
    const skip = 'Verify without the transparency log';
    const answer = await vscode.window.showWarningMessage(`${name}: ${r.reason}`, skip, 'Show details');
    if (answer === 'Show details') return output.show();
    if (answer !== skip) return;
    result = await run(true);
    output.log(`[${new Date().toISOString()}] ${name} (transparency log skipped at the user's request)`);
    for (const line of result.lines) output.log(line);
  }
  await showVerdict(name, result.report, output);
}

async function showVerdict(name: string, r: VerifyFileResult['report'], output: VerificationOutput): Promise<void> {
  const sums = r.checksums.length ? `; ${r.checksums.filter((c) => c.ok).length}/${r.checksums.length} checksum file(s) match` : '';
  let message: string;
  if (r.verdict === 'verified') {
    const who = r.certificate ? `signed by ${r.certificate.subjectAlternativeNames.join(', ')} (issuer ${r.certificate.issuer ?? 'none'})` : `signed with a key (${r.keyAlgorithm})`;
    const log = r.tlog ? `; transparency log index ${r.tlog.logIndex}${r.tlog.integratedTime ? `, ${r.tlog.integratedTime}` : ''}` : '; transparency log not checked';
    message = `✓ ${name} verified: ${who}${log}${sums}.`;
  } else {
    message = `✗ ${name} not verified [${r.code}]: ${r.reason}`;
  }
  const answer = r.verdict === 'verified' ? await vscode.window.showInformationMessage(message, 'Show details') : await vscode.window.showErrorMessage(message, 'Show details');
  if (answer === 'Show details') output.show();
}
