// `image-trust verify-blob` argument handling: what cosign verify-blob refuses is a usage error (exit 2) before any
// file is read or any server contacted; checksum files count in the verdict.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CLI, ensureBuilt } from '../lsp/harness';
import { tempDir } from '../support/registry';

function cli(args: string[], home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'verify-blob', ...args], { env: { PATH: process.env.PATH, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('cli: verify-blob arguments and checksums', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    ensureBuilt();
    dir = tempDir('image-trust-cli-blob-');
  });

  it('usage errors exit 2 with the reason', async () => {
    const cases: [string[], RegExp][] = [
      [['f'], /exactly one of --bundle F or --signature F/],
      [['f', '--bundle', 'b', '--signature', 's', '--key', 'k'], /exactly one of --bundle/],
      [['f', '--signature', 's'], /--signature needs --certificate F or --key F/],
      [['f', '--signature', 's', '--certificate', 'c'], /needs both --certificate-identity .* and --certificate-oidc-issuer/],
      [['f', '--signature', 's', '--key', 'k', '--certificate-identity', 'x'], /with --key the signer is the key/],
      [['f', '--bundle', 'b', '--certificate-identity', 'x', '--certificate-identity-regexp', 'y', '--certificate-oidc-issuer', 'z'], /not both/],
      [['f', '--signature', 's', '--key', 'k', '--rekor-url', 'http://rekor.example.com'], /must use https/],
      [['f', 'g', '--signature', 's', '--key', 'k'], /one FILE/],
      [['f', '--signature', 's', '--key', 'k', '--frobnicate'], /unknown option "--frobnicate"/],
    ];
    for (const [args, reason] of cases) {
      const r = await cli(args, dir);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, reason, args.join(' '));
    }
  });

  it('a missing input file is exit 2; a checksum that does not match is exit 1, one that matches counts in the report', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const file = path.join(dir, 'release.spdx');
    const data = Buffer.from('SPDXVersion: SPDX-2.3\n');
    writeFileSync(file, data);
    writeFileSync(`${file}.sig`, sign('sha256', data, privateKey).toString('base64'));
    writeFileSync(path.join(dir, 'key.pub'), publicKey.export({ format: 'pem', type: 'spki' }));
    writeFileSync(`${file}.sha256`, createHash('sha256').update(data).digest('hex'));
    writeFileSync(`${file}.sha512`, '0'.repeat(128));
    const common = [file, '--signature', `${file}.sig`, '--key', path.join(dir, 'key.pub'), '--insecure-ignore-tlog', '--offline', '--format', 'json'];
    const good = await cli([...common, '--checksum', `${file}.sha256`], dir);
    assert.equal(good.code, 0, good.stdout);
    assert.deepEqual(JSON.parse(good.stdout).checksums.map((c: { algorithm: string; ok: boolean }) => [c.algorithm, c.ok]), [['sha256', true]]);
    const bad = await cli([...common, '--checksum', `${file}.sha256`, '--checksum', `${file}.sha512`], dir);
    assert.equal(bad.code, 1, bad.stdout);
    assert.equal(JSON.parse(bad.stdout).code, 'checksum-mismatch');
    const missing = await cli([path.join(dir, 'nope'), '--signature', `${file}.sig`, '--key', path.join(dir, 'key.pub'), '--offline'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stdout, /cannot read .*nope: ENOENT/);
  });
});
