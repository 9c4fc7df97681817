// What must hold for any text: answers stay inside the document, edits apply cleanly, and the worst time per
// operation is recorded so a run can report it.
import { strict as assert } from 'node:assert';

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }
export interface TextEdit { range: Range; newText: string }

/** The document's lines as an LSP client counts them (split at `\n`; a `\r` stays on its line). */
export function lineLengths(text: string): number[] {
  return text.split('\n').map((l) => l.length);
}

export function assertPosition(lengths: readonly number[], p: Position, what: string): void {
  assert.ok(Number.isInteger(p.line) && p.line >= 0 && p.line < lengths.length, `${what}: line ${p.line} of ${lengths.length}`);
  assert.ok(Number.isInteger(p.character) && p.character >= 0 && p.character <= lengths[p.line], `${what}: character ${p.character} of ${lengths[p.line]} on line ${p.line}`);
}

export function assertRange(lengths: readonly number[], r: Range, what: string): void {
  assertPosition(lengths, r.start, `${what} start`);
  assertPosition(lengths, r.end, `${what} end`);
  const ordered = r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character);
  assert.ok(ordered, `${what}: start ${JSON.stringify(r.start)} after end ${JSON.stringify(r.end)}`);
}

export function offsetOf(text: string, p: Position): number {
  let offset = 0;
  for (let line = 0; line < p.line; line++) offset = text.indexOf('\n', offset) + 1;
  return offset + p.character;
}

/** Applies edits the way LSP clients do: all against the original text, none overlapping. */
export function applyEdits(text: string, edits: readonly TextEdit[], what: string): string {
  const lengths = lineLengths(text);
  for (const e of edits) assertRange(lengths, e.range, `${what} edit`);
  const spans = edits.map((e) => ({ start: offsetOf(text, e.range.start), end: offsetOf(text, e.range.end), newText: e.newText }));
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < spans.length; i++) {
    assert.ok(spans[i].start >= spans[i - 1].end, `${what}: edits overlap at offsets ${spans[i - 1].start}-${spans[i - 1].end} and ${spans[i].start}-${spans[i].end}`);
  }
  let out = text;
  for (const s of [...spans].reverse()) out = out.slice(0, s.start) + s.newText + out.slice(s.end);
  return out;
}

/**
 * Worst time per operation over a run, with the input size it happened on, and the calls that broke the bound: a
 * fixed allowance plus time linear in the input (the fuzzer's largest texts are megabytes of documents), so what it
 * catches is superlinear work — an alias bomb expanded, a quadratic walk — not a slow shared machine.
 */
export class Timings {
  private readonly worst = new Map<string, { ms: number; bytes: number }>();
  readonly overruns: string[] = [];

  constructor(private readonly baseMs: number, private readonly msPerMegabyte: number) {}

  bound(bytes: number): number {
    return this.baseMs + (bytes / 1_000_000) * this.msPerMegabyte;
  }

  async time<T>(op: string, bytes: number, fn: () => T | Promise<T>): Promise<T> {
    const started = performance.now();
    const result = await fn();
    const ms = performance.now() - started;
    this.note(op, ms, bytes);
    // Fail the case itself, so fast-check prints the input that was slow.
    if (ms > this.bound(bytes)) throw new Error(`${op} took ${ms.toFixed(0)} ms on ${bytes} bytes (bound ${this.bound(bytes).toFixed(0)} ms)`);
    return result;
  }

  note(op: string, ms: number, bytes: number): void {
    if (ms > this.bound(bytes)) this.overruns.push(`${op} took ${ms.toFixed(0)} ms on ${bytes} bytes (bound ${this.bound(bytes).toFixed(0)} ms)`);
    const current = this.worst.get(op);
    if (!current || ms > current.ms) this.worst.set(op, { ms, bytes });
  }

  report(title: string): string {
    const rows = [...this.worst.entries()].sort(([a], [b]) => a.localeCompare(b));
    return [`${title} — worst time per operation:`, ...rows.map(([op, w]) => `  ${op.padEnd(14)} ${w.ms.toFixed(1).padStart(8)} ms  (on ${w.bytes.toLocaleString('en-US')} bytes)`)].join('\n');
  }
}

/** Fixed seed and run count for `npm test`; `npm run fuzz` (FUZZ_LONG=1) runs longer with FUZZ_SEED or a fresh seed. */
export function fuzzSettings(defaultRuns: number, longRuns: number): { seed: number; numRuns: number; long: boolean } {
  const long = process.env.FUZZ_LONG === '1';
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : long ? Date.now() % 2 ** 31 : 20261202;
  const numRuns = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : long ? longRuns : defaultRuns;
  return { seed, numRuns, long };
}
