// Shared by the bench sections: paths, the LSP client, statistics, machine-load checks and table output.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = join(ROOT, 'bench', 'out');
export const { LspClient } = await tsImport('../test/support/lspClient.ts', import.meta.url);

// ---------------------------------------------------------------------------------------------------
// Statistics

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
export const stats = (values) => ({ n: values.length, p50: percentile(values, 0.5), p95: percentile(values, 0.95), max: Math.max(...values) });
export const round = (x, digits = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------
// Machine load

function cpuTimes() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = line[3] + (line[4] ?? 0);
  return { idle, total: line.reduce((a, b) => a + b, 0) };
}

/** Fraction of all cores busy over `ms`. */
export async function busyFraction(ms = 500) {
  const a = cpuTimes();
  await sleep(ms);
  const b = cpuTimes();
  const total = b.total - a.total;
  return total > 0 ? 1 - (b.idle - a.idle) / total : 0;
}

let idleWait = true;
/** `--no-idle-wait`: measure at once, only noting how busy the machine was. */
export function setIdleWait(on) {
  idleWait = on;
}

/**
 * Waits (bounded) until the machine has been mostly idle for a second: other work on a shared machine
 * would otherwise be measured as ours or the peer's. Returns what was seen, for the report.
 */
export async function waitForIdle(label, { threshold = 0.2, timeoutMs = 45_000 } = {}) {
  if (!idleWait) return { label, busy: round(await busyFraction(300), 2), waitedMs: 0, idle: undefined };
  const started = Date.now();
  let busy = 1;
  let calm = 0;
  while (Date.now() - started < timeoutMs) {
    busy = await busyFraction(500);
    calm = busy < threshold ? calm + 1 : 0;
    if (calm >= 2) break;
  }
  const waitedMs = Date.now() - started;
  const idle = calm >= 2;
  if (!idle) console.log(`  (machine still ${Math.round(busy * 100)}% busy after ${waitedMs / 1000} s; measuring ${label} anyway)`);
  return { label, busy: round(busy, 2), waitedMs, idle };
}

/** The sentence under the tables about machine load, from every `waitForIdle` result of the run. */
export function loadNote(idle) {
  if (idle.length === 0) return '';
  const busy = idle.filter((i) => i.idle !== true);
  const seen = idle.map((i) => `${i.label} ${Math.round(i.busy * 100)}%`).join(', ');
  return !idleWait
    ? `Note: idle wait disabled; CPU busy before each phase: ${seen}.`
    : busy.length
      ? `Note: the machine was still busy before ${busy.map((b) => b.label).join(', ')} (${seen}); repeat the run on an idle machine before quoting these figures.`
      : 'The machine was idle (< 20% CPU for 1 s) before every phase.';
}

// ---------------------------------------------------------------------------------------------------
// LSP

/** Starts a server (`{command, args, configuration}`) with one workspace folder. */
export async function start(server, workspace) {
  const t0 = performance.now();
  const client = await LspClient.start({
    command: server.command,
    args: server.args,
    cwd: ROOT,
    workspaceFolders: [workspace],
    configuration: server.configuration,
  });
  const startupMs = performance.now() - t0;
  await sleep(300); // let the server finish its post-`initialized` settings pull before timing anything
  return { client, startupMs };
}

/** didOpen → first diagnostics for that document (satisfying `predicate`), in ms. */
export async function timeOpen(client, uri, text, predicate, timeoutMs = 60_000) {
  const published = client.waitForDiagnostics(uri, predicate, timeoutMs);
  const sent = performance.now();
  client.didOpen(uri, text);
  const d = await published;
  return { ms: d.receivedAt - sent, diagnostics: d.diagnostics };
}

export const hoverText = (h) => {
  const c = h?.contents;
  if (!c) return '';
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
  return c.value ?? '';
};

// ---------------------------------------------------------------------------------------------------
// Report

export const ms = (x) => (Number.isFinite(x) ? `${round(x)} ms` : '–');
export const ratio = (slow, fast) => (Number.isFinite(slow) && Number.isFinite(fast) && fast > 0 ? round(slow / fast, 1) : NaN);
export const times = (r) => (Number.isFinite(r) ? `${r}×` : '–');
export const mib = (kib) => (Number.isFinite(kib) ? `${round(kib / 1024, 0)} MiB` : '–');

export function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) => '| ' + r.map((cell, c) => String(cell).padEnd(widths[c])).join(' | ') + ' |';
  return [line(rows[0]), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.slice(1).map(line)].join('\n');
}

export function roundReplacer(_key, value) {
  return typeof value === 'number' && !Number.isInteger(value) ? round(value, 2) : value;
}
