// The "repository" section: a workspace shaped like a real repository — one folder holding the generated
// 2,000-line policy, a broken copy of it, the 15,000-line manifest and a broken copy — opened cold, so each
// server's workspace scan (ours indexes every YAML file for coverage) runs while the user starts typing.
// The edits are the ones people make all day: one character appended to a `name:` line (renaming a rule,
// a policy or a container), one keystroke at a time, incremental sync. Both servers, same client, same run.
// These are the numbers the speed-and-memory work is judged by; the targets are printed with them.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { replaceLine } from './generate.mjs';
import { LspClient, mib, ms, OUT, ratio, ROOT, sleep, stats, times, waitForIdle } from './lib.mjs';

export const NAME_EDITS = 30;

/** Targets of the speed-and-memory issue, as `[label, value getter, limit, unit]`. */
const TARGETS = [
  ['policy: edit → diagnostics p95 ≤ 20 ms', (r) => r.policy.edit.p95, 20, 'ms'],
  ['policy: completion right after an edit p95 ≤ 10 ms', (r) => r.policy.completionAfterEdit.p95, 10, 'ms'],
  ['policy: cold didOpen → diagnostics ≤ 100 ms (scan running)', (r) => r.policy.coldOpenMs, 100, 'ms'],
  ['policy: server peak RSS ≤ 120 MiB', (r) => r.policy.memory?.peakRssKiB / 1024, 120, 'MiB'],
  ['manifest: edit → diagnostics p95 ≤ 30 ms', (r) => r.manifest.edit.p95, 30, 'ms'],
  ['manifest: close + re-open → diagnostics ≤ 150 ms', (r) => r.manifest.reopenMs, 150, 'ms'],
  ['manifest: server peak RSS ≤ 200 MiB', (r) => r.manifest.memory?.peakRssKiB / 1024, 200, 'MiB'],
];

/** Lines of the form `name: x` / `- name: x` (a plain scalar), where appending a character renames something. */
function nameLines(text, count) {
  const lines = text.split('\n');
  const sites = [];
  lines.forEach((l, i) => {
    if (/^\s*(- )?name: [A-Za-z0-9.-]+\s*$/.test(l)) sites.push({ line: i, character: l.trimEnd().length });
  });
  if (sites.length < count) throw new Error(`only ${sites.length} name: lines in the bench input`);
  const step = sites.length / count;
  return Array.from({ length: count }, (_, k) => sites[Math.floor(k * step)]);
}

/** Writes the repository folder: the policy and manifest, each with a broken copy. */
export function prepareRepository(files) {
  const dir = join(OUT, 'repository');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The manifest's broken copy: a syntax error near the top and an invalid image reference further down.
  let brokenManifest = replaceLine(files.manifest.text, 3, (l) => `${l}\n  : bad`);
  const imageLine = brokenManifest.split('\n').findIndex((l, i) => i > 1000 && /^\s*image: /.test(l));
  brokenManifest = replaceLine(brokenManifest, imageLine, (l) => l.replace(/image: .*/, 'image: Registry.Example/UPPER:tag'));
  writeFileSync(join(dir, 'bench-policy.yaml'), files.policy.text);
  writeFileSync(join(dir, 'bench-policy-broken.yaml'), files.injected.text);
  writeFileSync(join(dir, 'bench-manifests.yaml'), files.manifest.text);
  writeFileSync(join(dir, 'bench-manifests-broken.yaml'), brokenManifest);
  const workspace = pathToFileURL(dir).toString();
  return {
    workspace,
    uri: (name) => `${workspace}/${name}`,
    policy: files.policy.text,
    manifest: files.manifest.text,
    completion: files.completion,
    policyNames: nameLines(files.policy.text, NAME_EDITS),
    manifestNames: nameLines(files.manifest.text, NAME_EDITS),
  };
}

/** A cold server: the client returns as soon as `initialized` is sent, with no settling pause. */
async function startCold(server, workspace) {
  return LspClient.start({ command: server.command, args: server.args, cwd: ROOT, workspaceFolders: [workspace], configuration: server.configuration });
}

/** The publish that answers version `v` (servers that omit the version: the next publish). */
const answers = (v) => (p) => p.version === undefined || p.version === null || p.version >= v;

/** didOpen → diagnostics of that version. */
async function openTimed(client, uri, text) {
  const published = client.waitForDiagnostics(uri, answers(1), 60_000);
  const sent = performance.now();
  client.didOpen(uri, text);
  const d = await published;
  return { ms: d.receivedAt - sent, diagnostics: d.diagnostics.length };
}

/** Appends a character to each `name:` line in turn and times edit → diagnostics (and optionally a completion right after). */
async function nameEdits(client, uri, sites, completionAt) {
  const edits = [];
  const completions = [];
  for (const site of sites) {
    const at = { line: site.line, character: site.character };
    let version = Infinity; // set by replace() below, before any publish can be handled
    const published = client.waitForDiagnostics(uri, (p) => answers(version)(p), 20_000);
    const sent = performance.now();
    version = client.replace(uri, { start: at, end: at }, 'x');
    if (completionAt) {
      const t0 = performance.now();
      await client.completionItems(uri, completionAt);
      completions.push(performance.now() - t0);
    }
    const d = await published;
    edits.push(d.receivedAt - sent);
    await sleep(30); // a pause between keystrokes, as when typing
  }
  return { edit: stats(edits), completionAfterEdit: completions.length ? stats(completions) : undefined };
}

async function policyScenario(server, repo) {
  const client = await startCold(server, repo.workspace);
  try {
    const uri = repo.uri('bench-policy.yaml');
    const cold = await openTimed(client, uri, repo.policy);
    const idle = await waitForIdle(`${server.name} repository policy`);
    const { edit } = await nameEdits(client, uri, repo.policyNames);
    // Completion right after an edit: the same keystrokes again on the now-renamed lines, each followed at
    // once by a completion request inside a verifyImages entry.
    const again = repo.policyNames.map((s) => ({ line: s.line, character: s.character + 1 }));
    const { completionAfterEdit } = await nameEdits(client, uri, again, repo.completion);
    return { coldOpenMs: cold.ms, coldDiagnostics: cold.diagnostics, edit, completionAfterEdit, memory: client.memory(), idle };
  } finally {
    await client.stop();
  }
}

async function manifestScenario(server, repo) {
  const client = await startCold(server, repo.workspace);
  try {
    const uri = repo.uri('bench-manifests.yaml');
    const cold = await openTimed(client, uri, repo.manifest);
    const idle = await waitForIdle(`${server.name} repository manifest`);
    const { edit } = await nameEdits(client, uri, repo.manifestNames);
    client.didClose(uri);
    await sleep(200);
    const reopen = await openTimed(client, uri, repo.manifest);
    return { coldOpenMs: cold.ms, coldDiagnostics: cold.diagnostics, edit, reopenMs: reopen.ms, memory: client.memory(), idle };
  } finally {
    await client.stop();
  }
}

export async function measureRepository(server, repo) {
  return { server: server.name, policy: await policyScenario(server, repo), manifest: await manifestScenario(server, repo) };
}

export function summariseRepository(ours, peer) {
  const rows = [['repository workspace (policy + broken copy, manifest + broken copy)', peer?.server ?? 'peer', 'image-trust', 'peer ÷ image-trust']];
  const row = (label, get, fmt = ms) => {
    const o = ours ? get(ours) : NaN;
    const p = peer ? get(peer) : NaN;
    rows.push([label, fmt(p), fmt(o), times(ratio(p, o))]);
  };
  row('policy: cold didOpen → diagnostics (scan running)', (r) => r.policy.coldOpenMs);
  row(`policy: 1-char edit on a name: line → diagnostics, p50`, (r) => r.policy.edit.p50);
  row(`policy: 1-char edit on a name: line → diagnostics, p95`, (r) => r.policy.edit.p95);
  row('policy: completion right after an edit, p95', (r) => r.policy.completionAfterEdit.p95);
  row('policy: server peak RSS', (r) => r.policy.memory?.peakRssKiB, mib);
  row('manifest: cold didOpen → diagnostics', (r) => r.manifest.coldOpenMs);
  row('manifest: 1-char edit → diagnostics, p50', (r) => r.manifest.edit.p50);
  row('manifest: 1-char edit → diagnostics, p95', (r) => r.manifest.edit.p95);
  row('manifest: close + re-open → diagnostics', (r) => r.manifest.reopenMs);
  row('manifest: server peak RSS', (r) => r.manifest.memory?.peakRssKiB, mib);
  const targets = ours
    ? TARGETS.map(([label, get, limit, unit]) => {
        const value = get(ours);
        return { label, value: Math.round(value * 10) / 10, unit, limit, ok: Number.isFinite(value) && value <= limit };
      })
    : [];
  return { rows, targets };
}
