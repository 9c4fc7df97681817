// The sigstore-conformance `bundle-verify` cases are blob verifications: each is run through the blob verifier
// (verifyBlob) and through the CLI (`verify-blob FILE --bundle …`), and both must agree with the expected verdict
// (`*_fail` must fail). The agreement counts are printed.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { verifyBlob } from '../../../server/src/verify/blob/verifyBlob';
import { loadTrustedRoot } from '../../../server/src/verify';
import { CLI, ensureBuilt } from '../../lsp/harness';
import { tempDir } from '../../support/registry';
import { Cosign, cosignBinary } from '../../support/cosign';
import { SIGSTORE_FIXTURES } from '../support';
import { conformanceCases, CONFORMANCE_DIR } from '../conformanceCases';

const DEFAULT_IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com';

interface CaseFiles {
  name: string;
  expectPass: boolean;
  artifact: string;
  bundle: string;
  key?: string;
  trustedRoot?: string;
  identity: string;
  issuer: string;
}

function caseFiles(name: string): CaseFiles {
  const dir = path.join(CONFORMANCE_DIR, name);
  const file = (f: string) => (fs.existsSync(path.join(dir, f)) ? path.join(dir, f) : undefined);
  const text = (f: string) => (file(f) ? fs.readFileSync(file(f)!, 'utf8').trim() : undefined);
  return {
    name,
    expectPass: !name.endsWith('_fail'),
    artifact: file('artifact') ?? path.join(CONFORMANCE_DIR, 'a.txt'),
    bundle: path.join(dir, 'bundle.sigstore.json'),
    key: file('key.pub'),
    trustedRoot: file('trusted_root.json'),
    identity: text('identity') ?? DEFAULT_IDENTITY,
    issuer: text('issuer') ?? DEFAULT_ISSUER,
  };
}

function viaApi(c: CaseFiles): { passed: boolean; verdict: string } {
  let trustRoot;
  if (c.trustedRoot) {
    const loaded = loadTrustedRoot(fs.readFileSync(c.trustedRoot, 'utf8'), c.trustedRoot);
    if (!loaded.ok) return { passed: false, verdict: `fail ${loaded.code}` };
    trustRoot = loaded.root;
  }
  const outcome = verifyBlob(
    { artifact: fs.readFileSync(c.artifact), bundle: fs.readFileSync(c.bundle), key: c.key ? fs.readFileSync(c.key, 'utf8') : undefined },
    { identity: c.key ? undefined : { subject: c.identity, issuer: c.issuer }, trustRoot },
  );
  return { passed: outcome.ok, verdict: outcome.ok ? 'pass' : `fail ${outcome.code}` };
}

function cliArgs(c: CaseFiles): string[] {
  const args = ['verify-blob', c.artifact, '--bundle', c.bundle, '--offline', '--format', 'json'];
  if (c.key) args.push('--key', c.key);
  else args.push('--certificate-identity', c.identity, '--certificate-oidc-issuer', c.issuer);
  if (c.trustedRoot) args.push('--trusted-root', c.trustedRoot);
  return args;
}

function runCli(args: string[], home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // No proxy, no HOME of the user: --offline must not need either.
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b));
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function pool<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

function table(label: string, rows: { expectPass: boolean; passed: boolean; name: string; verdict: string }[]): { lines: string[]; disagreeing: string[] } {
  const count = (e: boolean, p: boolean) => rows.filter((r) => r.expectPass === e && r.passed === p).length;
  const disagreeing = rows.filter((r) => r.expectPass !== r.passed);
  const lines = [
    `      sigstore-conformance via ${label}: ${rows.length - disagreeing.length}/${rows.length} agree`,
    `        expected pass: ${count(true, true)} pass, ${count(true, false)} fail; expected fail: ${count(false, false)} fail, ${count(false, true)} pass`,
    ...disagreeing.map((r) => `        DISAGREES ${r.name}: got ${r.verdict}`),
  ];
  return { lines, disagreeing: disagreeing.map((r) => r.name) };
}

describe('verify-blob: sigstore-conformance bundle-verify cases', function () {
  this.timeout(300_000);
  const cases = conformanceCases().map(caseFiles);

  it('has the 70 cases', () => assert.equal(cases.length, 70));

  it('the blob verifier agrees with every case', () => {
    const rows = cases.map((c) => ({ ...c, ...viaApi(c) }));
    const { lines, disagreeing } = table('verifyBlob', rows);
    console.log(lines.join('\n'));
    assert.deepEqual(disagreeing, []);
  });

  it('the CLI agrees with every case offline: exit 0 for pass, 1 for fail (2 only for an unusable trusted root)', async () => {
    ensureBuilt();
    const home = tempDir('image-trust-blob-conformance-');
    const results = await pool(cases, 2, async (c) => ({ c, r: await runCli(cliArgs(c), home) }));
    const rows = results.map(({ c, r }) => {
      const json = JSON.parse(r.stdout) as { verdict: string; code?: string };
      // Exit 2 only for an unusable input (the malformed trusted root of trust-root-tlog-missing-validity-start_fail).
      assert.ok(r.code === 0 || r.code === 1 || (r.code === 2 && json.code === 'input-error'), `${c.name}: exit ${r.code}: ${r.stderr}${r.stdout}`);
      assert.equal(json.verdict === 'verified', r.code === 0, c.name);
      return { ...c, passed: r.code === 0, verdict: r.code === 0 ? 'pass' : `fail ${json.code}` };
    });
    const { lines, disagreeing } = table('the CLI (node dist/cli.js verify-blob)', rows);
    console.log(lines.join('\n'));
    assert.deepEqual(disagreeing, []);
  });

  it('differential: where cosign 2.5.0 verify-blob disagrees with the suite, we side with the suite (table printed)', async function () {
    const located = cosignBinary();
    if (!located.path) {
      console.log(`      SKIPPED: cosign is not available here (${located.reason})`);
      this.skip();
    }
    const cosign = new Cosign(located.path!, tempDir('image-trust-blob-conformance-cosign-'));
    const publicGood = path.join(SIGSTORE_FIXTURES, 'public-good-trusted_root.json');
    const rows = await pool(cases, 2, async (c) => {
      const auth = c.key ? ['--key', c.key] : ['--certificate-identity', c.identity, '--certificate-oidc-issuer', c.issuer];
      const r = await cosign.run(['verify-blob', '--bundle', c.bundle, '--new-bundle-format', '--trusted-root', c.trustedRoot ?? publicGood, ...auth, '--offline', c.artifact]);
      return { name: c.name, expectPass: c.expectPass, cosign: r.code === 0, ours: viaApi(c).passed };
    });
    const differing = rows.filter((r) => r.cosign !== r.ours);
    const lines = [
      `      sigstore-conformance, cosign 2.5.0 verify-blob: ${rows.filter((r) => r.cosign === r.expectPass).length}/${rows.length} agree with the suite; ours ${rows.filter((r) => r.ours === r.expectPass).length}/${rows.length}`,
      ...differing.map((r) => `        ${r.name.padEnd(58)} expected ${r.expectPass ? 'pass' : 'fail'}; cosign ${r.cosign ? 'pass' : 'fail'}, ours ${r.ours ? 'pass' : 'fail'}`),
    ];
    console.log(lines.join('\n'));
    assert.deepEqual(differing.filter((r) => r.ours !== r.expectPass).map((r) => r.name), []);
  });
});
