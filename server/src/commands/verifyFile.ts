// "Image Trust: Verify File Signature…" on the server: find what travels with the file (signature, certificate,
// bundle, checksums), tell the client what is still missing (a key, or an identity), then verify with the blob
// verifier — looking the log entry up in Rekor (imageTrust.verify.rekorUrl) unless the workspace is untrusted.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import type { CancellationToken } from 'vscode-languageserver';
import { Companions, findCompanions } from '../verify/blob/companions';
import { checkRekorUrl, PUBLIC_REKOR_URL } from '../verify/blob/rekorClient';
import type { BlobReport, BlobRequest } from '../verify/blob/run';
import type { TrustChoice } from '../verify/api';
import { abortOn } from './cancellation';
import { userPath } from '../userPath';

export const FILE_COMPANIONS_REQUEST = 'imageTrust/fileCompanions';
export const VERIFY_FILE_REQUEST = 'imageTrust/verifyFile';

export interface FileCompanionsParams { path: string }

export interface FileCompanionsResult {
  path: string;
  /** Absolute paths of what was found next to the file. */
  companions: Companions;
  /** What the user must still give: nothing, a public key, or an identity and issuer. */
  needs: 'key' | 'identity' | 'none';
  /** When nothing to verify with was found: why, in words. */
  problem?: string;
}

export interface VerifyFileParams {
  path: string;
  key?: string;
  identity?: { subject?: string; subjectRegExp?: string; issuer?: string; issuerRegExp?: string };
  /** The user chose to accept the signature without a transparency-log proof. */
  ignoreTlog?: boolean;
}

export interface VerifyFileResult { report: BlobReport; lines: string[] }

export interface VerifyFileDeps {
  connection: Connection;
  isTrusted(): boolean;
  /** The editor's trusted root (settings file, TUF-refreshed public-good root, embedded copy), when available. */
  trustRoot?(): Promise<TrustChoice>;
}

export async function fileCompanions(params: FileCompanionsParams): Promise<FileCompanionsResult> {
  const file = params.path;
  const dir = path.dirname(file);
  let siblings: string[] = [];
  try {
    siblings = (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    return { path: file, companions: { checksums: [] }, needs: 'none', problem: `Cannot read the folder ${dir}.` };
  }
  const found = findCompanions(path.basename(file), siblings);
  const abs = (n: string | undefined) => (n ? path.join(dir, n) : undefined);
  const companions: Companions = { bundle: abs(found.bundle), signature: abs(found.signature), certificate: abs(found.certificate), checksums: found.checksums.map((n) => path.join(dir, n)) };
  if (companions.bundle) return { path: file, companions, needs: (await bundleHasKeyOnly(companions.bundle)) ? 'key' : 'identity' };
  if (companions.signature) return { path: file, companions, needs: companions.certificate ? 'identity' : 'key' };
  const base = path.basename(file);
  return { path: file, companions, needs: 'none', problem: `No signature next to ${base}: looked for ${base}.sigstore.json, ${base}.bundle and ${base}.sig (with ${base}.cert or ${base}.pem).` };
}

async function bundleHasKeyOnly(bundle: string): Promise<boolean> {
  try {
    const json = JSON.parse(await fs.readFile(bundle, 'utf8')) as { verificationMaterial?: { publicKey?: unknown }; base64Signature?: string; cert?: string };
    if (typeof json.base64Signature === 'string') return !json.cert;
    return !!json.verificationMaterial?.publicKey;
  } catch {
    return false;
  }
}

export async function verifyFile(params: VerifyFileParams, deps: VerifyFileDeps, token?: CancellationToken): Promise<VerifyFileResult> {
  const { runBlobVerification, describeBlobReport } = await import('../verify/blob/run');
  const found = await fileCompanions({ path: params.path });
  const settings = await verifySettings(deps);
  // The refreshed root may go online (TUF): only in a trusted workspace; otherwise the settings file or the embedded root.
  const chosen = deps.trustRoot && deps.isTrusted() ? await deps.trustRoot() : undefined;
  const trustProblem = chosen && !chosen.ok ? chosen.reason : chosen ? undefined : settings.trustedRootError;
  if (trustProblem) {
    const report: BlobReport = { file: params.path, verdict: 'error', code: 'input-error', reason: trustProblem, checksums: [], checked: [] };
    return { report, lines: describeBlobReport(report) };
  }
  const request: BlobRequest = {
    file: params.path,
    bundle: found.companions.bundle,
    signature: found.companions.bundle ? undefined : found.companions.signature,
    certificate: found.companions.bundle ? undefined : found.companions.certificate,
    key: params.key,
    checksums: found.companions.checksums,
    identity: params.key ? undefined : params.identity,
    trustedRoot: chosen ? undefined : settings.trustedRoot,
    trustRoot: chosen?.ok ? chosen.root : undefined,
    ignoreSctWithoutCtLogs: true,
    ignoreTlog: params.ignoreTlog,
    // An untrusted workspace contacts no server: the log lookup is reported as not made.
    offline: !deps.isTrusted(),
    rekorUrl: settings.rekorUrl,
    signal: abortOn(token),
    timeoutMs: settings.timeoutSeconds * 1000,
  };
  if (found.problem) {
    const report: BlobReport = { file: params.path, verdict: 'error', code: 'input-error', reason: found.problem, checksums: [], checked: [] };
    return { report, lines: describeBlobReport(report) };
  }
  const report = await runBlobVerification(request);
  const lines = describeBlobReport(report);
  if (!deps.isTrusted() && report.code === 'tlog-missing') lines.push('  (this workspace is not trusted, so Image Trust contacted no transparency log)');
  return { report, lines };
}

async function verifySettings(deps: VerifyFileDeps): Promise<{ rekorUrl: string; trustedRoot?: string; trustedRootError?: string; timeoutSeconds: number }> {
  let v: Record<string, unknown> = {};
  try {
    const cfg = await deps.connection.workspace.getConfiguration({ section: 'imageTrust' });
    v = (cfg?.verify ?? {}) as Record<string, unknown>;
  } catch {
    // defaults
  }
  const rekor = typeof v.rekorUrl === 'string' && v.rekorUrl.trim() && checkRekorUrl(v.rekorUrl.trim()).ok ? v.rekorUrl.trim() : PUBLIC_REKOR_URL;
  // Absolute or `~/` only, never against the workspace (a repository must not choose its own trust root).
  const setting = typeof v.trustedRoot === 'string' && v.trustedRoot.trim() ? v.trustedRoot.trim() : undefined;
  const trustedRoot = setting === undefined ? undefined : userPath(setting);
  if (setting !== undefined && trustedRoot === undefined) return { rekorUrl: rekor, timeoutSeconds: 60, trustedRootError: `imageTrust.verify.trustedRoot must be an absolute or ~/ path, not "${setting}".` };
  const t = typeof v.timeoutSeconds === 'number' && Number.isFinite(v.timeoutSeconds) ? Math.min(3600, Math.max(1, Math.floor(v.timeoutSeconds))) : 60;
  return { rekorUrl: rekor, trustedRoot, timeoutSeconds: t };
}
