// `image-trust verify --images-from FILE` on the real loopback registry: 20 images (10 signed with the release key,
// 5 unsigned, 5 signed by another key, all by the real cosign 2.5.0) listed in an images.txt like the seed's, in an
// SPDX JSON SBOM and in an SPDX tag-value SBOM; every image's verdict, digest and line are asserted exactly.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CLI, ensureBuilt } from '../lsp/harness';
import { Cosign, cosignBinary, CosignKey } from '../support/cosign';
import { buildImage, BuiltImage, missingTools, pushImage, RunningRegistry, startRegistry, tempDir } from '../support/registry';

interface CliResult { code: number; stdout: string; stderr: string }

function cli(args: string[], home: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

interface JsonReport { kind: string; verified: number; notVerified: number; errors: number; results: { image: string; line: number; verdict: string; digest?: string; summary: string }[] }

const missing = missingTools();
const cosign = missing.length ? {} : cosignBinary();

/** 01–10 signed by the release key, 11–15 unsigned, 16–20 signed by another key. */
const NAMES = Array.from({ length: 20 }, (_, i) => `kube-component-${String(i + 1).padStart(2, '0')}`);
const expectedVerdict = (i: number) => (i < 10 ? 'verified' : 'failed');

describe('cli: verify --images-from (list and SPDX SBOM) on a real registry', function () {
  this.timeout(300_000);
  if (missing.length > 0 || !cosign.path) {
    const why = missing.length ? `missing ${missing.join(', ')} (scripts/test-deps.sh)` : `cosign unavailable: ${cosign.reason}`;
    it(`SKIPPED: ${why}`, function () {
      console.log(`      SKIPPED: ${why}`);
      this.skip();
    });
    return;
  }

  let reg: RunningRegistry;
  let work: string;
  let releaseKey: CosignKey;
  const images: BuiltImage[] = [];
  const refs: string[] = [];

  before(async function () {
    ensureBuilt();
    work = tempDir('image-trust-images-from-');
    reg = await startRegistry();
    const c = new Cosign(cosign.path!, work);
    releaseKey = c.key('release', 'ecdsa-p256');
    const otherKey = c.key('other', 'ecdsa-p256');
    for (const [i, name] of NAMES.entries()) {
      const image = buildImage(work, { seed: name, ref: 'v1.29.0' });
      images.push(image);
      refs.push(`${reg.host}/${name}:v1.29.0`); // one path level, as registry.k8s.io/<name> (the seed's SPDX-ID reading needs it)
      await pushImage(image, refs[i], { ref: 'v1.29.0' });
    }
    for (let i = 0; i < 20; i++) {
      if (i < 10) await c.sign(releaseKey, `${reg.host}/${NAMES[i]}@${images[i].digest}`);
      else if (i >= 15) await c.sign(otherKey, `${reg.host}/${NAMES[i]}@${images[i].digest}`);
    }
  });

  after(async () => reg?.stop());

  function assertResults(report: JsonReport, lines: number[]) {
    assert.equal(report.results.length, 20);
    report.results.forEach((r, i) => {
      assert.equal(r.image, refs[i]);
      assert.equal(r.line, lines[i], r.image);
      assert.equal(r.verdict, expectedVerdict(i), `${r.image}: ${r.summary}`);
      assert.equal(r.digest, images[i].digest, r.image);
      if (i >= 10 && i < 15) assert.match(r.summary, /no signatures/i, r.image);
      if (i >= 15) assert.doesNotMatch(r.summary, /no signatures/i, r.image); // signed, by another key
    });
    assert.deepEqual([report.verified, report.notVerified, report.errors], [10, 10, 0]);
  }

  async function run(file: string): Promise<JsonReport> {
    const r = await cli(['verify', '--images-from', file, '--key', releaseKey.pubFile, '--insecure-ignore-tlog', '--concurrency', '4', '--format', 'json'], work);
    assert.equal(r.code, 1, r.stderr);
    return JSON.parse(r.stdout) as JsonReport;
  }

  it('an images.txt (comments, blank lines): one result per line, exit 1 because some fail', async () => {
    const file = path.join(work, 'images.txt');
    const lines: number[] = [];
    const text = ['# control-plane images of the release', ''];
    refs.forEach((ref, i) => {
      text.push(i === 3 ? `${ref}   # the scheduler` : ref);
      lines.push(text.length);
      if (i === 9) text.push('', '# the rest');
    });
    writeFileSync(file, text.join('\n') + '\n');
    assertResults(await run(file), lines);
  });

  it('an SPDX JSON SBOM: the image packages (not layers, not Go modules)', async () => {
    const packages: unknown[] = [{ name: 'github.com/spf13/cobra', SPDXID: 'SPDXRef-Package-github.com-spf13-cobra-v1.8.0', versionInfo: 'v1.8.0' }];
    refs.forEach((ref, i) => {
      packages.push({ name: ref, SPDXID: `SPDXRef-Package-${NAMES[i]}`, downloadLocation: 'NONE' });
      packages.push({ name: `sha256:${'ab'.repeat(32)}`, SPDXID: `SPDXRef-Package-sha256-${i}`, downloadLocation: 'NONE' });
    });
    const text = JSON.stringify({ spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'release', packages }, null, 2);
    const file = path.join(work, 'release.spdx.json');
    writeFileSync(file, text);
    const lines = refs.map((ref) => text.split('\n').findIndex((l) => l.includes(`"name": "${ref}"`)) + 1);
    const report = await run(file);
    assert.equal(report.kind, 'spdx-json');
    assertResults(report, lines);
  });

  it('an SPDX tag-value SBOM, read the way the seed reads it (SPDX IDs when the names are not references)', async () => {
    const text = ['SPDXVersion: SPDX-2.3', 'DataLicense: CC0-1.0', 'SPDXID: SPDXRef-DOCUMENT', 'DocumentName: release', ''];
    const lines: number[] = [];
    refs.forEach((ref, i) => {
      // The seed's pipeline: SPDXID → cut -d- -f3- → first '-' → '/' → '-v1' → ':v1'.
      // (A loopback registry's port puts a ':' in the ID, which real registry.k8s.io IDs do not have.)
      const spdxId = `SPDXRef-Package-${ref.replace('/', '-').replace(':v1', '-v1')}`;
      text.push('##### Package', '', `PackageName: ${NAMES[i]}`);
      text.push(`SPDXID: ${spdxId}`);
      lines.push(text.length);
      text.push('PackageDownloadLocation: NONE', '', `PackageName: sha256:${'cd'.repeat(32)}`, `SPDXID: SPDXRef-Package-sha256-${'cd'.repeat(32)}`, '');
    });
    const file = path.join(work, 'release.spdx');
    writeFileSync(file, text.join('\n') + '\n');
    const report = await run(file);
    assert.equal(report.kind, 'spdx-tag-value');
    assertResults(report, lines);
  });

  it('exit 0 when every listed image verifies; usage errors exit 2', async () => {
    const file = path.join(work, 'signed.txt');
    writeFileSync(file, refs.slice(0, 10).join('\n'));
    const ok = await cli(['verify', '--images-from', file, '--key', releaseKey.pubFile, '--insecure-ignore-tlog'], work);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /10 image\(s\): 10 verified, 0 not verified, 0 error\(s\)/);
    const withInvalid = path.join(work, 'with-invalid.txt');
    writeFileSync(withInvalid, `${refs[0]}\nNOT/Valid:ref\n`);
    const invalid = await cli(['verify', '--images-from', withInvalid, '--key', releaseKey.pubFile, '--insecure-ignore-tlog', '--format', 'json'], work);
    assert.equal(invalid.code, 1, invalid.stderr);
    assert.deepEqual((JSON.parse(invalid.stdout) as JsonReport).results.map((r) => [r.line, r.verdict]), [[1, 'verified'], [2, 'invalid']]);
    const noSigner = await cli(['verify', '--images-from', file], work);
    assert.equal(noSigner.code, 2);
    const empty = path.join(work, 'empty.txt');
    writeFileSync(empty, '# nothing\n');
    const none = await cli(['verify', '--images-from', empty, '--key', releaseKey.pubFile], work);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /lists no image/);
  });
});
