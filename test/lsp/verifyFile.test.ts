// "Verify File Signature…" over the protocol with the bundled server: a release folder as dl.k8s.io serves it
// (kubectl, kubectl.sig, kubectl.cert as base64 PEM, kubectl.sha256, kubectl.sha512), a test CA (openssl) with the
// Kubernetes identity, a Rekor STAND-IN on 127.0.0.1 named by `imageTrust.verify.rekorUrl`, and a trusted root
// with both named by `imageTrust.verify.trustedRoot`. Companions are found, only the identity is asked for, and the
// verdict carries identity, issuer, log entry and checksums — or the failed check.
import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer } from './harness';
import type { LspClient } from '../support/lspClient';
import { missingTools, tempDir } from '../support/registry';
import { issueLeaf, makeOpensslCa } from '../verify/blob/opensslCa';
import { hashedRekordBody, RekorStandIn } from '../verify/blob/rekorStandIn';

const STAGING = 'krel-staging@k8s-releng-prod.iam.gserviceaccount.com';
const GOOGLE = 'https://accounts.google.com';

interface Report { verdict: string; code?: string; reason?: string; certificate?: { subjectAlternativeNames: string[]; issuer?: string }; tlog?: { logIndex: number; integratedTime?: string }; checksums: { file: string; ok: boolean; algorithm?: string }[] }

describe('LSP: Verify File Signature (detached .sig + .cert, Rekor stand-in)', function () {
  this.timeout(120_000);
  if (missingTools().includes('openssl')) {
    it('SKIPPED: openssl is missing', function () {
      console.log('      SKIPPED: openssl is missing (scripts/test-deps.sh)');
      this.skip();
    });
    return;
  }

  let client: LspClient;
  let rekor: RekorStandIn;
  let dir: string;
  let kubectl: string;
  let logIndex: number;
  let integratedTime: number;
  let trustedRootFile: string;

  before(async () => {
    const work = tempDir('image-trust-lsp-verifyfile-');
    dir = path.join(work, 'release', 'v1.29.0', 'bin', 'linux', 'amd64');
    mkdirSync(dir, { recursive: true });
    const ca = makeOpensslCa(work, 'test-fulcio');
    const leaf = issueLeaf(work, ca, 'krel-staging', STAGING, GOOGLE);
    rekor = new RekorStandIn();
    await rekor.start();
    integratedTime = Math.floor(leaf.notBefore.getTime() / 1000) + 1;
    const data = Buffer.from('kubectl v1.29.0\n'.repeat(1000));
    const sig = crypto.sign('sha256', data, leaf.privateKey).toString('base64');
    const sha = crypto.createHash('sha256').update(data).digest('hex');
    rekor.addFiller(3, integratedTime);
    logIndex = rekor.add(hashedRekordBody({ artifactSha256: sha, signatureB64: sig, verifierPem: leaf.pem }), integratedTime, sha).index;
    kubectl = path.join(dir, 'kubectl');
    writeFileSync(kubectl, data);
    writeFileSync(`${kubectl}.sig`, sig);
    writeFileSync(`${kubectl}.cert`, Buffer.from(leaf.pem).toString('base64'));
    writeFileSync(`${kubectl}.sha256`, `${sha}\n`);
    writeFileSync(`${kubectl}.sha512`, `${crypto.createHash('sha512').update(data).digest('hex')}\n`);
    const trustedRoot = path.join(work, 'trusted_root.json');
    trustedRootFile = trustedRoot;
    writeFileSync(trustedRoot, JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [rekor.trustedRootTlog()],
      certificateAuthorities: [{ subject: { organization: 'image-trust test' }, uri: 'https://fulcio.test', certChain: { certificates: [{ rawBytes: ca.der.toString('base64') }] }, validFor: { start: '2020-01-01T00:00:00Z' } }],
      ctlogs: [],
      timestampAuthorities: [],
    }));
    client = await startServer({
      workspaceFolders: [pathToFileURL(work).toString()],
      configuration: { imageTrust: { verify: { rekorUrl: rekor.url, trustedRoot } } },
      initializationOptions: { globalStoragePath: path.join(work, 'storage') },
    });
  });
  after(async () => {
    await client?.stop();
    await rekor?.stop();
  });

  it('finds the companions next to the file and asks only for the identity', async () => {
    const found = await client.request<{ companions: Record<string, unknown>; needs: string }>('imageTrust/fileCompanions', { path: kubectl });
    assert.deepEqual(found.companions, { signature: `${kubectl}.sig`, certificate: `${kubectl}.cert`, checksums: [`${kubectl}.sha256`, `${kubectl}.sha512`] });
    assert.equal(found.needs, 'identity');
  });

  it('verifies: identity, issuer, the log entry (index, integrated time) and both checksums', async () => {
    const { report, lines } = await client.request<{ report: Report; lines: string[] }>('imageTrust/verifyFile', { path: kubectl, identity: { subject: STAGING, issuer: GOOGLE } });
    assert.equal(report.verdict, 'verified', report.reason);
    assert.deepEqual(report.certificate?.subjectAlternativeNames, [STAGING]);
    assert.equal(report.certificate?.issuer, GOOGLE);
    assert.equal(report.tlog?.logIndex, logIndex);
    assert.equal(report.tlog?.integratedTime, new Date(integratedTime * 1000).toISOString());
    assert.deepEqual(report.checksums.map((c) => [path.basename(c.file), c.algorithm, c.ok]), [['kubectl.sha256', 'sha256', true], ['kubectl.sha512', 'sha512', true]]);
    assert.ok(lines.some((l) => /lists no CT log, so the certificate's SCT was not checked/.test(l)), lines.join('\n'));
    assert.ok(rekor.requests.some((r) => r.startsWith('POST /api/v1/index/retrieve')));
  });

  it('reports exactly which check failed: the identity; then a checksum that does not match', async () => {
    const wrong = await client.request<{ report: Report }>('imageTrust/verifyFile', { path: kubectl, identity: { subject: 'krel-trust@k8s-releng-prod.iam.gserviceaccount.com', issuer: GOOGLE } });
    assert.equal(wrong.report.verdict, 'failed');
    assert.equal(wrong.report.code, 'identity-mismatch');
    writeFileSync(`${kubectl}.sha512`, `${'0'.repeat(128)}\n`);
    const sum = await client.request<{ report: Report }>('imageTrust/verifyFile', { path: kubectl, identity: { subject: STAGING, issuer: GOOGLE } });
    assert.equal(sum.report.verdict, 'failed');
    assert.equal(sum.report.code, 'checksum-mismatch');
    assert.match(sum.report.reason!, /kubectl\.sha512 says 0{128}/);
  });

  it('in an untrusted workspace no log is contacted: it says so and fails unless the user skips the log', async () => {
    const untrusted = await startServer({
      workspaceFolders: [pathToFileURL(path.dirname(path.dirname(path.dirname(path.dirname(path.dirname(dir)))))).toString()],
      configuration: { imageTrust: { verify: { rekorUrl: rekor.url, trustedRoot: trustedRootFile } } },
      initializationOptions: { workspaceTrusted: false, globalStoragePath: path.join(dir, 'storage') },
    });
    try {
      await untrustedChecks(untrusted);
    } finally {
      await untrusted.stop();
    }
  });

  async function untrustedChecks(client: LspClient): Promise<void> {
    const before = rekor.requests.length;
    const offline = await client.request<{ report: Report; lines: string[] }>('imageTrust/verifyFile', { path: kubectl, identity: { subject: STAGING, issuer: GOOGLE } });
    assert.equal(offline.report.code, 'tlog-missing');
    assert.match(offline.report.reason!, /could not be checked \(offline/);
    assert.ok(offline.lines.some((l) => /not trusted/.test(l)));
    assert.equal(rekor.requests.length, before);
    const skipped = await client.request<{ report: Report }>('imageTrust/verifyFile', { path: kubectl, identity: { subject: STAGING, issuer: GOOGLE }, ignoreTlog: true });
    // Only the checksum changed above still fails it; the signature itself passes without the log.
    assert.equal(skipped.report.code, 'checksum-mismatch');
    assert.equal(skipped.report.tlog, undefined);
  }
});
