// The "Image Trust" output channel: every verification outcome the server reports, with its findings, so a
// one-line lens or message can point somewhere for the whole story.
import * as vscode from 'vscode';
import type { VerificationResultParams } from './protocol';

export class VerificationOutput implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Image Trust');

  write(result: VerificationResultParams): void {
    for (const line of formatResult(result, new Date())) this.channel.appendLine(line);
  }

  log(line: string): void {
    this.channel.appendLine(line);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

/** The lines written for one outcome (exported for tests and reuse). */
export function formatResult(result: VerificationResultParams, at: Date): string[] {
  const o = result.outcome;
  const lines = [
    `[${at.toISOString()}] ${result.image} against ${result.against}${result.uri ? ` (${result.uri})` : ''}`,
    `  ${o.verdict.toUpperCase()}: ${o.summary}`,
  ];
  if (o.digest) lines.push(`  digest: ${o.digest}`);
  for (const d of o.details) lines.push(`  ${d}`);
  for (const f of o.findings) {
    lines.push(`  ${f.ok ? '✓' : '✗'} ${f.source}${f.ok && f.satisfied ? ` satisfies ${f.satisfied}` : ''}${!f.ok && f.reason ? `: ${f.reason}` : ''}`);
  }
  for (const u of o.unchecked) lines.push(`  not checked from the editor: ${u}`);
  lines.push('');
  return lines;
}
