// After a full pin + verify run against real registries that need credentials — one with htpasswd basic auth,
// one with a bearer-token realm — no password and no token appears anywhere we can look: the language
// server's protocol output (log messages, shown messages, progress, edits, results) and its stderr, the CLI's
// stdout and stderr, and every file written under the workspace, the server's and the CLI's home, temp and
// storage directories. Real docker-registry, real cosign signatures, real server and CLI bundles.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ApplyWorkspaceEditParams, TextEdit } from 'vscode-languageserver-protocol';
import { CLI, startServer } from '../lsp/harness';
import type { LspClient } from '../support/lspClient';
import { Cosign, cosignBinary, CosignKey } from '../support/cosign';
import {
  accessFromScopes, buildImage, createTokenIssuer, missingTools, pushImage, RunningRegistry, serve, startRegistry, tempDir,
} from '../support/registry';

const missing = missingTools();
const cosign = missing.length ? {} : cosignBinary();

/** Every file under `dir` (recursively) whose bytes contain one of `needles`, with the needle found. */
function filesContaining(dir: string, needles: string[]): string[] {
  const hits: string[] = [];
  const visit = (d: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) visit(full);
      else if (e.isFile() && statSync(full).size < 64 * 1024 * 1024) {
        const bytes = readFileSync(full);
        for (const n of needles) if (bytes.includes(n)) hits.push(`${full} contains ${n.slice(0, 6)}…`);
      }
    }
  };
  visit(dir);
  return hits;
}

/** The forms a secret takes on the wire and in logs: as is, and base64 of it and of `user:secret`. */
function forms(user: string, secret: string): string[] {
  return [secret, Buffer.from(secret).toString('base64'), Buffer.from(`${user}:${secret}`).toString('base64')];
}

describe('secrets never leak: pin + verify with basic auth and a bearer realm (real registry, server, CLI)', function () {
  this.timeout(180_000);
  if (missing.length > 0 || !cosign.path) {
    const why = missing.length ? `missing ${missing.join(', ')} (scripts/test-deps.sh)` : `cosign unavailable: ${cosign.reason}`;
    it(`SKIPPED: ${why}`, function () {
      console.log(`  secret-leak tests skipped: ${why}`);
      this.skip();
    });
    return;
  }

  const BASIC_USER = 'alice';
  const BASIC_PASSWORD = 'B4sic-Pa55word-n3ver-logged';
  const TOKEN_USER = 'carol';
  const TOKEN_PASSWORD = 'T0ken-Realm-pa55word-n3ver-logged';
  /** Every bearer token the realm handed out (to skopeo, cosign, the server and the CLI alike). */
  const issued: string[] = [];
  let realmRequests = 0;

  let basicReg: RunningRegistry;
  let tokenReg: RunningRegistry;
  let realm: Awaited<ReturnType<typeof serve>>;
  let key: CosignKey;
  let work: string;
  let workspace: string;
  let serverHome: string;
  let serverTmp: string;
  let storage: string;
  let cliHome: string;
  let cliTmp: string;
  let images: string[];
  let client: LspClient | undefined;
  let stopped = false;
  const cliOutput: string[] = [];

  before(async function () {
    this.timeout(180_000);
    work = tempDir('image-trust-secrets-');
    const issuer = createTokenIssuer(work);
    realm = await serve((req, res) => {
      realmRequests++;
      const url = new URL(req.url!, 'http://realm');
      if (req.headers.authorization !== `Basic ${Buffer.from(`${TOKEN_USER}:${TOKEN_PASSWORD}`).toString('base64')}`) {
        return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
      }
      const token = issuer.issue(TOKEN_USER, accessFromScopes(url.searchParams.getAll('scope')));
      issued.push(token);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
    });
    [basicReg, tokenReg] = await Promise.all([
      startRegistry({ htpasswd: [{ user: BASIC_USER, password: BASIC_PASSWORD }] }),
      startRegistry({ token: { realm: `${realm.url}/token`, service: issuer.service, issuer: issuer.issuer, certFile: issuer.certFile } }),
    ]);
    const app = buildImage(work, { seed: 'secret-basic' });
    const api = buildImage(work, { seed: 'secret-token' });
    await pushImage(app, `${basicReg.host}/team/app:1.0`, { creds: `${BASIC_USER}:${BASIC_PASSWORD}` });
    await pushImage(api, `${tokenReg.host}/team/api:1.0`, { creds: `${TOKEN_USER}:${TOKEN_PASSWORD}` });
    images = [`${basicReg.host}/team/app:1.0`, `${tokenReg.host}/team/api:1.0`];

    // cosign logs in through its own (scanned-never) home's Docker config.
    const signer = new Cosign(cosign.path!, work);
    mkdirSync(path.join(signer.home, '.docker'), { recursive: true });
    writeFileSync(path.join(signer.home, '.docker', 'config.json'), JSON.stringify({
      auths: {
        [basicReg.host]: { auth: Buffer.from(`${BASIC_USER}:${BASIC_PASSWORD}`).toString('base64') },
        [tokenReg.host]: { auth: Buffer.from(`${TOKEN_USER}:${TOKEN_PASSWORD}`).toString('base64') },
      },
    }));
    key = signer.key('secrets', 'ecdsa-p256');
    await signer.sign(key, `${basicReg.host}/team/app@${app.digest}`);
    await signer.sign(key, `${tokenReg.host}/team/api@${api.digest}`);

    workspace = path.join(work, 'ws');
    serverHome = path.join(work, 'server-home');
    serverTmp = path.join(work, 'server-tmp');
    storage = path.join(work, 'server-storage');
    cliHome = path.join(work, 'cli-home');
    cliTmp = path.join(work, 'cli-tmp');
    for (const d of [workspace, serverHome, serverTmp, storage, cliHome, cliTmp]) mkdirSync(d, { recursive: true });
    writeFileSync(path.join(workspace, 'pod.yaml'), [
      'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: app', 'spec:', '  containers:',
      ...images.map((image, i) => `    - name: c${i}\n      image: ${image}`), '',
    ].join('\n'));
  });

  after(async () => {
    if (!stopped) await client?.stop();
    await Promise.all([basicReg?.stop(), tokenReg?.stop(), realm?.close()]);
  });

  it('the language server pins and verifies both images with the credentials from settings, printing neither', async () => {
    const trustedRoot = path.join(__dirname, '..', 'fixtures', 'sigstore', 'public-good-trusted_root.json');
    const server = await startServer({
      workspaceFolders: [pathToFileURL(workspace).toString()],
      env: { PATH: process.env.PATH, HOME: serverHome, TMPDIR: serverTmp },
      recordTraffic: true,
      initializationOptions: { workspaceTrusted: true, globalStoragePath: storage },
      configuration: {
        imageTrust: {
          registries: [
            { host: basicReg.host, username: BASIC_USER, password: BASIC_PASSWORD },
            { host: tokenReg.host, username: TOKEN_USER, password: TOKEN_PASSWORD },
          ],
          // A file root: no TUF refresh, so nothing beyond the loopback registries is contacted.
          verify: { trustedRoot },
        },
      },
    });
    client = server;
    // Apply edits to disk as an editor saving them would, so the files written are searched too.
    server.handleServerRequest('workspace/applyEdit', (params: ApplyWorkspaceEditParams) => {
      for (const [uri, edits] of Object.entries(params.edit.changes ?? {})) applyToDisk(new URL(uri), edits);
      return { applied: true };
    });
    const before = realmRequests;
    const pinned = await server.request<{ applied: boolean; pinned: { image: string; pinned: string }[]; failed: unknown[] }>(
      'workspace/executeCommand', { command: 'imageTrust.pinAllDigests', arguments: [] });
    assert.deepEqual(pinned.failed, []);
    assert.deepEqual(pinned.pinned.map((p) => p.image).sort(), [...images].sort());
    assert.match(readFileSync(path.join(workspace, 'pod.yaml'), 'utf8'), new RegExp(`${tokenReg.host}/team/api:1\\.0@sha256:[a-f0-9]{64}`));
    for (const image of images) {
      const o = await server.request<{ verdict: string; summary: string }>('imageTrust/verify', { image, spec: { kind: 'key', publicKeyPem: key.publicKeyPem, ignoreTlog: true } });
      assert.equal(o.verdict, 'verified', `${image}: ${o.summary}`);
    }
    assert.ok(realmRequests > before, 'the server went through the token realm');
    await server.stop();
    stopped = true;
    assert.ok(server.traffic.includes('[registry] GET'), 'the server logged its registry requests (so there was something to search)');
  });

  it('the CLI verifies both images with credentials from Docker\'s config, printing neither', async () => {
    mkdirSync(path.join(cliHome, '.docker'), { recursive: true });
    const config = path.join(cliHome, '.docker', 'config.json');
    writeFileSync(config, JSON.stringify({
      auths: {
        [basicReg.host]: { auth: Buffer.from(`${BASIC_USER}:${BASIC_PASSWORD}`).toString('base64') },
        [tokenReg.host]: { auth: Buffer.from(`${TOKEN_USER}:${TOKEN_PASSWORD}`).toString('base64') },
      },
    }));
    for (const image of images) {
      for (const format of ['text', 'json']) {
        const r = await runCli(['verify', image, '--key', key.pubFile, '--insecure-ignore-tlog', '--format', format], cliHome, cliTmp);
        cliOutput.push(r.stdout, r.stderr);
        assert.equal(r.code, 0, r.stdout + r.stderr);
      }
    }
    const r = await runCli(['check', workspace, '--format', 'json'], cliHome, cliTmp);
    cliOutput.push(r.stdout, r.stderr);
    // Docker's config is an input the user wrote, not output: it is the one file allowed to hold a secret.
    writeFileSync(config, '{}');
  });

  it('no password and no token in any output or written file', function () {
    if (!client) return this.skip();
    assert.ok(issued.length >= 2, `the realm issued ${issued.length} token(s)`);
    const needles = [...forms(BASIC_USER, BASIC_PASSWORD), ...forms(TOKEN_USER, TOKEN_PASSWORD), ...issued];
    const leaks: string[] = [];
    for (const n of needles) {
      if (client.traffic.includes(n)) leaks.push(`language server output contains ${n.slice(0, 6)}…`);
      if (cliOutput.some((o) => o.includes(n))) leaks.push(`CLI output contains ${n.slice(0, 6)}…`);
    }
    for (const dir of [workspace, serverHome, serverTmp, storage, cliHome, cliTmp]) leaks.push(...filesContaining(dir, needles));
    assert.deepEqual(leaks, []);
  });

  it('(control) the search finds a planted secret, so an empty result means something', () => {
    const dir = tempDir('image-trust-plant-');
    writeFileSync(path.join(dir, 'nested.log'), `x ${Buffer.from(`${BASIC_USER}:${BASIC_PASSWORD}`).toString('base64')} y`);
    const hits = filesContaining(dir, forms(BASIC_USER, BASIC_PASSWORD));
    assert.ok(hits.length > 0 && hits.every((h) => h.startsWith(path.join(dir, 'nested.log'))), hits.join('\n'));
  });
});

function applyToDisk(uri: URL, edits: TextEdit[]): void {
  const file = uri.pathname;
  const lines = readFileSync(file, 'utf8').split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  let text = lines.join('\n');
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) {
    text = text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
  }
  writeFileSync(file, text);
}

function runCli(args: string[], home: string, tmp: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, HOME: home, TMPDIR: tmp }, cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
