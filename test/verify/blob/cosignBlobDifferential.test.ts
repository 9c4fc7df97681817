// Differential against the real cosign 2.5.0: files signed with `cosign sign-blob --key` (a detached signature, its
// `--bundle` file, and a `--new-bundle-format` Sigstore bundle), then verified by `cosign verify-blob` and by our
// `verify-blob` CLI on the signed file, a tampered copy, with the wrong key, and with the bundle of another file.
// Our exit code must equal cosign's on every row; the table is printed.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CLI, ensureBuilt } from '../../lsp/harness';
import { Cosign, cosignBinary, CosignKey, KeyKind } from '../../support/cosign';
import { tempDir } from '../../support/registry';
import { SIGSTORE_FIXTURES } from '../support';

const located = cosignBinary();
const TRUSTED_ROOT = path.join(SIGSTORE_FIXTURES, 'public-good-trusted_root.json');

function ours(args: string[], home: string): Promise<{ code: number; reason?: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'verify-blob', ...args, '--format', 'json'], { env: { PATH: process.env.PATH, HOME: home }, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b));
    child.on('close', (code) => resolve({ code: code ?? -1, reason: (JSON.parse(out) as { code?: string }).code }));
  });
}

type Format = 'signature' | 'cosign-bundle' | 'sigstore-bundle';

interface Row { key: KeyKind; format: Format; situation: string; cosign: number; ours: number; code?: string }

describe('verify-blob: differential against cosign 2.5.0 sign-blob / verify-blob', function () {
  this.timeout(300_000);
  let cosign: Cosign;
  let work: string;
  const rows: Row[] = [];

  before(function () {
    if (!located.path) {
      console.log(`      SKIPPED: cosign is not available here (${located.reason})`);
      this.skip();
    }
    ensureBuilt();
    work = tempDir('image-trust-blob-cosign-');
    cosign = new Cosign(located.path!, work);
  });

  /** Signs `file` three ways; returns the material paths. */
  async function signAll(key: CosignKey, file: string): Promise<Record<Format, string>> {
    const base = `${file}.${key.name}`;
    const must = async (args: string[]) => {
      const r = await cosign.run(args);
      assert.equal(r.code, 0, `cosign ${args.join(' ')}: ${r.stderr}`);
    };
    await must(['sign-blob', '-y', '--key', key.keyFile, '--tlog-upload=false', '--output-signature', `${base}.sig`, file]);
    await must(['sign-blob', '-y', '--key', key.keyFile, '--tlog-upload=false', '--bundle', `${base}.bundle`, file]);
    await must(['sign-blob', '-y', '--key', key.keyFile, '--tlog-upload=false', '--new-bundle-format', '--bundle', `${base}.sigstore.json`, file]);
    return { signature: `${base}.sig`, 'cosign-bundle': `${base}.bundle`, 'sigstore-bundle': `${base}.sigstore.json` };
  }

  function materialArgs(format: Format, material: string): string[] {
    return format === 'signature' ? ['--signature', material] : ['--bundle', material];
  }

  async function compare(key: KeyKind, format: Format, situation: string, file: string, pub: string, material: string, opts: { ignoreTlog?: boolean } = { ignoreTlog: true }): Promise<void> {
    const common = [...materialArgs(format, material), '--key', pub, '--offline', ...(opts.ignoreTlog ? ['--insecure-ignore-tlog'] : [])];
    // cosign 2.5.0 needs --new-bundle-format (and any trusted root, even for a key) to read a Sigstore bundle.
    const cosignExtra = format === 'sigstore-bundle' ? ['--new-bundle-format', '--trusted-root', TRUSTED_ROOT] : [];
    const theirs = await cosign.run(['verify-blob', ...common, ...cosignExtra, file]);
    const mine = await ours([file, ...common], work);
    rows.push({ key, format, situation, cosign: theirs.code, ours: mine.code, code: mine.reason });
  }

  for (const kind of ['ecdsa-p256', 'rsa-2048'] as KeyKind[]) {
    it(`agrees with cosign for ${kind}: signed, tampered, wrong key, another file's material, no log entry offline`, async () => {
      const signer = cosign.key(`signer-${kind}`, kind);
      const other = cosign.key(`other-${kind}`, kind);
      const file = path.join(work, `release-${kind}.tar.gz`);
      writeFileSync(file, `kubernetes-server-linux-amd64 ${kind}\n`.repeat(1000));
      const tampered = path.join(work, `tampered-${kind}.tar.gz`);
      copyFileSync(file, tampered);
      writeFileSync(tampered, 'x', { flag: 'a' });
      const another = path.join(work, `another-${kind}.txt`);
      writeFileSync(another, 'another artefact\n');
      const material = await signAll(signer, file);
      const anotherMaterial = await signAll(signer, another);
      for (const format of ['signature', 'cosign-bundle', 'sigstore-bundle'] as Format[]) {
        await compare(kind, format, 'signed', file, signer.pubFile, material[format]);
        await compare(kind, format, 'tampered file', tampered, signer.pubFile, material[format]);
        await compare(kind, format, 'wrong key', file, other.pubFile, material[format]);
        await compare(kind, format, "another file's material", file, signer.pubFile, anotherMaterial[format]);
        await compare(kind, format, 'no log entry, offline', file, signer.pubFile, material[format], { ignoreTlog: false });
      }
    });
  }

  after(() => {
    if (rows.length === 0) return;
    const lines = ['      verify-blob vs cosign 2.5.0 (exit codes):', `        ${'key'.padEnd(11)} ${'material'.padEnd(16)} ${'situation'.padEnd(24)} cosign  ours  our reason`];
    for (const r of rows) lines.push(`        ${r.key.padEnd(11)} ${r.format.padEnd(16)} ${r.situation.padEnd(24)} ${String(r.cosign).padEnd(7)} ${r.ours}    ${(r.code ?? '').padEnd(18)}${r.cosign === r.ours ? '' : ' DIFFERS'}`);
    lines.push(`        ${rows.filter((r) => r.cosign === r.ours).length}/${rows.length} agree`);
    console.log(lines.join('\n'));
  });

  it('every row agrees, and the verdicts are the expected ones', function () {
    if (rows.length === 0) this.skip();
    assert.deepEqual(rows.filter((r) => r.cosign !== r.ours), []);
    const expected: Record<string, string[]> = {
      'tampered file': ['signature-mismatch', 'digest-mismatch'],
      'wrong key': ['signature-mismatch'],
      "another file's material": ['signature-mismatch', 'digest-mismatch'],
      'no log entry, offline': ['tlog-missing'],
    };
    for (const r of rows) {
      assert.equal(r.ours, r.situation === 'signed' ? 0 : 1, `${r.key} ${r.format} ${r.situation}`);
      if (r.situation !== 'signed') assert.ok(expected[r.situation].includes(r.code!), `${r.key} ${r.format} ${r.situation}: ${r.code}`);
    }
  });
});
