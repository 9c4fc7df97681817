// One blob verification from files, for the CLI (`verify-blob`) and the editor command alike: read the inputs,
// look the transparency-log entry up in Rekor when a detached signature needs it (never when offline), verify,
// and check the checksum files. The verdict says which check failed, or what was verified.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CertificateIdentity } from '../identity';
import type { VerifyCode } from '../result';
import { loadTrustedRoot, TrustRoot } from '../trustRoot';
import { checkChecksum, ChecksumResult } from './checksums';
import { certificatePem, decodeSignatureFile, isCosignLocalBundle, parseCosignLocalBundle } from './material';
import { lookupRekorEntries, PUBLIC_REKOR_URL } from './rekorClient';
import type { RekorEntry } from './rekorEntries';
import { BlobInputs, BlobVerified, TlogProof, verifyBlob } from './verifyBlob';

export interface BlobRequest {
  file: string;
  bundle?: string;
  signature?: string;
  certificate?: string;
  certificateChain?: string;
  key?: string;
  /** Checksum files to check the file against (a list that does not mention the file is reported as such). */
  checksums?: string[];
  identity?: { subject?: string; subjectRegExp?: string; issuer?: string; issuerRegExp?: string };
  trustedRoot?: string;
  /** Already chosen trust (the editor's settings file or TUF-refreshed root); `trustedRoot` wins when both are given. */
  trustRoot?: TrustRoot;
  ignoreTlog?: boolean;
  ignoreSCT?: boolean;
  /** Skip the SCT check when the given trusted root lists no CT log (a private Sigstore without one): said in the report. */
  ignoreSctWithoutCtLogs?: boolean;
  /** Never touch the network: a detached signature's log entry cannot be looked up then. */
  offline?: boolean;
  rekorUrl?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface BlobReport {
  file: string;
  sha256?: string;
  /** `error`: the inputs could not be read or the log could not be reached (exit 2 in the CLI). */
  verdict: 'verified' | 'failed' | 'error';
  /** The failed check, when the signature fails. */
  code?: VerifyCode | 'checksum-mismatch' | 'input-error' | 'tlog-unreachable';
  reason?: string;
  material?: BlobVerified['material'];
  certificate?: Pick<CertificateIdentity, 'subjectAlternativeNames' | 'issuer'> & { notBefore: string; notAfter: string };
  keyAlgorithm?: string;
  tlog?: Omit<TlogProof, 'integratedTime'> & { integratedTime?: string };
  /** Rekor consulted for a detached signature (the URL), or why not. */
  rekor?: string;
  checksums: (ChecksumResult | { file: string; ok: false; missing: true })[];
  checked: string[];
}

const MAX_FILE = 512 * 1024 * 1024;
const MAX_MATERIAL = 4 * 1024 * 1024;

export async function runBlobVerification(req: BlobRequest): Promise<BlobReport> {
  const report: BlobReport = { file: req.file, verdict: 'error', checksums: [], checked: [] };
  const inputError = (reason: string): BlobReport => ({ ...report, verdict: 'error', code: 'input-error', reason });

  let artifact: Buffer;
  const inputs: Partial<BlobInputs> = {};
  let trustRoot: TrustRoot | undefined = req.trustRoot;
  try {
    artifact = await readLimited(req.file, MAX_FILE);
    if (req.bundle) inputs.bundle = await readLimited(req.bundle, MAX_MATERIAL);
    if (req.signature) inputs.signature = await readLimited(req.signature, MAX_MATERIAL);
    if (req.certificate) inputs.certificate = await readLimited(req.certificate, MAX_MATERIAL);
    if (req.certificateChain) inputs.certificateChain = await readLimited(req.certificateChain, MAX_MATERIAL);
    if (req.key) inputs.key = (await readLimited(req.key, MAX_MATERIAL)).toString('utf8');
    if (req.trustedRoot) {
      const loaded = loadTrustedRoot((await readLimited(req.trustedRoot, MAX_MATERIAL)).toString('utf8'), req.trustedRoot);
      if (!loaded.ok) return inputError(loaded.reason);
      trustRoot = loaded.root;
    }
  } catch (e) {
    return inputError((e as Error).message);
  }

  for (const file of req.checksums ?? []) {
    let content: string;
    try {
      content = (await readLimited(file, MAX_MATERIAL)).toString('utf8');
    } catch (e) {
      return inputError((e as Error).message);
    }
    report.checksums.push(checkChecksum(artifact, req.file, file, content) ?? { file, ok: false, missing: true });
  }

  // A detached signature (or cosign's bundle without a log entry) has its log entry looked up online.
  if (!req.ignoreTlog && needsLookup(inputs)) {
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(artifact).digest('hex');
    const rekorUrl = req.rekorUrl || PUBLIC_REKOR_URL;
    if (req.offline) {
      inputs.tlogUnavailable = 'offline: the Rekor lookup by the file\'s hash was not made';
      report.rekor = 'not consulted (offline)';
    } else {
      const found = await lookupRekorEntries(rekorUrl, sha, { signal: req.signal, timeoutMs: req.timeoutMs, proposed: proposedFor(inputs) });
      if (!found.ok) {
        return { ...report, sha256: sha, code: 'tlog-unreachable', reason: `The transparency log could not be checked: ${found.reason}. The signature is not accepted without it; verify when the log is reachable, or pass --insecure-ignore-tlog to skip it knowingly.`, rekor: rekorUrl };
      }
      inputs.tlogEntries = found.entries as RekorEntry[];
      report.rekor = `${found.url} (${found.entries.length} entr${found.entries.length === 1 ? 'y' : 'ies'} for this file)`;
    }
  }

  const noCtLogs = !req.ignoreSCT && !!req.ignoreSctWithoutCtLogs && !!trustRoot && trustRoot.parts.ctlogs.length === 0;
  const outcome = verifyBlob({ artifact, ...inputs }, { identity: req.identity, trustRoot, ignoreTlog: req.ignoreTlog, ignoreSCT: req.ignoreSCT || noCtLogs });
  if (outcome.ok && noCtLogs && outcome.signer.certificate) outcome.checked.push(`${trustRoot!.source} lists no CT log, so the certificate's SCT was not checked`);
  if (!outcome.ok) return { ...report, verdict: 'failed', code: outcome.code, reason: outcome.reason };
  const cert = outcome.signer.certificate;
  const badSum = report.checksums.find((c) => !c.ok);
  return {
    ...report,
    sha256: outcome.sha256,
    verdict: badSum ? 'failed' : 'verified',
    code: badSum ? 'checksum-mismatch' : undefined,
    reason: badSum ? checksumReason(badSum) : undefined,
    material: outcome.material,
    certificate: cert ? { subjectAlternativeNames: cert.subjectAlternativeNames, issuer: cert.issuer, notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString() } : undefined,
    keyAlgorithm: outcome.signer.keyAlgorithm,
    tlog: outcome.tlog ? { ...outcome.tlog, integratedTime: outcome.tlog.integratedTime?.toISOString() } : undefined,
    checked: outcome.checked,
  };
}

function checksumReason(c: BlobReport['checksums'][number]): string {
  if ('missing' in c) return `${path.basename(c.file)} does not list this file or holds no usable hash.`;
  return `The file's ${c.algorithm} is ${c.actual}, ${path.basename(c.file)} says ${c.expected}: the file is not the one the checksum was published for.`;
}

/** The signature and its verifier as they would be logged, for a search by entry; undefined when unreadable. */
function proposedFor(inputs: Partial<BlobInputs>): { signatureB64: string; verifierPem: string } | undefined {
  try {
    let signature = inputs.signature;
    let verifier: string | undefined = inputs.key;
    if (inputs.certificate !== undefined) verifier = certificatePem(inputs.certificate, 'certificate');
    if (signature === undefined && inputs.bundle !== undefined) {
      const local = parseCosignLocalBundle(JSON.parse(inputs.bundle.toString('utf8')));
      signature = local.signature.toString('base64');
      verifier ??= local.certificatePem;
    }
    if (signature === undefined || verifier === undefined) return undefined;
    return { signatureB64: decodeSignatureFile(signature).toString('base64'), verifierPem: verifier };
  } catch {
    return undefined;
  }
}

function needsLookup(inputs: Partial<BlobInputs>): boolean {
  if (inputs.signature !== undefined) return true;
  if (inputs.bundle === undefined) return false;
  try {
    const json = JSON.parse(inputs.bundle.toString('utf8'));
    return isCosignLocalBundle(json) && !json.rekorBundle;
  } catch {
    return false;
  }
}

async function readLimited(file: string, max: number): Promise<Buffer> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!stat.isFile()) throw new Error(`${file} is not a file`);
  if (stat.size > max) throw new Error(`${file} is larger than ${Math.round(max / 1024 / 1024)} MiB`);
  return fs.readFile(file);
}

/** Lines for a terminal or an output channel. */
export function describeBlobReport(r: BlobReport): string[] {
  const lines: string[] = [];
  if (r.verdict === 'verified') {
    lines.push(`✓ ${r.file}: verified`);
  } else {
    lines.push(`✗ ${r.file}: ${r.verdict === 'error' ? 'not verified (error)' : 'not verified'} [${r.code}] ${r.reason}`);
  }
  if (r.sha256) lines.push(`  sha256: ${r.sha256}`);
  if (r.certificate) lines.push(`  certificate identity: ${r.certificate.subjectAlternativeNames.join(', ') || '(none)'}; issuer: ${r.certificate.issuer ?? '(none)'}; valid ${r.certificate.notBefore} to ${r.certificate.notAfter}`);
  else if (r.keyAlgorithm) lines.push(`  signed with a key (${r.keyAlgorithm})`);
  if (r.tlog) lines.push(`  transparency log: index ${r.tlog.logIndex}${r.tlog.integratedTime ? `, integrated ${r.tlog.integratedTime}` : ''} (${r.tlog.verified.join(', ')})`);
  if (r.rekor) lines.push(`  Rekor: ${r.rekor}`);
  for (const c of r.checksums) {
    if ('missing' in c) lines.push(`  ✗ ${c.file}: does not list this file`);
    else lines.push(`  ${c.ok ? '✓' : '✗'} ${c.algorithm} ${c.ok ? 'matches' : 'differs from'} ${c.file}`);
  }
  for (const c of r.checked) lines.push(`  · ${c}`);
  return lines;
}
