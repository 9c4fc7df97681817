// Live verification over the protocol with a STAND-IN ENGINE: the server loads a fake `verifyImage` from
// IMAGE_TRUST_FAKE_VERIFY (see server/src/commands/verifyEngine.ts), so these tests check the editor side —
// lenses, commands, progress, cancellation, limits, results, diagnostics, trust — not cryptography. The
// real engine has its own tests against a real registry (and test/lsp/verifyRealRegistry.test.ts runs it
// end to end when it is built in).
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { startServer, textIn } from './harness';
import type { LspClient } from '../support/lspClient';

// The stand-in engine: logs every call (one JSON line each) and answers by image name. `bad` → failed,
// `slow` → waits for its AbortSignal, anything else → verified after a short delay.
const FAKE_ENGINE = (logFile: string) => `
const fs = require('node:fs');
let active = 0, maxActive = 0;
const log = (o) => fs.appendFileSync(${JSON.stringify(logFile)}, JSON.stringify(o) + '\\n');
exports.verifyImage = async (request, deps) => {
  active++; maxActive = Math.max(maxActive, active);
  const spec = request.spec;
  log({ event: 'start', image: request.image, kind: spec.kind, ruleIndex: spec.ruleIndex, entryIndex: spec.entryIndex,
        policyHasKind: /kind: ClusterPolicy/.test(spec.policyText || ''), policyDocs: (spec.policyText || '').split(/^---/m).length,
        registry: typeof (deps.registry && deps.registry.resolve), active });
  try {
    if (request.image.includes('slow')) {
      await new Promise((_, reject) => {
        if (deps.signal.aborted) reject(new Error('aborted'));
        deps.signal.addEventListener('abort', () => reject(new Error('aborted')));
      });
    }
    await new Promise((r) => setTimeout(r, 60));
    const ok = !request.image.includes('bad');
    return {
      image: request.image, digest: 'sha256:' + 'ab'.repeat(32), verdict: ok ? 'verified' : 'failed',
      summary: ok ? '✓ verified by stand-in (1/1 attestors)' : '✗ signed by another key',
      details: ['maxActive=' + maxActive], findings: [{ source: 'stand-in.sig', ok, reason: ok ? undefined : 'signed by another key' }], unchecked: [],
    };
  } catch (e) {
    log({ event: 'aborted', image: request.image });
    throw e;
  } finally { active--; }
};
`;

const KEY = readFileSync(path.join(__dirname, '..', 'fixtures', 'keys', 'ec-p256.pub'), 'utf8');

const policy = [
  'apiVersion: kyverno.io/v1',
  'kind: ClusterPolicy',
  'metadata:',
  '  name: signed',
  'spec:',
  '  rules:',
  '    - name: acme',
  '      match:',
  '        any:',
  '          - resources:',
  '              kinds: [Pod]',
  '      verifyImages:',
  '        - imageReferences: ["ghcr.io/acme/*"]',
  '          failureAction: Enforce',
  '          attestors:',
  '            - entries:',
  '                - keys:',
  '                    publicKeys: |-',
  ...KEY.trim().split('\n').map((l) => `                      ${l}`),
  '    - name: many',
  '      match:',
  '        any:',
  '          - resources:',
  '              kinds: [Pod]',
  '      verifyImages:',
  '        - imageReferences: ["ghcr.io/many/*"]',
  '          failureAction: Audit',
  '          attestors:',
  '            - entries:',
  '                - keys:',
  '                    publicKeys: |-',
  ...KEY.trim().split('\n').map((l) => `                      ${l}`),
  '',
].join('\n');

const pod = (name: string, images: string[]) => [
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  `  name: ${name}`,
  'spec:',
  '  containers:',
  ...images.map((image, i) => `    - name: c${i}\n      image: ${image}`),
  '',
].join('\n');

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Harness {
  client: LspClient;
  dir: string;
  uri(name: string): string;
  calls(): { event: string; image: string; kind?: string; ruleIndex?: number; entryIndex?: number; policyHasKind?: boolean; policyDocs?: number; registry?: string }[];
  progress: { token: string | number; value: { kind: string; title?: string; message?: string; percentage?: number; cancellable?: boolean } }[];
  results: { image: string; uri?: string; against: string; outcome: { verdict: string; summary: string; details: string[] } }[];
  shown: string[];
  refreshes: number;
  open(name: string, text: string): string;
  lenses(uri: string): Promise<CodeLens[]>;
  execute<R>(command: string, args: unknown[]): Promise<R>;
  stop(): Promise<void>;
}

async function start(options: { configuration?: Record<string, unknown>; initializationOptions?: unknown; files?: Record<string, string> } = {}): Promise<Harness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'image-trust-verify-'));
  const logFile = path.join(dir, 'calls.log');
  writeFileSync(logFile, '');
  const engine = path.join(dir, 'fake-engine.cjs');
  writeFileSync(engine, FAKE_ENGINE(logFile));
  const ws = path.join(dir, 'ws');
  mkdirSync(ws);
  for (const [name, text] of Object.entries(options.files ?? {})) writeFileSync(path.join(ws, name), text);
  process.env.IMAGE_TRUST_FAKE_VERIFY = engine;
  let client: LspClient;
  try {
    client = await startServer({
      workspaceFolders: [pathToFileURL(ws).toString()],
      configuration: { imageTrust: options.configuration ?? {} },
      initializationOptions: options.initializationOptions,
    });
  } finally {
    delete process.env.IMAGE_TRUST_FAKE_VERIFY;
  }
  const h: Harness = {
    client,
    dir,
    uri: (name) => pathToFileURL(path.join(ws, name)).toString(),
    calls: () => readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)),
    progress: [],
    results: [],
    shown: [],
    refreshes: 0,
    open(name, text) {
      const uri = h.uri(name);
      client.didOpen(uri, text);
      return uri;
    },
    lenses: (uri) => client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } }),
    execute: (command, args) => client.request('workspace/executeCommand', { command, arguments: args }),
    async stop() {
      await client.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  client.handleServerNotification('$/progress', (p) => h.progress.push(p));
  client.handleServerNotification('imageTrust/verificationResult', (p) => h.results.push(p));
  client.handleServerRequest('window/showMessageRequest', (p: { message: string }) => {
    h.shown.push(p.message);
    return null;
  });
  client.handleServerRequest('workspace/codeLens/refresh', () => {
    h.refreshes++;
    return null;
  });
  return h;
}

const lensTitles = (lenses: CodeLens[]) => lenses.map((l) => l.command?.title);
const imageLens = (lenses: CodeLens[], text: string, image: string) => lenses.find((l) => l.command?.command === 'imageTrust.verifyImage' && textIn(text, l.range) === image);

describe('LSP: live verification (stand-in engine)', function () {
  this.timeout(30_000);

  describe('in a trusted workspace', () => {
    let h: Harness;
    let policyUri: string;
    const app = pod('app', ['ghcr.io/acme/good:1', 'ghcr.io/acme/bad:1', 'docker.io/other/x:1']);
    const many = pod('many', ['ghcr.io/many/a:1', 'ghcr.io/many/b:1', 'ghcr.io/many/c:1', 'ghcr.io/many/d:1', 'ghcr.io/many/e:1']);

    before(async () => {
      h = await start({ configuration: { verify: { concurrency: 2, timeoutSeconds: 30 } }, files: { 'policy.yaml': policy, 'app.yaml': app, 'many.yaml': many } });
      policyUri = h.open('policy.yaml', policy);
    });
    after(async () => h?.stop());
    beforeEach(() => {
      h.progress.length = 0;
      h.results.length = 0;
      h.shown.length = 0;
    });

    it('advertises code lenses and the verify commands', () => {
      assert.deepEqual(h.client.capabilities.codeLensProvider, { resolveProvider: false });
      const commands = h.client.capabilities.executeCommandProvider?.commands ?? [];
      assert.ok(commands.includes('imageTrust.verifyImage') && commands.includes('imageTrust.verifyRule'), JSON.stringify(commands));
    });

    it('lenses: "Verify signature" on each image, "Verify N matching workspace images" on each entry (N from the index)', async () => {
      const uri = h.open('app.yaml', app);
      const lenses = await h.lenses(uri);
      assert.deepEqual(lenses.map((l) => [textIn(app, l.range), l.command?.title, l.command?.command]), [
        ['ghcr.io/acme/good:1', 'Verify signature', 'imageTrust.verifyImage'],
        ['ghcr.io/acme/bad:1', 'Verify signature', 'imageTrust.verifyImage'],
        ['docker.io/other/x:1', 'Verify signature', 'imageTrust.verifyImage'],
      ]);
      // many.yaml is on disk only: the background scan indexes it.
      const titles = await waitFor('many.yaml indexed', async () => {
        const t = lensTitles(await h.lenses(policyUri));
        return t[1] === 'Verify 5 matching workspace images' ? t : undefined;
      });
      assert.deepEqual(titles, ['Verify 2 matching workspace images', 'Verify 5 matching workspace images']);
    });

    it('verifyImage: progress, one engine call per covering rule, a result notification, lens refresh and summary, and an Enforce failure diagnostic until the image is edited', async () => {
      const text = pod('lens', ['ghcr.io/acme/bad:2', 'ghcr.io/acme/good:2']);
      const uri = h.open('lens.yaml', text);
      await h.client.waitForDiagnostics(uri, () => true, 10_000, { includeLatest: true });
      const bad = imageLens(await h.lenses(uri), text, 'ghcr.io/acme/bad:2')!;
      assert.deepEqual(bad.command?.arguments, [uri, bad.range, 'ghcr.io/acme/bad:2']);
      const refreshes = h.refreshes;
      const callsBefore = h.calls().length;
      const failedDiagnostic = h.client.waitForDiagnostics(uri, (d) => d.diagnostics.some((x) => x.code === 'image-signature-failed'));

      const result = await h.execute<{ covered: boolean; results: { against: string; action: string; outcome: { verdict: string } }[] }>('imageTrust.verifyImage', bad.command!.arguments!);
      assert.equal(result.covered, true);
      assert.deepEqual(result.results.map((r) => [r.against, r.action, r.outcome.verdict]), [['rule "acme" of policy "signed"', 'Enforce', 'failed']]);

      const calls = h.calls().slice(callsBefore).filter((c) => c.event === 'start');
      assert.deepEqual(calls.map((c) => [c.image, c.kind, c.ruleIndex, c.entryIndex, c.policyHasKind, c.policyDocs, c.registry]),
        [['ghcr.io/acme/bad:2', 'policy-entry', 0, 0, true, 1, 'function']]);
      const kinds = h.progress.map((p) => p.value.kind);
      assert.equal(kinds[0], 'begin');
      assert.equal(kinds[kinds.length - 1], 'end');
      assert.equal(h.progress[0].value.title, 'Verifying ghcr.io/acme/bad:2');
      assert.equal(h.progress[0].value.cancellable, true);
      assert.ok(h.progress.some((p) => p.value.kind === 'report' && p.value.percentage === 100), JSON.stringify(h.progress));
      assert.deepEqual(h.results.map((r) => [r.image, r.uri, r.against, r.outcome.summary]), [['ghcr.io/acme/bad:2', uri, 'rule "acme" of policy "signed"', '✗ signed by another key']]);

      const diag = (await failedDiagnostic).diagnostics.filter((x) => x.code === 'image-signature-failed');
      assert.equal(diag.length, 1);
      assert.equal(textIn(text, diag[0].range), 'ghcr.io/acme/bad:2');
      assert.equal(diag[0].severity, 1);
      await waitFor('a code lens refresh', () => h.refreshes > refreshes);
      const after = await h.lenses(uri);
      assert.equal(imageLens(after, text, 'ghcr.io/acme/bad:2')?.command?.title, '✗ signed by another key');
      assert.equal(imageLens(after, text, 'ghcr.io/acme/good:2')?.command?.title, 'Verify signature');

      // Editing the image drops its result: no diagnostic, and the lens asks again.
      const line = text.split('\n').findIndex((l) => l.includes('bad:2'));
      const character = text.split('\n')[line].indexOf('bad:2') + 4;
      const cleared = h.client.waitForDiagnostics(uri, (d) => !d.diagnostics.some((x) => x.code === 'image-signature-failed'));
      h.client.replace(uri, { start: { line, character }, end: { line, character: character + 1 } }, '3');
      await cleared;
      assert.deepEqual(lensTitles(await h.lenses(uri)), ['Verify signature', 'Verify signature']);
    });

    it('verifyImage on an image no workspace rule covers says so and verifies nothing', async () => {
      const text = pod('uncovered', ['docker.io/other/x:1']);
      const uri = h.open('uncovered.yaml', text);
      const lens = imageLens(await h.lenses(uri), text, 'docker.io/other/x:1')!;
      const callsBefore = h.calls().length;
      const result = await h.execute<{ covered: boolean; message: string }>('imageTrust.verifyImage', lens.command!.arguments!);
      assert.equal(result.covered, false);
      assert.match(result.message, /No verifyImages rule in the workspace covers docker\.io\/other\/x:1/);
      assert.ok(h.shown.some((m) => m === result.message), JSON.stringify(h.shown));
      assert.equal(h.calls().length, callsBefore);
    });

    it('does not verify anything on open unless imageTrust.verify.onOpen is set', async () => {
      const callsBefore = h.calls().length;
      h.open('quiet.yaml', pod('quiet', ['ghcr.io/acme/quiet:1']));
      await new Promise((r) => setTimeout(r, 1200));
      assert.equal(h.calls().length, callsBefore);
    });

    it('verifyRule: every matching workspace image (files on disk too), at most `concurrency` at once; the entry lens shows the last run', async () => {
      const entry = (await h.lenses(policyUri))[1];
      assert.deepEqual(entry.command?.arguments, [{ uri: policyUri, docIndex: 0, ruleIndex: 1, entryIndex: 0 }]);
      const callsBefore = h.calls().length;
      const result = await h.execute<{ images: { image: string; outcome: { verdict: string } }[] }>('imageTrust.verifyRule', entry.command!.arguments!);
      assert.deepEqual(result.images.map((i) => [i.image, i.outcome.verdict]).sort(), ['a', 'b', 'c', 'd', 'e'].map((x) => [`ghcr.io/many/${x}:1`, 'verified']));
      const starts = h.calls().slice(callsBefore).filter((c) => c.event === 'start') as unknown as { active: number; kind: string; ruleIndex: number }[];
      assert.equal(starts.length, 5);
      assert.ok(starts.every((c) => c.kind === 'policy-entry' && c.ruleIndex === 1));
      assert.equal(Math.max(...starts.map((c) => c.active)), 2, 'imageTrust.verify.concurrency = 2: two at a time, never more');
      assert.equal(h.progress[0].value.title, 'Verifying images of rule "many" of policy "signed"');
      assert.ok(h.progress.some((p) => p.value.message === '5/5 images'), JSON.stringify(h.progress));
      assert.equal(h.results.length, 5);
      assert.ok(h.shown.includes('rule "many" of policy "signed": 5 of 5 image(s) verified.'), JSON.stringify(h.shown));
      assert.equal((await h.lenses(policyUri))[1].command?.title, 'Verify 5 matching workspace images · last run: ✓ 5 verified');
      // The results were recorded for many.yaml although it was not open.
      const manyText = readFileSync(new URL(h.uri('many.yaml')), 'utf8');
      const manyUri = h.open('many.yaml', manyText);
      assert.deepEqual(lensTitles(await h.lenses(manyUri)), Array(5).fill('✓ verified by stand-in (1/1 attestors)'));
    });

    it('cancelling the work-done progress aborts the running verification and records nothing', async () => {
      const text = pod('slow', ['ghcr.io/acme/slow:1']);
      const uri = h.open('slow.yaml', text);
      const lens = imageLens(await h.lenses(uri), text, 'ghcr.io/acme/slow:1')!;
      const running = h.execute<{ results: { outcome: { verdict: string; summary: string } }[] }>('imageTrust.verifyImage', lens.command!.arguments!);
      const begin = await waitFor('progress begin', () => h.progress.find((p) => p.value.kind === 'begin'));
      await waitFor('the engine call', () => h.calls().some((c) => c.event === 'start' && c.image === 'ghcr.io/acme/slow:1'));
      await h.client['connection'].sendNotification('window/workDoneProgress/cancel', { token: begin.token });
      const result = await running;
      assert.deepEqual(result.results.map((r) => [r.outcome.verdict, r.outcome.summary]), [['error', '✗ cancelled']]);
      await waitFor('the engine saw the abort', () => h.calls().some((c) => c.event === 'aborted' && c.image === 'ghcr.io/acme/slow:1'));
      assert.equal(h.progress[h.progress.length - 1].value.kind, 'end');
      assert.deepEqual(lensTitles(await h.lenses(uri)), ['Verify signature'], 'a cancelled run leaves no result');
    });

    it('imageTrust/listRules and imageTrust/verify: an ad-hoc key, a workspace rule by reference, and LSP cancellation', async () => {
      const rules = await h.client.request<{ label: string; description: string; detail: string; ref: { uri: string; ruleIndex: number } }[]>('imageTrust/listRules', {});
      assert.deepEqual(rules.map((r) => [r.label, r.description, r.ref.uri, r.ref.ruleIndex]), [
        ['signed / acme', 'ghcr.io/acme/*', policyUri, 0],
        ['signed / many', 'ghcr.io/many/*', policyUri, 1],
      ]);
      assert.ok(rules.every((r) => r.detail.length > 0));

      const byKey = await h.client.request<{ verdict: string; summary: string }>('imageTrust/verify', { image: 'ghcr.io/x/y:1', spec: { kind: 'key', publicKeyPem: KEY } });
      assert.equal(byKey.verdict, 'verified');
      assert.equal(h.calls().filter((c) => c.event === 'start').pop()?.kind, 'key');
      assert.deepEqual(h.results.map((r) => [r.image, r.against]), [['ghcr.io/x/y:1', 'a public key']]);

      const byRule = await h.client.request<{ verdict: string }>('imageTrust/verify', { image: 'ghcr.io/acme/bad:9', spec: { kind: 'workspace-rule', ref: rules[0].ref } });
      assert.equal(byRule.verdict, 'failed');
      const ruleCall = h.calls().filter((c) => c.event === 'start').pop()!;
      assert.deepEqual([ruleCall.kind, ruleCall.ruleIndex, ruleCall.policyHasKind], ['policy-entry', 0, true], 'the server filled in the policy text');

      const source = new CancellationTokenSource();
      const pending = h.client['connection'].sendRequest('imageTrust/verify', { image: 'ghcr.io/acme/slow:9', spec: { kind: 'key', publicKeyPem: KEY } }, source.token)
        .then((v: unknown) => v, (e: unknown) => e);
      await waitFor('the engine call', () => h.calls().some((c) => c.event === 'start' && c.image === 'ghcr.io/acme/slow:9'));
      source.cancel();
      await waitFor('the engine saw the abort', () => h.calls().some((c) => c.event === 'aborted' && c.image === 'ghcr.io/acme/slow:9'));
      const answer = await pending as { summary?: string; code?: number };
      assert.ok(answer.summary === '✗ cancelled' || answer.code === -32800, JSON.stringify(answer));
    });

    it('gives up after imageTrust.verify.timeoutSeconds', async () => {
      const saved = h.client.configuration.imageTrust;
      h.client.configuration.imageTrust = { verify: { timeoutSeconds: 1 } };
      try {
        const started = Date.now();
        const outcome = await h.client.request<{ verdict: string; summary: string }>('imageTrust/verify', { image: 'ghcr.io/acme/slow:t', spec: { kind: 'key', publicKeyPem: KEY } });
        assert.deepEqual([outcome.verdict, outcome.summary], ['error', '✗ timed out after 1 s (imageTrust.verify.timeoutSeconds)']);
        assert.ok(Date.now() - started < 5000);
      } finally {
        h.client.configuration.imageTrust = saved;
      }
    });
  });

  describe('in an untrusted workspace (the client passes vscode.workspace.isTrusted)', () => {
    let h: Harness;
    const app = pod('app', ['ghcr.io/acme/good:1']);
    before(async () => {
      h = await start({ initializationOptions: { workspaceTrusted: false } });
      h.open('policy.yaml', policy);
    });
    after(async () => h?.stop());

    it('contacts no registry and says why, until trust is granted', async () => {
      const uri = h.open('app.yaml', app);
      const lens = imageLens(await h.lenses(uri), app, 'ghcr.io/acme/good:1')!;
      const result = await h.execute<{ covered: boolean; message: string }>('imageTrust.verifyImage', lens.command!.arguments!);
      assert.match(result.message, /not trusted, so Image Trust does not contact registries/);
      assert.ok(h.shown.some((m) => /not trusted/.test(m)), JSON.stringify(h.shown));
      const outcome = await h.client.request<{ verdict: string; summary: string }>('imageTrust/verify', { image: 'ghcr.io/acme/good:1', spec: { kind: 'key', publicKeyPem: KEY } });
      assert.equal(outcome.verdict, 'error');
      assert.match(outcome.summary, /workspace is not trusted/);
      await h.execute('imageTrust.pinAllDigests', [uri]);
      assert.ok(h.shown.some((m) => /untrusted workspace: trust the workspace to pin digests/.test(m)), JSON.stringify(h.shown));
      assert.equal(h.calls().length, 0, 'the engine was never called');

      await h.client['connection'].sendNotification('imageTrust/workspaceTrust', { trusted: true });
      const trusted = await h.client.request<{ verdict: string }>('imageTrust/verify', { image: 'ghcr.io/acme/good:1', spec: { kind: 'key', publicKeyPem: KEY } });
      assert.equal(trusted.verdict, 'verified');
      assert.equal(h.calls().filter((c) => c.event === 'start').length, 1);
    });
  });

  describe('with imageTrust.verify.onOpen', () => {
    let h: Harness;
    before(async () => {
      h = await start({ configuration: { verify: { onOpen: true } } });
      h.open('policy.yaml', policy);
    });
    after(async () => h?.stop());

    it('verifies the covered images of a manifest once it is opened, and publishes the failure', async () => {
      const text = pod('auto', ['ghcr.io/acme/bad:5', 'ghcr.io/acme/good:5', 'docker.io/other/x:5']);
      const uri = h.open('auto.yaml', text);
      const published = await h.client.waitForDiagnostics(uri, (d) => d.diagnostics.some((x) => x.code === 'image-signature-failed'), 10_000, { includeLatest: true });
      assert.deepEqual(published.diagnostics.filter((x) => x.code === 'image-signature-failed').map((x) => textIn(text, x.range)), ['ghcr.io/acme/bad:5']);
      await waitFor('both results', () => h.results.length === 2);
      assert.deepEqual(h.calls().filter((c) => c.event === 'start').map((c) => c.image).sort(), ['ghcr.io/acme/bad:5', 'ghcr.io/acme/good:5'], 'the uncovered image is not verified');
      assert.deepEqual(lensTitles(await h.lenses(uri)), ['✗ signed by another key', '✓ verified by stand-in (1/1 attestors)', 'Verify signature']);
      assert.equal(h.progress.length, 0, 'automatic runs show no progress');
    });
  });
});
