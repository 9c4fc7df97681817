// The "manifest with coverage" section: a workspace of 200 verification policies (+ one registry
// restriction) and the 15,000-line manifest. Image Trust indexes the policies on disk in the background and
// then reports, per container image, whether a verifyImages rule covers it (`image-not-covered`) and whether
// a validate rule allows its registry (`image-registry-not-allowed`); its image hover lists the covering
// rules. yaml-language-server has no such feature: it is measured on the same open/edit/hover with no
// Kubernetes schema, i.e. for what it does on this file (YAML syntax only).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { generateCoveragePolicies, generateManifests, generateRegistryPolicy, imageSites } from './generate.mjs';
import { hoverText, ms, mib, OUT, ratio, sleep, start, stats, timeOpen, times, waitForIdle } from './lib.mjs';

export const POLICY_COUNT = 200;
const NOT_COVERED = 'image-not-covered';
const REGISTRY = 'image-registry-not-allowed';

/** Writes the workspace folder and works out where the bench edits and hovers. */
export function prepareCoverageWorkspace(manifest = generateManifests(15_000)) {
  const dir = join(OUT, 'coverage');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'policies'), { recursive: true });
  mkdirSync(join(dir, 'manifests'), { recursive: true });
  const policies = generateCoveragePolicies(POLICY_COUNT);
  for (const p of policies) writeFileSync(join(dir, 'policies', p.name), p.text);
  writeFileSync(join(dir, 'policies', 'restrict-registries.yaml'), generateRegistryPolicy());
  writeFileSync(join(dir, 'manifests', 'bench-manifests.yaml'), manifest.text);
  const workspace = pathToFileURL(dir).toString();

  const sites = imageSites(manifest.text);
  const teamOf = (image) => Number(/\/team-(\d\d)\//.exec(image)?.[1]);
  // Internal-registry images of teams whose family-0 rule matches them and does not skip them.
  const covered = sites.filter((s) => {
    const t = teamOf(s.image);
    return s.image.startsWith('registry.acme.internal/') && t % 10 !== 7 && !(t % 4 === 0 && /\/svc-1/.test(s.image));
  });
  if (covered.length < 20) throw new Error(`only ${covered.length} covered image sites in the generated manifest`);
  // The edit toggles the first letter of a covered image (registry… ↔ qegistry…): covered ↔ not covered.
  const toggle = covered[5];
  return {
    dir,
    workspace,
    manifest,
    policies: policies.length + 1,
    keyed: policies.filter((p) => p.text.includes('publicKeys:')).length,
    uri: (name) => `${workspace}/manifests/${name}`,
    images: sites.length,
    toggle: { line: toggle.line, character: toggle.character, image: toggle.image, expectPolicy: `verify-registry-team-${String(teamOf(toggle.image)).padStart(2, '0')}` },
    hovers: covered.filter((_, i) => i % Math.floor(covered.length / 20) === 0).slice(0, 20).map((s) => ({ line: s.line, character: s.character + 5, image: s.image })),
  };
}

const codeCounts = (diagnostics) => {
  const counts = {};
  for (const d of diagnostics) counts[d.code ?? '(none)'] = (counts[d.code ?? '(none)'] ?? 0) + 1;
  return counts;
};
const hasCodeOn = (diagnostics, line, code) => diagnostics.some((d) => d.range.start.line === line && d.code === code);

/** Waits for Image Trust's background scan ("image-trust: read N YAML files … in M ms") and a hover that lists the covering rule. */
async function waitForIndex(client, ws, startedAt) {
  const deadline = Date.now() + 120_000;
  let logLine;
  while (!logLine && Date.now() < deadline) {
    logLine = client.messages.find((m) => m.startsWith('image-trust: read'));
    if (!logLine) await sleep(25);
  }
  if (!logLine) throw new Error(`image-trust did not finish indexing within 120 s: ${client.messages.slice(-3).join(' | ')}`);
  const scanMs = Number(/in (\d+) ms/.exec(logLine)?.[1]);
  // Hover answers from the index: poll until it names the rule that covers the toggled image.
  const probe = ws.uri('bench-manifests-probe.yaml');
  client.didOpen(probe, ws.manifest.text);
  let text = '';
  let polls = 0;
  while (Date.now() < deadline) {
    polls++;
    text = hoverText(await client.hover(probe, { line: ws.toggle.line, character: ws.toggle.character + 5 }));
    if (text.includes(ws.toggle.expectPolicy)) break;
    await sleep(50);
  }
  client.didClose(probe);
  if (!text.includes(ws.toggle.expectPolicy)) throw new Error(`image-trust's hover never listed ${ws.toggle.expectPolicy}: ${text.slice(0, 400)}`);
  return { logLine, scanMs, readyMs: performance.now() - startedAt, polls };
}

export async function measureCoverage(server, ws, { samples, warmup, ours }) {
  const t0 = performance.now();
  const { client, startupMs } = await start(server, ws.workspace);
  const result = { server: server.name, startupMs };
  try {
    if (ours) result.index = await waitForIndex(client, ws, t0);
    result.idle = [await waitForIdle(`${server.name} coverage open`)];

    // didOpen → diagnostics. Ours must include the coverage findings, so the publish awaited is the one
    // made with the index (there is only one once indexing is done).
    const openPredicate = ours ? (p) => p.diagnostics.some((d) => d.code === NOT_COVERED) : () => true;
    const opens = [];
    let firstDiagnostics;
    for (let i = 0; i < 5; i++) {
      const uri = ws.uri(`bench-manifests-open-${i}.yaml`);
      const r = await timeOpen(client, uri, ws.manifest.text, openPredicate);
      opens.push(r.ms);
      firstDiagnostics ??= r.diagnostics;
      client.didClose(uri);
      await sleep(100);
    }
    result.open = stats(opens);
    result.diagnostics = { total: firstDiagnostics.length, byCode: codeCounts(firstDiagnostics) };

    // 1-char edits → new diagnostics. Ours: the toggled image goes uncovered and back, and the awaited
    // publish must say so on its line. The peer has nothing to say about it: its next publish is awaited.
    const uri = ws.uri('bench-manifests.yaml');
    await timeOpen(client, uri, ws.manifest.text, openPredicate);
    result.idle.push(await waitForIdle(`${server.name} coverage edits`));
    const site = ws.toggle;
    const range = { start: { line: site.line, character: site.character }, end: { line: site.line, character: site.character + 1 } };
    let broken = false;
    const edits = [];
    for (let i = 0; i < warmup + samples; i++) {
      broken = !broken;
      const expectBroken = broken;
      const predicate = ours ? (p) => hasCodeOn(p.diagnostics, site.line, NOT_COVERED) === expectBroken : () => true;
      const published = client.waitForDiagnostics(uri, predicate, 10_000);
      const sent = performance.now();
      client.replace(uri, range, broken ? 'q' : 'r');
      const d = await published;
      if (i >= warmup) edits.push(d.receivedAt - sent);
      await sleep(30);
    }
    result.edit = stats(edits);
    if (broken) {
      const published = client.waitForDiagnostics(uri, ours ? (p) => !hasCodeOn(p.diagnostics, site.line, NOT_COVERED) : () => true, 10_000);
      client.replace(uri, range, 'r');
      await published;
    }

    // Hover on images (20 distinct covered images, in turn).
    result.idle.push(await waitForIdle(`${server.name} coverage hover`));
    const hovers = [];
    let listed = 0;
    let empty = 0;
    let sample = '';
    for (let i = 0; i < warmup + samples; i++) {
      const at = ws.hovers[i % ws.hovers.length];
      const h0 = performance.now();
      const h = await client.hover(uri, at);
      const elapsed = performance.now() - h0;
      const text = hoverText(h);
      if (i >= warmup) {
        hovers.push(elapsed);
        if (text.includes('**Verification**')) listed++;
        if (!text) empty++;
      }
      if (i === warmup) sample = text;
      await sleep(20);
    }
    result.hover = { ...stats(hovers), listingCoveringRules: listed, empty, sampleChars: sample.length, sample: sample.slice(0, 600) };
    result.memory = client.memory();
  } finally {
    await client.stop();
  }
  return result;
}

/** The coverage table (ratios peer ÷ image-trust) and its notes. */
export function summariseCoverage(ws, ours, peer, debounceMs) {
  const free = (v) => (Number.isFinite(v) ? v - debounceMs : NaN);
  const rows = [[`15,000-line manifest + ${ws.policies} workspace policies`, 'image-trust (with coverage)', `${peer?.server ?? 'peer'} (YAML only, user-visible)`, 'peer, debounce-free', 'ratio (user-visible)', 'ratio (debounce-free)']];
  const metric = (label, o, p, debounced) => rows.push([label, ms(o), ms(p), debounced ? ms(free(p)) : ms(p), times(ratio(p, o)), times(ratio(debounced ? free(p) : p, o))]);
  rows.push(['background index ready (start → hover lists rules)', ms(ours?.index?.readyMs), 'n/a', 'n/a', '', '']);
  metric('didOpen → diagnostics, p50', ours?.open.p50, peer?.open.p50, true);
  metric('1-char edit → diagnostics, p50', ours?.edit.p50, peer?.edit.p50, true);
  metric('1-char edit → diagnostics, p95', ours?.edit.p95, peer?.edit.p95, true);
  metric('hover on an image, p50', ours?.hover.p50, peer?.hover.p50, false);
  metric('hover on an image, p95', ours?.hover.p95, peer?.hover.p95, false);
  rows.push(['peak RSS', mib(ours?.memory?.peakRssKiB), mib(peer?.memory?.peakRssKiB), mib(peer?.memory?.peakRssKiB), times(ratio(peer?.memory?.peakRssKiB, ours?.memory?.peakRssKiB)), '']);
  const describe = (r) => (r ? `${r.diagnostics.total} (${Object.entries(r.diagnostics.byCode).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'})` : '–');
  const hovers = (r) => (r ? `${r.hover.listingCoveringRules}/${r.hover.n} list covering rules${r.hover.empty ? `, ${r.hover.empty} empty` : ''}` : '–');
  const notes = [
    `Diagnostics on open — image-trust: ${describe(ours)}; ${peer?.server ?? 'peer'}: ${describe(peer)}.`,
    `Image hovers — image-trust: ${hovers(ours)}; ${peer?.server ?? 'peer'}: ${hovers(peer)}.`,
    `The peer has no coverage feature: with no Kubernetes schema it only parses the YAML, so its columns are what it does on this file, not the same work. ` +
      'Its edit figure is its next publish after the edit; ours is the publish that adds or removes the image-not-covered finding on the edited line.',
  ];
  if (ours?.index) notes.push(`image-trust's background scan: "${ours.index.logLine}".`);
  return { rows, notes };
}

