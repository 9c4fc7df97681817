// Headless CLI over the same language service: `image-trust check PATH... [--format text|json|sarif]`, and live
// verification of an image's signatures: `image-trust verify IMAGE (--key|--policy|--certificate-identity) …`.
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { pathToFileURL } from 'node:url';
import { getLanguageService } from './service/languageService';
import { PolicyIndex } from './service/workspace/policyIndex';
import type { YamlFile } from './service/document/yamlFile';
import { defaultSettings } from './service/settings';
import { Diagnostic, Severity, severityNames } from './service/types';
import { RegistryClient } from './registry/client';
import { combineVerdicts, DEFAULT_RUN_SETTINGS, VerificationRunner } from './verify/run';
import { defaultTrustCacheDir, TrustSource } from './verify/trustSource';
import { isLoopback } from './registry/settings';
import { parseImageReference } from './service/image/reference';
import type { VerifyOutcome, VerifySpec } from './verify/api';
import { verifyImage } from './verify/verifyImage';
import { listEntries, matchImage, planFromPolicy } from './verify/policySpec';
import { allRules } from './service/rules';
import { toSarif } from './report/sarif';
import { CLI_LIMITS, walkWorkspace, WalkReport } from './workspaceWalker';
import { verifyBlobCommand } from './cli/verifyBlob';
import { verifyImagesFromCommand } from './cli/imagesFrom';
import { parseOptions, SignerArgs, signerOptions } from './cli/options';

const USAGE = `usage: image-trust check PATH... [--format text|json|sarif] [--docs-url URL]
       image-trust verify IMAGE (--key FILE | --policy FILE [--rule NAME]
                                 | --certificate-identity X --certificate-oidc-issuer Y) [options]
       image-trust verify --images-from FILE (--key FILE | --certificate-identity X --certificate-oidc-issuer Y) [options]
       image-trust verify-blob FILE (--bundle F | --signature F (--certificate F | --key F)) [options]
                                 (image-trust verify-blob --help lists them)

check   Checks Kyverno image-verification policies (and the manifests they guard) in files and folders.
        Exits 1 when an error is found, 2 on a usage error. --format sarif writes SARIF 2.1.0 (GitHub code
        scanning); its rules link to --docs-url (default: the docs/rules.md shipped with the CLI).

verify  Verifies the image's cosign signatures (or attestations with --type) in its registry, as cosign and
        Kyverno would. Exits 0 when verified, 1 when not, 2 on a usage or network error (a rule that
        definitely fails outranks another rule's network error).
  --key FILE                    a PEM public key (several PEM keys: any one may sign)
  --policy FILE [--rule NAME]   the verifyImages entries of a Kyverno policy that apply to IMAGE
  --certificate-identity X, --certificate-identity-regexp R
  --certificate-oidc-issuer Y, --certificate-oidc-issuer-regexp R
                                keyless: the signing certificate's identity, matched exactly as cosign does
  --type URI                    verify attestations of this predicate type instead of signatures
  -a, --annotation KEY=VALUE    with --key: annotations the signature must carry
  --insecure-ignore-tlog        accept signatures without a transparency-log entry (--key, keyless);
                                with --policy the attestor's rekor.ignoreTlog decides
  --insecure-ignore-sct         keyless: accept certificates without an SCT
  --trusted-root FILE           a trusted_root.json (private Sigstore); default: the public-good root
  --allow-insecure-registry     plain HTTP to the registry; only loopback registries (as for pinning)
  --format text|json`;

interface Finding { file: string; diagnostic: Diagnostic }

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'verify' && rest.some((a) => a === '--images-from' || a.startsWith('--images-from='))) return verifyImagesFromCommand(rest);
  if (command === 'verify') return verifyCommand(rest);
  if (command === 'verify-blob') return verifyBlobCommand(rest);
  if (command !== 'check') return usage(`unknown command "${command}"`);
  let format: CheckFormat = 'text';
  let docsUrl = bundledDocsUrl();
  const paths: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--format' || a.startsWith('--format=')) {
      const v = a === '--format' ? rest[++i] : a.slice('--format='.length);
      if (!isCheckFormat(v)) return usage(`--format takes text, json or sarif, not "${v ?? ''}"`);
      format = v;
    } else if (a === '--docs-url' || a.startsWith('--docs-url=')) {
      const v = a === '--docs-url' ? rest[++i] : a.slice('--docs-url='.length);
      if (!v || !URL.canParse(v)) return usage(`--docs-url takes an absolute URL, not "${v ?? ''}"`);
      docsUrl = v;
    } else if (a.startsWith('-')) {
      return usage(`unknown option "${a}"`);
    } else paths.push(a);
  }
  if (paths.length === 0) return usage('check needs at least one PATH');

  const files: string[] = [];
  const skipped: Finding[] = [];
  for (const p of paths) {
    try {
      const found = await collect(p);
      files.push(...found.files);
      for (const { file, size } of found.tooLarge) {
        // A file nobody checked must not look like a file that passed: an error finding, and a line on stderr.
        const message = `not checked: the file is ${size} bytes, larger than the ${CLI_LIMITS.maxFileBytes / 1024 / 1024} MiB a file may have`;
        console.error(`image-trust: skipped ${file}: ${message}`);
        skipped.push({ file, diagnostic: fileSkipped(message) });
      }
      for (const line of found.notes) console.error(`image-trust: ${p}: ${line}`);
    } catch (err) {
      console.error(`image-trust: cannot read ${p}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return 2;
    }
  }
  const memory = await memoryShortfall(files);
  if (memory) {
    console.error(`image-trust: ${memory}`);
    return 2;
  }
  // Two passes: index every checked file first, so manifests are judged against all the policies given
  // (coverage diagnostics), then validate.
  const index = new PolicyIndex();
  const service = getLanguageService({ policyIndex: index });
  const parsed: { file: string; yaml: YamlFile }[] = [];
  for (const file of files) {
    const yaml = service.parse(pathToFileURL(path.resolve(file)).toString(), await fs.readFile(file, 'utf8'));
    index.update(yaml.uri, yaml);
    parsed.push({ file, yaml });
  }
  const findings: Finding[] = [...skipped];
  for (const { file, yaml } of parsed) {
    const diagnostics = service.doValidation(yaml, defaultSettings).sort(byPosition);
    for (const diagnostic of diagnostics) findings.push({ file, diagnostic });
  }
  if (format === 'json') printJson(findings);
  else if (format === 'sarif') printSarif(findings, docsUrl);
  else printText(findings, parsed.length, skipped.length);
  return findings.some((f) => f.diagnostic.severity === Severity.Error) ? 1 : 0;
}

function fileSkipped(message: string): Diagnostic {
  const start = { line: 0, character: 0 };
  return { range: { start, end: start }, severity: Severity.Error, code: 'file-too-large', source: 'image-trust', message };
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

function usage(message: string): number {
  console.error(`image-trust: ${message}\n\n${USAGE}`);
  return 2;
}

/** The YAML files a PATH names (a file as given; a folder walked, skipping node_modules and hidden folders). */
async function collect(p: string): Promise<{ files: string[]; tooLarge: { file: string; size: number }[]; notes: string[] }> {
  const stat = await fs.stat(p);
  if (stat.isFile()) {
    return stat.size > CLI_LIMITS.maxFileBytes ? { files: [], tooLarge: [{ file: p, size: stat.size }], notes: [] } : { files: [p], tooLarge: [], notes: [] };
  }
  if (!stat.isDirectory()) return { files: [], tooLarge: [], notes: [] };
  const report = new WalkReport(CLI_LIMITS);
  const files: string[] = [];
  const walk = walkWorkspace([p], { accept: (name) => /\.ya?ml$/i.test(name), limits: CLI_LIMITS, report, skipDir: (name) => name === 'node_modules' || name.startsWith('.') });
  for await (const { file } of walk) files.push(file);
  const tooLarge = await Promise.all(report.tooLarge.map(async (file) => ({ file, size: (await fs.stat(file)).size })));
  return { files, tooLarge, notes: report.tooDeep ? report.describe('YAML files').filter((l) => l.startsWith('Did not enter')) : [] };
}

/**
 * Every checked file stays parsed until the end (manifests are judged against all the policies), at about 30 bytes
 * of heap per byte of YAML (measured on 1 MB policies). Inputs that cannot fit Node's heap are refused up front with
 * a way out, instead of V8 aborting half-way with "heap out of memory".
 */
const HEAP_BYTES_PER_YAML_BYTE = 30;

async function memoryShortfall(files: string[]): Promise<string | undefined> {
  let total = 0;
  for (const file of files) total += (await fs.stat(file)).size;
  const { heap_size_limit: limit, used_heap_size: used } = getHeapStatistics();
  const needed = used + total * HEAP_BYTES_PER_YAML_BYTE;
  if (needed <= limit * 0.9) return undefined;
  const mib = (n: number) => Math.ceil(n / 1024 / 1024);
  return `${files.length} file(s), ${mib(total)} MiB of YAML, need about ${mib(needed)} MiB of memory to check together, ` +
    `more than this Node process may use (${mib(limit)} MiB). Check fewer files at a time, or allow more memory: ` +
    `NODE_OPTIONS=--max-old-space-size=${Math.ceil(mib(needed) / 0.9 / 512) * 512}.`;
}

type CheckFormat = 'text' | 'json' | 'sarif';
const isCheckFormat = (v: string | undefined): v is CheckFormat => v === 'text' || v === 'json' || v === 'sarif';

/** docs/rules.md as shipped next to dist/ (the VSIX and a clone alike); `--docs-url` points elsewhere. */
function bundledDocsUrl(): string {
  return pathToFileURL(path.join(__dirname, '..', 'docs', 'rules.md')).toString();
}

function packageVersion(): string {
  for (const dir of [path.join(__dirname, '..'), path.join(__dirname, '..', '..')]) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      if (pkg.name === 'image-trust' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here; try the next candidate
    }
  }
  return '0.0.0';
}

function printSarif(findings: Finding[], docsUrl: string): void {
  const log = toSarif(findings, { rules: allRules, docsUrl, baseDir: process.cwd(), version: packageVersion() });
  process.stdout.write(JSON.stringify(log, null, 2) + '\n');
}

function printJson(findings: Finding[]): void {
  const rows = findings.map(({ file, diagnostic: d }) => ({
    file,
    range: d.range,
    severity: severityNames[d.severity],
    code: d.code,
    message: d.message,
  }));
  process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
}

function printText(findings: Finding[], fileCount: number, skippedCount: number): void {
  for (const { file, diagnostic: d } of findings) {
    const { line, character } = d.range.start;
    console.log(`${file}:${line + 1}:${character + 1}: ${severityNames[d.severity]} [${d.code}] ${d.message}`);
  }
  const count = (s: Severity) => findings.filter((f) => f.diagnostic.severity === s).length;
  console.log(
    `\n${fileCount} file(s) checked${skippedCount ? `, ${skippedCount} skipped` : ''}: ${count(Severity.Error)} error(s), ${count(Severity.Warning)} warning(s), ` +
      `${count(Severity.Information) + count(Severity.Hint)} note(s)`,
  );
}

// ---- verify --------------------------------------------------------------------------------------------

interface VerifyArgs extends SignerArgs {
  image?: string;
  policy?: string;
  rule?: string;
  type?: string;
  annotations: Record<string, string>;
}

function parseVerifyArgs(argv: string[]): VerifyArgs | string {
  const a: VerifyArgs = { annotations: {}, ignoreTlog: false, ignoreSct: false, allowInsecure: false, format: 'text' };
  const signer = signerOptions(a);
  const annotation = (v: string) => {
    const eq = v.indexOf('=');
    if (eq <= 0) return `--annotation takes KEY=VALUE, not "${v}"`;
    a.annotations[v.slice(0, eq)] = v.slice(eq + 1);
    return undefined;
  };
  const error = parseOptions(argv, {
    valued: {
      ...signer.valued,
      '--policy': (v) => void (a.policy = v),
      '--rule': (v) => void (a.rule = v),
      '--type': (v) => void (a.type = v),
      '--annotation': annotation,
      '-a': annotation,
    },
    flags: signer.flags,
    positional: (arg) => (a.image === undefined ? void (a.image = arg) : `verify takes one IMAGE, got "${a.image}" and "${arg}"`),
  });
  if (error) return error;
  if (!a.image) return 'verify needs an IMAGE';
  const modes = [a.key !== undefined, a.policy !== undefined, !!(a.identity || a.identityRegexp || a.issuer || a.issuerRegexp)].filter(Boolean).length;
  if (modes !== 1) return 'verify needs exactly one of --key FILE, --policy FILE, or --certificate-identity[-regexp] with --certificate-oidc-issuer[-regexp]';
  if (!a.key && !a.policy && (!(a.identity || a.identityRegexp) || !(a.issuer || a.issuerRegexp))) {
    return 'keyless verification needs both --certificate-identity (or -regexp) and --certificate-oidc-issuer (or -regexp), as cosign does';
  }
  if (a.rule !== undefined && !a.policy) return '--rule only goes with --policy';
  if (a.policy && (a.type || Object.keys(a.annotations).length || a.ignoreTlog)) return 'with --policy, the policy decides types, annotations and ignoreTlog; drop --type/--annotation/--insecure-ignore-tlog';
  return a;
}

async function verifyCommand(argv: string[]): Promise<number> {
  const args = parseVerifyArgs(argv);
  if (typeof args === 'string') return usage(args);
  const image = args.image!;
  const ref = parseImageReference(image);
  if (!ref.ok) return usage(`"${image}" is not a valid image reference: ${ref.error}`);
  const host = ref.domain ?? 'docker.io';
  if (args.allowInsecure && !isLoopback(host)) return usage(`--allow-insecure-registry is only allowed for loopback registries (localhost, 127.0.0.1, [::1]), not ${host}`);

  const read = (file: string, what: string): string | undefined => {
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      console.error(`image-trust: cannot read the ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return undefined;
    }
  };
  const trustedRootJson = args.trustedRoot ? read(args.trustedRoot, 'trusted root') : undefined;
  if (args.trustedRoot && trustedRootJson === undefined) return 2;

  const specs: { label: string; spec: VerifySpec }[] = [];
  const early: (VerifyOutcome & { label: string })[] = [];
  if (args.key !== undefined) {
    const pem = read(args.key, 'key');
    if (pem === undefined) return 2;
    specs.push({
      label: `--key ${args.key}`,
      spec: args.type
        ? { kind: 'attestation', type: args.type, publicKeyPem: pem, ignoreTlog: args.ignoreTlog }
        : { kind: 'key', publicKeyPem: pem, ignoreTlog: args.ignoreTlog, annotations: Object.keys(args.annotations).length ? args.annotations : undefined },
    });
  } else if (args.policy !== undefined) {
    const text = read(args.policy, 'policy');
    if (text === undefined) return 2;
    const uri = pathToFileURL(path.resolve(args.policy)).toString();
    const entries = listEntries(uri, text).filter((e) => args.rule === undefined || e.ruleName === args.rule);
    if (entries.length === 0) return usage(args.rule ? `the policy has no verifyImages rule named "${args.rule}"` : 'the policy has no verifyImages entries');
    for (const e of entries) {
      const plan = planFromPolicy(uri, text, e.ruleIndex, e.entryIndex, e.docIndex);
      const label = `rule ${e.ruleName ?? e.ruleIndex} verifyImages[${e.entryIndex}]`;
      if (plan.ok && !matchImage(plan.plan, image).applies) {
        const m = matchImage(plan.plan, image);
        early.push({ label, image, verdict: 'unsupported', summary: `✗ ${!m.applies ? m.reason : ''}`, details: [], findings: [], unchecked: [] });
        continue;
      }
      specs.push({ label, spec: { kind: 'policy-entry', policyUri: uri, policyText: text, ruleIndex: e.ruleIndex, entryIndex: e.entryIndex, docIndex: e.docIndex } });
    }
  } else {
    specs.push({
      label: 'keyless',
      spec: args.type
        ? { kind: 'attestation', type: args.type, keyless: { subject: args.identity, issuer: args.issuer }, ignoreTlog: args.ignoreTlog }
        : { kind: 'keyless', subject: args.identity, subjectRegExp: args.identityRegexp, issuer: args.issuer, issuerRegExp: args.issuerRegexp, ignoreTlog: args.ignoreTlog, ignoreSCT: args.ignoreSct },
    });
  }

  // The editor's runner: same limit, timeout and trusted root (the TUF-refreshed public-good root unless
  // --trusted-root is given), and the same way of combining verdicts.
  let trust: TrustSource | undefined;
  const runner = new VerificationRunner({ loadEngine: () => ({ engine: verifyImage }), trust: () => (trust ??= new TrustSource({ cacheDir: defaultTrustCacheDir() })) });
  const outcomes = await runner.runAll(
    specs.map(({ spec }) => ({ image, spec, trustedRootJson })),
    { registry: new RegistryClient({}), settings: DEFAULT_RUN_SETTINGS, fresh: true },
  );
  const results: (VerifyOutcome & { label: string })[] = outcomes.map((o, i) => ({ label: specs[i].label, ...o }));
  // No applicable entry at all: the policy says nothing about this image.
  if (results.length === 0) results.push(...early);

  const verdict = combineVerdicts(results.map((r) => r.verdict));
  const digest = results.find((r) => r.digest)?.digest;
  if (args.format === 'json') {
    process.stdout.write(JSON.stringify({ image, digest, verdict, results }, null, 2) + '\n');
  } else {
    console.log(`${image}${digest ? ` (${digest})` : ''}`);
    for (const r of results) {
      console.log(`${r.label}: ${r.summary}`);
      for (const f of r.findings) console.log(`  ${f.ok ? '✓' : '✗'} ${f.source}${f.ok ? ` satisfies ${f.satisfied}` : `: ${f.reason}`}`);
      for (const u of r.unchecked) console.log(`  ? not checked: ${u}`);
      for (const d of r.details) console.log(`    ${d}`);
    }
  }
  return verdict === 'verified' ? 0 : verdict === 'error' ? 2 : 1;
}

/**
 * Exits once stdout and stderr have handed over everything written to them. On a pipe both are asynchronous,
 * and process.exit() right after a large write would drop what the reader has not taken yet.
 */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  let open = 2;
  const flushed = () => {
    if (--open === 0) process.exit(code);
  };
  for (const stream of [process.stdout, process.stderr]) {
    // A reader that went away (`| head`) is no reason to crash; what could be delivered was.
    stream.on('error', () => process.exit(code));
    stream.write('', flushed);
  }
}

main(process.argv.slice(2)).then(exitWhenFlushed, (err) => {
  console.error(`image-trust: ${(err as Error).stack ?? err}`);
  exitWhenFlushed(2);
});
