// The real cosign (2.5.0, unpacked from Debian trixie's package by scripts/cosign-setup.sh) as signer and as
// differential oracle. cosign always runs with HOME and TUF_ROOT inside a temporary directory, never uploads to
// a transparency log and speaks plain HTTP only to the loopback test registry.
import { execFile, execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, KeyObject, randomBytes, scryptSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';

/** A ClusterPolicy with one verifyImages rule holding `entry`. */
export function policyText(entry: Record<string, unknown>, ruleName = 'verify-signature'): string {
  return stringify({
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'check-images' },
    spec: {
      background: false,
      rules: [{ name: ruleName, match: { any: [{ resources: { kinds: ['Pod'] } }] }, verifyImages: [{ failureAction: 'Enforce', imageReferences: ['127.0.0.1:*'], ...entry }] }],
    },
  });
}

const SETUP = path.join(__dirname, '..', '..', 'scripts', 'cosign-setup.sh');
const PASSWORD = 'image-trust-test';

let located: { path?: string; reason?: string } | undefined;

/** The cosign binary, fetched once (idempotent); or why it is not available here. */
export function cosignBinary(): { path?: string; reason?: string } {
  if (located) return located;
  if (process.env.IMAGE_TRUST_COSIGN) return (located = { path: process.env.IMAGE_TRUST_COSIGN });
  try {
    const out = execFileSync('bash', [SETUP], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 }).toString().trim().split('\n').pop();
    located = out ? { path: out } : { reason: 'scripts/cosign-setup.sh printed no path' };
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    located = { reason: `scripts/cosign-setup.sh failed: ${(err.stderr?.toString() || err.message).trim().split('\n').slice(-3).join(' ')}` };
  }
  return located;
}

export type KeyKind = 'ecdsa-p256' | 'ecdsa-p384' | 'rsa-2048' | 'ed25519';

export interface CosignKey {
  name: string;
  kind: KeyKind;
  /** Encrypted cosign private key file. */
  keyFile: string;
  pubFile: string;
  publicKeyPem: string;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class Cosign {
  readonly home: string;
  constructor(readonly binary: string, readonly work: string) {
    this.home = path.join(work, 'cosign-home');
    mkdirSync(path.join(this.home, '.sigstore', 'root'), { recursive: true });
  }

  private env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: this.home,
      TUF_ROOT: path.join(this.home, '.sigstore', 'root'),
      COSIGN_PASSWORD: PASSWORD,
      // No network beyond the loopback registry: no proxies picked up from the host.
      NO_PROXY: '*',
      ...extra,
    };
  }

  run(args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
    return new Promise((resolve) => {
      execFile(this.binary, args, { env: this.env(extraEnv), timeout: 60_000, cwd: this.work }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 99) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
    });
  }

  private async must(args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
    const r = await this.run(args, extraEnv);
    if (r.code !== 0) throw new Error(`cosign ${args.join(' ')} failed (${r.code}): ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
    return r;
  }

  /**
   * A key pair made with node:crypto and written as cosign's encrypted key file (scrypt + NaCl secretbox over
   * the PKCS#8 DER). Not `cosign import-key-pair`: Debian's cosign 2.5.0 build rejects every ECDSA and RSA key
   * there ("error validating ecdsa key: unsupported public key type"), while `sign` reads such files fine.
   */
  key(name: string, kind: KeyKind): CosignKey {
    const pair =
      kind === 'ecdsa-p256' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      : kind === 'ecdsa-p384' ? generateKeyPairSync('ec', { namedCurve: 'secp384r1' })
      : kind === 'rsa-2048' ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ed25519');
    const keyFile = path.join(this.work, `${name}.key`);
    const pubFile = path.join(this.work, `${name}.pub`);
    writeFileSync(keyFile, encryptCosignKey(pair.privateKey, PASSWORD));
    const publicKeyPem = pair.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    writeFileSync(pubFile, publicKeyPem);
    return { name, kind, keyFile, pubFile, publicKeyPem };
  }

  /** An existing private key (e.g. a certificate's, made with node:crypto) written as a cosign key file. */
  keyFrom(name: string, privateKey: KeyObject): CosignKey {
    const keyFile = path.join(this.work, `${name}.key`);
    const pubFile = path.join(this.work, `${name}.pub`);
    writeFileSync(keyFile, encryptCosignKey(privateKey, PASSWORD));
    const publicKeyPem = createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }).toString();
    writeFileSync(pubFile, publicKeyPem);
    const kind: KeyKind = privateKey.asymmetricKeyType === 'ed25519' ? 'ed25519' : privateKey.asymmetricKeyType === 'rsa' ? 'rsa-2048' : privateKey.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 'ecdsa-p384' : 'ecdsa-p256';
    return { name, kind, keyFile, pubFile, publicKeyPem };
  }

  /**
   * `cosign sign --certificate … [--certificate-chain …]` without the log: a keyless-style signature from a private
   * CA. Resolves with cosign's result instead of throwing: cosign refuses some certificates, and tests report that.
   */
  signWithCertificate(key: CosignKey, certificateFile: string, chainFile: string | undefined, image: string): Promise<RunResult> {
    const args = ['sign', '-y', '--key', key.keyFile, '--certificate', certificateFile, '--tlog-upload=false', '--allow-http-registry'];
    if (chainFile) args.push('--certificate-chain', chainFile);
    args.push(image);
    return this.run(args);
  }

  /** `cosign attest --certificate … --certificate-chain …` without the log (a legacy `.att` from a private CA). */
  attestWithCertificate(key: CosignKey, certificateFile: string, chainFile: string, image: string, type: string, predicate: unknown): Promise<RunResult> {
    const file = path.join(this.work, `predicate-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(predicate));
    return this.must(['attest', '-y', '--key', key.keyFile, '--certificate', certificateFile, '--certificate-chain', chainFile, '--tlog-upload=false', '--allow-http-registry', '--type', type, '--predicate', file, image]);
  }

  /** `cosign verify-attestation` with the private CA's flags (see verifyKeyless). */
  verifyAttestationKeyless(image: string, type: string, opts: { identity: string; issuer: string; certificateChain: string }): Promise<RunResult> {
    return this.run([
      'verify-attestation', '--allow-http-registry', '--offline', '--insecure-ignore-tlog', '--insecure-ignore-sct', '--type', type,
      '--certificate-chain', opts.certificateChain, '--certificate-identity', opts.identity, '--certificate-oidc-issuer', opts.issuer, image,
    ]);
  }

  /**
   * The keyless oracle for a private CA: `cosign verify --certificate-identity[-regexp] --certificate-oidc-issuer[-regexp]
   * --certificate-chain` (its last certificate is the root, the others intermediates), offline, no log, no SCT.
   */
  verifyKeyless(image: string, opts: { identity?: string; identityRegexp?: string; issuer?: string; issuerRegexp?: string; certificateChain: string; certificate?: string }): Promise<RunResult> {
    const args = ['verify', '--allow-http-registry', '--offline', '--insecure-ignore-tlog', '--insecure-ignore-sct', '--certificate-chain', opts.certificateChain];
    // With --certificate the named certificate verifies, chained to --certificate-chain (Kyverno `certificates`).
    if (opts.certificate !== undefined) args.push('--certificate', opts.certificate);
    if (opts.identity !== undefined) args.push('--certificate-identity', opts.identity);
    if (opts.identityRegexp !== undefined) args.push('--certificate-identity-regexp', opts.identityRegexp);
    if (opts.issuer !== undefined) args.push('--certificate-oidc-issuer', opts.issuer);
    if (opts.issuerRegexp !== undefined) args.push('--certificate-oidc-issuer-regexp', opts.issuerRegexp);
    args.push(image);
    return this.run(args);
  }

  /** `cosign sign` without the transparency log; `repository` plays COSIGN_REPOSITORY. */
  sign(key: CosignKey, image: string, opts: { annotations?: Record<string, string>; repository?: string } = {}): Promise<RunResult> {
    const args = ['sign', '-y', '--key', key.keyFile, '--tlog-upload=false', '--allow-http-registry'];
    for (const [k, v] of Object.entries(opts.annotations ?? {})) args.push('-a', `${k}=${v}`);
    args.push(image);
    return this.must(args, opts.repository ? { COSIGN_REPOSITORY: opts.repository } : {});
  }

  attest(key: CosignKey, image: string, type: string, predicate: unknown, opts: { newBundleFormat?: boolean; repository?: string } = {}): Promise<RunResult> {
    const file = path.join(this.work, `predicate-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(predicate));
    const args = ['attest', '-y', '--key', key.keyFile, '--tlog-upload=false', '--allow-http-registry', '--type', type, '--predicate', file];
    if (opts.newBundleFormat) args.push('--new-bundle-format');
    args.push(image);
    return this.must(args, opts.repository ? { COSIGN_REPOSITORY: opts.repository } : {});
  }

  /** The oracle: exit code of `cosign verify` (0 verified, else not). */
  verify(pubFile: string, image: string, opts: { ignoreTlog?: boolean; annotations?: Record<string, string>; repository?: string } = {}): Promise<RunResult> {
    const args = ['verify', '--key', pubFile, '--allow-http-registry', '--offline'];
    if (opts.ignoreTlog) args.push('--insecure-ignore-tlog');
    for (const [k, v] of Object.entries(opts.annotations ?? {})) args.push('-a', `${k}=${v}`);
    args.push(image);
    return this.run(args, opts.repository ? { COSIGN_REPOSITORY: opts.repository } : {});
  }

  verifyAttestation(pubFile: string, image: string, type: string, opts: { ignoreTlog?: boolean; newBundleFormat?: boolean; trustedRoot?: string } = {}): Promise<RunResult> {
    const args = ['verify-attestation', '--key', pubFile, '--allow-http-registry', '--offline', '--type', type];
    if (opts.ignoreTlog) args.push('--insecure-ignore-tlog');
    if (opts.newBundleFormat) args.push('--new-bundle-format');
    if (opts.trustedRoot) args.push('--trusted-root', opts.trustedRoot);
    args.push(image);
    return this.run(args);
  }
}

// ---- cosign's encrypted private key (go-securesystemslib encrypted.go): scrypt KDF + NaCl secretbox ---------

export function encryptCosignKey(privateKey: KeyObject, password: string): string {
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const salt = randomBytes(32);
  const nonce = randomBytes(24);
  const N = 32768; // one of the three parameter sets cosign accepts; the cheapest
  const key = scryptSync(Buffer.from(password, 'utf8'), salt, 32, { N, r: 8, p: 1, maxmem: 256 * 1024 * 1024 });
  const body = {
    kdf: { name: 'scrypt', params: { N, r: 8, p: 1 }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: secretbox(der, nonce, key).toString('base64'),
  };
  const b64 = Buffer.from(JSON.stringify(body)).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${b64.trimEnd()}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n`;
}

/** NaCl secretbox (XSalsa20-Poly1305): 16-byte tag followed by the ciphertext. */
export function secretbox(message: Buffer, nonce: Buffer, key: Buffer): Buffer {
  const subkey = hsalsa20(key, nonce.subarray(0, 16));
  const stream = salsa20Stream(subkey, nonce.subarray(16, 24), 32 + message.length);
  const cipher = Buffer.alloc(message.length);
  for (let i = 0; i < message.length; i++) cipher[i] = message[i] ^ stream[32 + i];
  return Buffer.concat([poly1305(stream.subarray(0, 32), cipher), cipher]);
}

export function secretboxOpen(box: Buffer, nonce: Buffer, key: Buffer): Buffer | undefined {
  const subkey = hsalsa20(key, nonce.subarray(0, 16));
  const cipher = box.subarray(16);
  const stream = salsa20Stream(subkey, nonce.subarray(16, 24), 32 + cipher.length);
  if (!poly1305(stream.subarray(0, 32), cipher).equals(box.subarray(0, 16))) return undefined;
  const out = Buffer.alloc(cipher.length);
  for (let i = 0; i < cipher.length; i++) out[i] = cipher[i] ^ stream[32 + i];
  return out;
}

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];
const rotl = (a: number, b: number) => (a << b) | (a >>> (32 - b));

function salsaRounds(input: Uint32Array): Uint32Array {
  const x = Uint32Array.from(input);
  const qr = (a: number, b: number, c: number, d: number) => {
    x[b] ^= rotl((x[a] + x[d]) | 0, 7);
    x[c] ^= rotl((x[b] + x[a]) | 0, 9);
    x[d] ^= rotl((x[c] + x[b]) | 0, 13);
    x[a] ^= rotl((x[d] + x[c]) | 0, 18);
  };
  for (let i = 0; i < 10; i++) {
    qr(0, 4, 8, 12); qr(5, 9, 13, 1); qr(10, 14, 2, 6); qr(15, 3, 7, 11);
    qr(0, 1, 2, 3); qr(5, 6, 7, 4); qr(10, 11, 8, 9); qr(15, 12, 13, 14);
  }
  return x;
}

function state(key: Buffer, sixteen: Buffer): Uint32Array {
  const s = new Uint32Array(16);
  s[0] = SIGMA[0]; s[5] = SIGMA[1]; s[10] = SIGMA[2]; s[15] = SIGMA[3];
  for (let i = 0; i < 4; i++) {
    s[1 + i] = key.readUInt32LE(4 * i);
    s[11 + i] = key.readUInt32LE(16 + 4 * i);
    s[6 + i] = sixteen.readUInt32LE(4 * i);
  }
  return s;
}

function hsalsa20(key: Buffer, nonce16: Buffer): Buffer {
  const x = salsaRounds(state(key, nonce16));
  const out = Buffer.alloc(32);
  [0, 5, 10, 15, 6, 7, 8, 9].forEach((w, i) => out.writeUInt32LE(x[w], 4 * i));
  return out;
}

function salsa20Stream(key: Buffer, nonce8: Buffer, length: number): Buffer {
  const out = Buffer.alloc(Math.ceil(length / 64) * 64);
  const block = Buffer.alloc(16);
  nonce8.copy(block, 0);
  for (let counter = 0; counter * 64 < length; counter++) {
    block.writeUInt32LE(counter >>> 0, 8);
    block.writeUInt32LE(Math.floor(counter / 2 ** 32), 12);
    const input = state(key, block);
    const x = salsaRounds(input);
    for (let i = 0; i < 16; i++) out.writeUInt32LE((x[i] + input[i]) >>> 0, counter * 64 + 4 * i);
  }
  return out.subarray(0, length);
}

function poly1305(key: Buffer, message: Buffer): Buffer {
  const le = (b: Buffer) => BigInt(`0x${Buffer.from(b).reverse().toString('hex') || '0'}`);
  const r = le(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  const s = le(key.subarray(16, 32));
  const p = (1n << 130n) - 5n;
  let acc = 0n;
  for (let i = 0; i < message.length; i += 16) {
    const chunk = message.subarray(i, i + 16);
    acc = ((acc + le(chunk) + (1n << BigInt(8 * chunk.length))) * r) % p;
  }
  const tag = (acc + s) & ((1n << 128n) - 1n);
  return Buffer.from(tag.toString(16).padStart(32, '0'), 'hex').reverse();
}
