// Real OCI registries for tests: Debian's `docker-registry` on 127.0.0.1 with a free port and a temporary
// storage directory, images built as hand-written OCI layouts (reproducible bytes, so digests are known in
// advance) and pushed with skopeo. Everything started here is stopped by PID.
import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { createHash, createPrivateKey, sign as signData } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

export const TOOLS = ['docker-registry', 'skopeo', 'htpasswd', 'openssl'] as const;

/** The tools the registry tests need that are missing (after trying scripts/test-deps.sh once, as root). */
export function missingTools(): string[] {
  const missing = () => TOOLS.filter((t) => !has(t));
  let gone = missing();
  if (gone.length > 0 && process.getuid?.() === 0 && !process.env.IMAGE_TRUST_NO_INSTALL) {
    try {
      execFileSync('bash', [path.join(__dirname, '..', '..', 'scripts', 'test-deps.sh')], { stdio: 'pipe', timeout: 120_000 });
    } catch {
      /* reported below as missing tools */
    }
    gone = missing();
  }
  return gone;
}

function has(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const createdDirs: string[] = [];
process.once('exit', () => {
  for (const dir of createdDirs) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory, removed when the test process exits. */
export function tempDir(prefix = 'image-trust-registry-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  createdDirs.push(dir);
  return dir;
}

export interface RegistryOptions {
  /** `user:password` pairs for htpasswd basic auth. */
  htpasswd?: { user: string; password: string }[];
  /** Token auth: the registry trusts `certFile` and sends clients to `realm`. */
  token?: { realm: string; service: string; issuer: string; certFile: string };
}

export interface RunningRegistry {
  host: string;
  port: number;
  pid: number;
  dir: string;
  stop(): Promise<void>;
}

export async function startRegistry(options: RegistryOptions = {}): Promise<RunningRegistry> {
  const dir = tempDir();
  const port = await freePort();
  const lines = [
    'version: 0.1',
    'log: {level: error}',
    `storage: {filesystem: {rootdirectory: ${path.join(dir, 'storage')}}, delete: {enabled: true}}`,
    `http: {addr: "127.0.0.1:${port}", headers: {X-Content-Type-Options: [nosniff]}}`,
  ];
  if (options.htpasswd) {
    const file = path.join(dir, 'htpasswd');
    writeFileSync(file, options.htpasswd.map(({ user, password }) => execFileSync('htpasswd', ['-Bbn', user, password]).toString().trim()).join('\n') + '\n');
    lines.push(`auth: {htpasswd: {realm: test-registry, path: ${file}}}`);
  } else if (options.token) {
    const t = options.token;
    lines.push(`auth: {token: {realm: "${t.realm}", service: "${t.service}", issuer: "${t.issuer}", rootcertbundle: ${t.certFile}}}`);
  }
  const config = path.join(dir, 'config.yml');
  writeFileSync(config, lines.join('\n') + '\n');
  const child: ChildProcess = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const host = `127.0.0.1:${port}`;
  // A test process that dies before `after` still takes its registry down.
  const killOnExit = () => { if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL'); };
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(child.pid!, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    const status = await new Promise<number>((resolve) => {
      http.get(`http://${host}/v2/`, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', () => resolve(0));
    });
    if (status === 200 || status === 401) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { host, port, pid: child.pid!, dir, stop };
}

// ---------------------------------------------------------------------------------------------- images

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A one-file tar archive (ustar), written by hand so its bytes never depend on the host's tar. */
function tarOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const put = (s: string, offset: number, len: number) => header.write(s.slice(0, len), offset, 'ascii');
  put(name, 0, 100);
  put('0000644\0', 100, 8);
  put('0000000\0', 108, 8);
  put('0000000\0', 116, 8);
  put(content.length.toString(8).padStart(11, '0') + '\0', 124, 12);
  put((1577836800).toString(8).padStart(11, '0') + '\0', 136, 12); // 2020-01-01
  put('        ', 148, 8);
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const b of header) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, pad, Buffer.alloc(1024)]);
}

interface Blob { mediaType: string; digest: string; size: number; platform?: { os: string; architecture: string } }

export interface BuiltImage {
  /** OCI layout directory (pass to `pushImage`). */
  layout: string;
  /** The digest a registry must report: of the manifest, or of the index for multi-platform images. */
  digest: string;
  mediaType: string;
  /** Digests of the per-platform manifests (multi-platform only). */
  platformDigests?: string[];
}

/**
 * Writes an OCI layout with one image (`platforms` of length 1) or an index of several, tagged `ref` in
 * the layout. `seed` changes the content so two builds can give two digests.
 */
export function buildImage(dir: string, { platforms = ['linux/amd64'], seed = 'hello', ref = 'latest' } = {}): BuiltImage {
  const layout = path.join(dir, `layout-${seed}-${platforms.join('_').replace(/\//g, '-')}`);
  mkdirSync(path.join(layout, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(path.join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const put = (bytes: Buffer | string, mediaType: string): Blob => {
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
    const digest = sha(buf);
    writeFileSync(path.join(layout, 'blobs', 'sha256', digest.slice(7)), buf);
    return { mediaType, digest, size: buf.length };
  };
  const manifests: Blob[] = platforms.map((p) => {
    const [os_, architecture] = p.split('/');
    const tar = tarOneFile('hello.txt', Buffer.from(`${seed} from ${p}\n`));
    const layer = put(gzipSync(tar, { level: 9 }), 'application/vnd.oci.image.layer.v1.tar+gzip');
    const config = put(JSON.stringify({ architecture, os: os_, rootfs: { type: 'layers', diff_ids: [sha(tar)] }, config: {} }), 'application/vnd.oci.image.config.v1+json');
    const manifest = put(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers: [layer] }), 'application/vnd.oci.image.manifest.v1+json');
    return { ...manifest, platform: { os: os_, architecture } };
  });
  let top: Blob;
  if (platforms.length === 1) {
    const { platform: _p, ...m } = manifests[0];
    top = m;
  } else {
    top = put(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }), 'application/vnd.oci.image.index.v1+json');
  }
  writeFileSync(path.join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ ...top, annotations: { 'org.opencontainers.image.ref.name': ref } }] }));
  return { layout, digest: top.digest, mediaType: top.mediaType, platformDigests: platforms.length > 1 ? manifests.map((m) => m.digest) : undefined };
}

/**
 * `skopeo copy oci:<layout>:<ref> docker://<dest>` over plain HTTP, keeping the manifest bytes. Async, so
 * stand-in servers in this process (a token realm) can answer skopeo meanwhile.
 */
export async function pushImage(image: BuiltImage, dest: string, { ref = 'latest', creds }: { ref?: string; creds?: string } = {}): Promise<void> {
  const args = ['copy', '--quiet', '--dest-tls-verify=false', '--preserve-digests'];
  if (image.platformDigests) args.push('--all');
  if (creds) args.push('--dest-creds', creds);
  args.push(`oci:${image.layout}:${ref}`, `docker://${dest}`);
  await new Promise<void>((resolve, reject) => {
    execFile('skopeo', args, { timeout: 30_000, env: { ...process.env, HOME: path.dirname(image.layout) } }, (err, _out, stderr) =>
      err ? reject(new Error(`skopeo copy to ${dest} failed: ${stderr || err.message}`)) : resolve());
  });
}

// ------------------------------------------------------------------------------------------ token auth

export interface TokenIssuer {
  certFile: string;
  issuer: string;
  service: string;
  /** A JWT the registry accepts for `access` (e.g. `[{type:'repository', name:'app', actions:['pull']}]`). */
  issue(subject: string, access: { type: string; name: string; actions: string[] }[], ttlSeconds?: number): string;
}

/** A P-256 key and self-signed certificate (openssl) the registry trusts via `rootcertbundle`. */
export function createTokenIssuer(dir: string, service = 'test-registry', issuer = 'image-trust-test-issuer'): TokenIssuer {
  const keyFile = path.join(dir, 'token.key');
  const certFile = path.join(dir, 'token.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=image-trust test token issuer'], { stdio: 'pipe' });
  const key = createPrivateKey(readFileSync(keyFile));
  const der = Buffer.from(readFileSync(certFile, 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
  return {
    certFile,
    issuer,
    service,
    issue(subject, access, ttlSeconds = 300) {
      const now = Math.floor(Date.now() / 1000);
      const header = { typ: 'JWT', alg: 'ES256', x5c: [der.toString('base64')] };
      const claims = { iss: issuer, sub: subject, aud: service, exp: now + ttlSeconds, nbf: now - 10, iat: now, jti: `${now}-${Math.random()}`, access };
      const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
      const signature = signData('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
      return `${input}.${b64url(signature)}`;
    },
  };
}

/** Parses `scope` query values (`repository:app:pull,push`) into JWT access entries. */
export function accessFromScopes(scopes: string[]): { type: string; name: string; actions: string[] }[] {
  return scopes.flatMap((s) => s.split(' ')).filter(Boolean).map((s) => {
    const first = s.indexOf(':');
    const last = s.lastIndexOf(':');
    return { type: s.slice(0, first), name: s.slice(first + 1, last), actions: s.slice(last + 1).split(',') };
  });
}

/** A tiny HTTP server for stand-ins (token realm, tampering proxy…); `close()` ends it. */
export async function serve(handler: http.RequestListener): Promise<{ port: number; url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
