// `image-trust verify --images-from FILE …`: every image of a list (one per line, `#` comments) or of an SPDX SBOM
// (JSON or tag-value) verified with one key or keyless identity, a few at a time; one result per image; exit 0 when
// all verify, 1 when any does not, 2 on a usage error or when only network errors stand in the way.
import { readFileSync } from 'node:fs';
import { RegistryClient } from '../registry/client';
import { isLoopback } from '../registry/settings';
import { parseImageReference } from '../service/image/reference';
import { readImageList } from '../service/imageList/imageList';
import type { VerifyOutcome, VerifySpec } from '../verify/api';
import { verifyImage } from '../verify/verifyImage';
import { parseOptions, SignerArgs, signerOptions } from './options';

export const IMAGES_FROM_USAGE = `usage: image-trust verify --images-from FILE (--key F | --certificate-identity[-regexp] X --certificate-oidc-issuer[-regexp] Y)
                          [--insecure-ignore-tlog] [--insecure-ignore-sct] [--trusted-root F]
                          [--allow-insecure-registry] [--concurrency N] [--timeout SECONDS] [--format text|json]

FILE is a list of image references (one per line, # comments) or an SPDX SBOM (JSON or tag-value), whose container
images are read from their package URLs, names or SPDX IDs. One result per image; exits 0 when all verify, 1 when
any does not, 2 on a usage error or when the registries could not be reached.`;

interface Args extends SignerArgs {
  file?: string;
  concurrency: number;
  timeoutSeconds: number;
}

export function parseImagesFromArgs(argv: string[]): Args | string {
  const a: Args = { ignoreTlog: false, ignoreSct: false, allowInsecure: false, concurrency: 4, timeoutSeconds: 60, format: 'text' };
  const positive = (name: string, v: string, max: number) => {
    const n = Number(v);
    return Number.isInteger(n) && n >= 1 && n <= max ? n : `${name} takes a whole number from 1 to ${max}, not "${v}"`;
  };
  const signer = signerOptions(a);
  const error = parseOptions(argv, {
    valued: {
      ...signer.valued,
      '--images-from': (v) => void (a.file = v),
      '--concurrency': (v) => {
        const n = positive('--concurrency', v, 32);
        if (typeof n === 'string') return n;
        a.concurrency = n;
      },
      '--timeout': (v) => {
        const n = positive('--timeout', v, 3600);
        if (typeof n === 'string') return n;
        a.timeoutSeconds = n;
      },
    },
    flags: signer.flags,
    positional: (arg) => `--images-from takes no IMAGE argument, got "${arg}"`,
    unknown: (arg) => `unknown option "${arg}" (with --images-from: --key or --certificate-identity/--certificate-oidc-issuer; --policy and --type take one IMAGE)`,
  });
  if (error) return error;
  if (!a.file) return '--images-from needs a FILE';
  const keyless = !!(a.identity || a.identityRegexp || a.issuer || a.issuerRegexp);
  if (!!a.key === keyless) return 'verify --images-from needs exactly one of --key FILE, or --certificate-identity[-regexp] with --certificate-oidc-issuer[-regexp]';
  if (keyless && (!(a.identity || a.identityRegexp) || !(a.issuer || a.issuerRegexp))) {
    return 'keyless verification needs both --certificate-identity (or -regexp) and --certificate-oidc-issuer (or -regexp), as cosign does';
  }
  return a;
}

export interface ImageResult {
  image: string;
  /** 1-based line of the file the image was read from. */
  line: number;
  verdict: VerifyOutcome['verdict'] | 'invalid';
  digest?: string;
  summary: string;
  details: string[];
}

export async function verifyImagesFromCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(IMAGES_FROM_USAGE);
    return 0;
  }
  const args = parseImagesFromArgs(argv);
  const usage = (message: string) => {
    console.error(`image-trust: ${message}\n\n${IMAGES_FROM_USAGE}`);
    return 2;
  };
  if (typeof args === 'string') return usage(args);
  let text: string;
  let keyPem: string | undefined;
  let trustedRootJson: string | undefined;
  try {
    text = readFileSync(args.file!, 'utf8');
    if (args.key) keyPem = readFileSync(args.key, 'utf8');
    if (args.trustedRoot) trustedRootJson = readFileSync(args.trustedRoot, 'utf8');
  } catch (e) {
    console.error(`image-trust: cannot read ${(e as NodeJS.ErrnoException).path ?? ''}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return 2;
  }
  const list = readImageList(text);
  if (list.images.length === 0) return usage(`${args.file} lists no image${list.kind === 'list' ? '' : ` (read as ${list.kind})`}`);
  for (const item of list.images) {
    const ref = parseImageReference(item.reference);
    if (ref.ok && args.allowInsecure && !isLoopback(ref.domain ?? 'docker.io')) return usage(`--allow-insecure-registry is only allowed for loopback registries, and ${item.reference} is not on one`);
  }
  const spec: VerifySpec = keyPem !== undefined
    ? { kind: 'key', publicKeyPem: keyPem, ignoreTlog: args.ignoreTlog }
    : { kind: 'keyless', subject: args.identity, subjectRegExp: args.identityRegexp, issuer: args.issuer, issuerRegExp: args.issuerRegexp, ignoreTlog: args.ignoreTlog, ignoreSCT: args.ignoreSct };

  const registry = new RegistryClient({});
  const results = await mapLimited(list.images, args.concurrency, async (item): Promise<ImageResult> => {
    const base = { image: item.reference, line: item.line + 1 };
    if (item.invalid) return { ...base, verdict: 'invalid', summary: `✗ not an image reference: ${item.invalid}`, details: [] };
    const outcome = await verifyImage({ image: item.reference, spec, trustedRootJson }, { registry, signal: AbortSignal.timeout(args.timeoutSeconds * 1000) });
    return { ...base, verdict: outcome.verdict, digest: outcome.digest, summary: outcome.summary, details: [...outcome.details, ...outcome.findings.map((f) => `${f.ok ? '✓' : '✗'} ${f.source}${f.ok ? '' : `: ${f.reason}`}`)] };
  });

  const verified = results.filter((r) => r.verdict === 'verified').length;
  const notVerified = results.filter((r) => r.verdict === 'failed' || r.verdict === 'unsupported' || r.verdict === 'invalid').length;
  const errors = results.filter((r) => r.verdict === 'error').length;
  const code = verified === results.length ? 0 : notVerified > 0 ? 1 : 2;
  if (args.format === 'json') {
    process.stdout.write(JSON.stringify({ file: args.file, kind: list.kind, verified, notVerified, errors, results }, null, 2) + '\n');
  } else {
    for (const r of results) console.log(`${args.file}:${r.line}: ${r.image}${r.digest ? ` (${r.digest})` : ''}: ${r.summary}`);
    console.log(`\n${results.length} image(s): ${verified} verified, ${notVerified} not verified, ${errors} error(s)`);
  }
  return code;
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order of the results. */
export async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }));
  return out;
}
