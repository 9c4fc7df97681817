// Starts the built language server (dist/server.js) for protocol tests, rebuilding it first when the
// bundle is missing or older than its sources (npm test builds first; this covers running mocha alone).
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, LspClientOptions } from '../support/lspClient';

export const ROOT = path.join(__dirname, '..', '..');
export const SERVER = path.join(ROOT, 'dist', 'server.js');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

let built = false;

/** Builds dist/ once per test run if any bundle is missing or older than server/src. */
export function ensureBuilt(): void {
  if (built) return;
  const sources = newestMtime(path.join(ROOT, 'server', 'src'));
  if (Math.min(mtime(SERVER), mtime(CLI)) < sources) {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'pipe' });
  }
  built = true;
}

/** A file URI inside a virtual workspace folder (the files need not exist on disk). */
export const WORKSPACE = pathToFileURL(path.join(ROOT, 'test', 'fixtures')).toString();
export function docUri(name: string): string {
  return `${WORKSPACE}/lsp/${name}`;
}

export async function startServer(options: Partial<LspClientOptions> = {}): Promise<LspClient> {
  ensureBuilt();
  return LspClient.start({
    command: process.execPath,
    args: [SERVER, '--stdio'],
    // As the VS Code client does: never a workspace folder (the fixtures live under ROOT).
    cwd: path.dirname(SERVER),
    workspaceFolders: [WORKSPACE],
    configuration: { imageTrust: {} },
    ...options,
  });
}

/** The text a range covers. */
export function textIn(text: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  const lines = text.split('\n');
  if (range.start.line === range.end.line) return lines[range.start.line].slice(range.start.character, range.end.character);
  return [
    lines[range.start.line].slice(range.start.character),
    ...lines.slice(range.start.line + 1, range.end.line),
    lines[range.end.line].slice(0, range.end.character),
  ].join('\n');
}
