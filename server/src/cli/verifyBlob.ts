// `image-trust verify-blob FILE …`: cosign verify-blob's inputs and exit codes (0 verified, 1 not, 2 usage or
// network error) on our verifier, plus checksum files and a JSON report.
import { BlobRequest, describeBlobReport, runBlobVerification } from '../verify/blob/run';
import { checkRekorUrl } from '../verify/blob/rekorClient';
import { parseOptions } from './options';

export const VERIFY_BLOB_USAGE = `usage: image-trust verify-blob FILE (--bundle F | --signature F (--certificate F [--certificate-chain F] | --key F))
                   [--certificate-identity X | --certificate-identity-regexp R]
                   [--certificate-oidc-issuer Y | --certificate-oidc-issuer-regexp R]
                   [--insecure-ignore-tlog] [--insecure-ignore-sct] [--offline] [--rekor-url URL]
                   [--trusted-root FILE] [--checksum FILE]... [--format text|json]

Verifies FILE as cosign verify-blob does. Exits 0 when verified, 1 when not, 2 on a usage or network error.
  --bundle F               a Sigstore bundle (v0.1-v0.3) or cosign's --bundle file
  --signature F            a detached signature (base64, as sign-blob writes it)
  --certificate F          the signing certificate (PEM, or base64 of PEM like Kubernetes' .cert files)
  --certificate-chain F    its issuers up to the root (PEM); trusted instead of the trusted root's CAs
  --key F                  a PEM public key
  --certificate-identity[-regexp], --certificate-oidc-issuer[-regexp]
                           required unless --key; exact strings are compared exactly, regexps are RE2
  --insecure-ignore-tlog   accept the signature without a transparency-log proof
  --offline                never touch the network; a detached signature then fails unless
                           --insecure-ignore-tlog (its log entry can only be looked up online)
  --rekor-url URL          where to look a detached signature's log entry up (default https://rekor.sigstore.dev)
  --trusted-root FILE      a trusted_root.json (private Sigstore); default: the public-good root
  --checksum FILE          a FILE.sha256/.sha512 or SHA256SUMS-style file FILE must match (repeatable)`;


interface Parsed { request: BlobRequest; format: 'text' | 'json' }

export function parseVerifyBlobArgs(argv: string[]): Parsed | string {
  const r: BlobRequest = { file: '', checksums: [] };
  const identity: NonNullable<BlobRequest['identity']> = {};
  let format: 'text' | 'json' = 'text';
  const valued: Record<string, (v: string) => string | void> = {
    '--bundle': (v) => void (r.bundle = v),
    '--signature': (v) => void (r.signature = v),
    '--certificate': (v) => void (r.certificate = v),
    '--certificate-chain': (v) => void (r.certificateChain = v),
    '--key': (v) => void (r.key = v),
    '--certificate-identity': (v) => void (identity.subject = v),
    '--certificate-identity-regexp': (v) => void (identity.subjectRegExp = v),
    '--certificate-oidc-issuer': (v) => void (identity.issuer = v),
    '--certificate-oidc-issuer-regexp': (v) => void (identity.issuerRegExp = v),
    '--rekor-url': (v) => {
      const ok = checkRekorUrl(v);
      if (!ok.ok) return ok.reason;
      r.rekorUrl = v;
    },
    '--trusted-root': (v) => void (r.trustedRoot = v),
    '--checksum': (v) => void r.checksums!.push(v),
    '--format': (v) => {
      if (v !== 'text' && v !== 'json') return `--format takes text or json, not "${v}"`;
      format = v;
    },
  };
  const flags: Record<string, () => void> = {
    '--insecure-ignore-tlog': () => (r.ignoreTlog = true),
    '--insecure-ignore-sct': () => (r.ignoreSCT = true),
    '--offline': () => (r.offline = true),
  };
  const error = parseOptions(argv, {
    valued,
    flags,
    positional: (arg) => (!r.file ? void (r.file = arg) : `verify-blob takes one FILE, got "${r.file}" and "${arg}"`),
  });
  if (error) return error;
  if (!r.file) return 'verify-blob needs a FILE';
  if (!!r.bundle === !!r.signature) return 'verify-blob needs exactly one of --bundle F or --signature F';
  if (r.signature && !r.certificate && !r.key) return '--signature needs --certificate F or --key F';
  if (r.certificateChain && !r.certificate && !r.bundle) return '--certificate-chain goes with --certificate (or a bundle)';
  if (r.key && r.certificate) return 'give --key or --certificate, not both';
  if (identity.subject && identity.subjectRegExp) return 'give --certificate-identity or --certificate-identity-regexp, not both';
  if (identity.issuer && identity.issuerRegExp) return 'give --certificate-oidc-issuer or --certificate-oidc-issuer-regexp, not both';
  const anyIdentity = !!(identity.subject || identity.subjectRegExp || identity.issuer || identity.issuerRegExp);
  if (r.key && anyIdentity) return 'with --key the signer is the key: drop --certificate-identity/--certificate-oidc-issuer';
  if (!r.key && (!(identity.subject || identity.subjectRegExp) || !(identity.issuer || identity.issuerRegExp))) {
    return 'certificate-based verification needs both --certificate-identity (or -regexp) and --certificate-oidc-issuer (or -regexp), as cosign does';
  }
  if (anyIdentity) r.identity = identity;
  if (r.offline && r.rekorUrl) return '--rekor-url has no use with --offline';
  return { request: r, format };
}

export async function verifyBlobCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(VERIFY_BLOB_USAGE);
    return 0;
  }
  const parsed = parseVerifyBlobArgs(argv);
  if (typeof parsed === 'string') {
    console.error(`image-trust: ${parsed}\n\n${VERIFY_BLOB_USAGE}`);
    return 2;
  }
  const report = await runBlobVerification(parsed.request);
  if (parsed.format === 'json') process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else for (const line of describeBlobReport(report)) console.log(line);
  return report.verdict === 'verified' ? 0 : report.verdict === 'error' ? 2 : 1;
}
