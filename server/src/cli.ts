// Headless CLI over the same language service: `image-trust check PATH... [--format text|json]`.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { getLanguageService } from './service/languageService';
import { defaultSettings } from './service/settings';
import { Diagnostic, Severity, severityNames } from './service/types';

const USAGE = `usage: image-trust check PATH... [--format text|json]

Checks Kyverno image-verification policies (and the manifests they guard) in files and folders.
Exits 1 when an error is found, 2 on a usage error.`;

const MAX_FILE_BYTES = 16 * 1024 * 1024;

interface Finding { file: string; diagnostic: Diagnostic }

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command !== 'check') return usage(`unknown command "${command}"`);
  let format: 'text' | 'json' = 'text';
  const paths: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--format') {
      const v = rest[++i];
      if (v !== 'text' && v !== 'json') return usage(`--format takes text or json, not "${v ?? ''}"`);
      format = v;
    } else if (a.startsWith('--format=')) {
      const v = a.slice('--format='.length);
      if (v !== 'text' && v !== 'json') return usage(`--format takes text or json, not "${v}"`);
      format = v;
    } else if (a.startsWith('-')) {
      return usage(`unknown option "${a}"`);
    } else paths.push(a);
  }
  if (paths.length === 0) return usage('check needs at least one PATH');

  const files: string[] = [];
  for (const p of paths) {
    try {
      await collect(p, files);
    } catch (err) {
      console.error(`image-trust: cannot read ${p}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return 2;
    }
  }
  const service = getLanguageService();
  const findings: Finding[] = [];
  for (const file of files) {
    const stat = await fs.stat(file);
    if (stat.size > MAX_FILE_BYTES) {
      console.error(`image-trust: skipped ${file}: larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
      continue;
    }
    const text = await fs.readFile(file, 'utf8');
    const parsed = service.parse(pathToFileURL(path.resolve(file)).toString(), text);
    for (const diagnostic of service.doValidation(parsed, defaultSettings)) findings.push({ file, diagnostic });
  }
  if (format === 'json') printJson(findings);
  else printText(findings, files.length);
  return findings.some((f) => f.diagnostic.severity === Severity.Error) ? 1 : 0;
}

function usage(message: string): number {
  console.error(`image-trust: ${message}\n\n${USAGE}`);
  return 2;
}

async function collect(p: string, out: string[]): Promise<void> {
  const stat = await fs.stat(p);
  if (stat.isFile()) {
    out.push(p);
    return;
  }
  if (!stat.isDirectory()) return;
  const entries = (await fs.readdir(p, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const full = path.join(p, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && !e.name.startsWith('.')) await collect(full, out);
    } else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(full);
  }
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

function printText(findings: Finding[], fileCount: number): void {
  for (const { file, diagnostic: d } of findings) {
    const { line, character } = d.range.start;
    console.log(`${file}:${line + 1}:${character + 1}: ${severityNames[d.severity]} [${d.code}] ${d.message}`);
  }
  const count = (s: Severity) => findings.filter((f) => f.diagnostic.severity === s).length;
  console.log(
    `\n${fileCount} file(s) checked: ${count(Severity.Error)} error(s), ${count(Severity.Warning)} warning(s), ` +
      `${count(Severity.Information) + count(Severity.Hint)} note(s)`,
  );
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`image-trust: ${(err as Error).stack ?? err}`);
    process.exit(2);
  },
);
