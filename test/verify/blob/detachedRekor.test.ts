// A Kubernetes-style release file with a detached `.sig` and `.cert` (base64 of PEM, as dl.k8s.io serves them),
// signed by a certificate from a test CA (real openssl) with the seed's identity, and logged in a Rekor STAND-IN on
// 127.0.0.1 (rekorStandIn.ts: real-format entries, SET, RFC 6962 inclusion proof and checkpoint signed by a test log
// key). The verifier looks the entry up by the file's hash, as cosign does. The right identity passes; each way to go
// wrong fails with its own reason.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BlobReport, BlobRequest, runBlobVerification } from '../../../server/src/verify/blob/run';
import { CLI, ensureBuilt } from '../../lsp/harness';
import { Cosign, cosignBinary } from '../../support/cosign';
import { freePort, missingTools, tempDir } from '../../support/registry';
import { issueLeaf, Leaf, makeOpensslCa, OpensslCa, reissue } from './opensslCa';
import { hashedRekordBody, RekorStandIn } from './rekorStandIn';

const STAGING = 'krel-staging@k8s-releng-prod.iam.gserviceaccount.com';
const TRUST = 'krel-trust@k8s-releng-prod.iam.gserviceaccount.com';
const GOOGLE = 'https://accounts.google.com';

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

describe('verify-blob: detached .sig + .cert with the transparency log looked up in a Rekor stand-in', function () {
  this.timeout(120_000);
  const missing = missingTools().filter((t) => t === 'openssl');
  if (missing.length) {
    it('SKIPPED: openssl is missing', function () {
      console.log('      SKIPPED: openssl is missing (scripts/test-deps.sh)');
      this.skip();
    });
    return;
  }

  let dir: string;
  let ca: OpensslCa;
  let otherCa: OpensslCa;
  let leaf: Leaf;
  let rekor: RekorStandIn;
  let files: Record<string, string>;
  let logIndex: number;
  let integratedTime: number;

  const write = (name: string, content: string | Buffer) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };
  const sign = (key: crypto.KeyObject, data: Buffer) => crypto.sign('sha256', data, key).toString('base64');
  /** What the kubernetes release publishes: .sig is base64 text, .cert is base64 of the PEM. */
  const certFile = (name: string, pem: string) => write(name, Buffer.from(pem).toString('base64'));

  before(async () => {
    dir = tempDir('image-trust-blob-rekor-');
    ca = makeOpensslCa(dir, 'test-fulcio');
    otherCa = makeOpensslCa(dir, 'other-ca');
    leaf = issueLeaf(dir, ca, 'krel-staging', STAGING, GOOGLE);
    const foreign = issueLeaf(dir, otherCa, 'foreign', STAGING, GOOGLE);
    rekor = new RekorStandIn();
    await rekor.start();
    integratedTime = Math.floor(leaf.notBefore.getTime() / 1000) + 1;

    const kubectl = Buffer.from('kubectl v1.29.0 linux/amd64\n'.repeat(4096));
    const other = Buffer.from('kubeadm v1.29.0 linux/amd64\n');
    const foreignFile = Buffer.from('signed by a certificate from another CA\n');
    const sig = sign(leaf.privateKey, kubectl);
    const otherSig = sign(leaf.privateKey, other);
    const foreignSig = sign(foreign.privateKey, foreignFile);
    rekor.addFiller(5, integratedTime);
    logIndex = rekor.add(hashedRekordBody({ artifactSha256: sha256(kubectl), signatureB64: sig, verifierPem: leaf.pem }), integratedTime, sha256(kubectl)).index;
    rekor.add(hashedRekordBody({ artifactSha256: sha256(other), signatureB64: otherSig, verifierPem: leaf.pem }), integratedTime, sha256(other));
    rekor.add(hashedRekordBody({ artifactSha256: sha256(foreignFile), signatureB64: foreignSig, verifierPem: foreign.pem }), integratedTime, sha256(foreignFile));
    rekor.addFiller(3, integratedTime);

    const trustedRoot = {
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [rekor.trustedRootTlog()],
      certificateAuthorities: [{ subject: { organization: 'image-trust test', commonName: 'test-fulcio' }, uri: 'https://fulcio.test', certChain: { certificates: [{ rawBytes: ca.der.toString('base64') }] }, validFor: { start: '2020-01-01T00:00:00Z' } }],
      ctlogs: [],
      timestampAuthorities: [],
    };
    const tamperedSig = Buffer.from(sig, 'base64');
    tamperedSig[tamperedSig.length - 2] ^= 0x01;
    files = {
      kubectl: write('kubectl', kubectl),
      sig: write('kubectl.sig', sig),
      cert: certFile('kubectl.cert', leaf.pem),
      tampered: write('kubectl-tampered', Buffer.concat([kubectl, Buffer.from('#')])),
      tamperedSig: write('kubectl-tampered.sig', tamperedSig.toString('base64')),
      foreign: write('foreign', foreignFile),
      foreignSig: write('foreign.sig', foreignSig),
      foreignCert: certFile('foreign.cert', foreign.pem),
      trustedRoot: write('trusted_root.json', JSON.stringify(trustedRoot)),
      caPem: write('ca-chain.pem', ca.pem),
      tlogOnlyRoot: write('tlog_only_root.json', JSON.stringify({ ...trustedRoot, certificateAuthorities: [] })),
    };
  });

  after(async () => rekor?.stop());

  const request = (over: Partial<BlobRequest> = {}): BlobRequest => ({
    file: files.kubectl, signature: files.sig, certificate: files.cert, trustedRoot: files.trustedRoot,
    identity: { subject: STAGING, issuer: GOOGLE }, ignoreSCT: true, rekorUrl: rekor.url, ...over,
  });
  const expectFail = (r: BlobReport, code: string, reason: RegExp) => {
    assert.equal(r.verdict, code === 'tlog-unreachable' ? 'error' : 'failed', JSON.stringify(r));
    assert.equal(r.code, code, r.reason);
    assert.match(r.reason!, reason);
  };

  it("the seed's identity and issuer pass; the verdict names the identity, issuer and log entry", async () => {
    const r = await runBlobVerification(request());
    assert.equal(r.verdict, 'verified', r.reason);
    assert.deepEqual(r.certificate?.subjectAlternativeNames, [STAGING]);
    assert.equal(r.certificate?.issuer, GOOGLE);
    assert.equal(r.tlog?.logIndex, logIndex);
    assert.equal(r.tlog?.integratedTime, new Date(integratedTime * 1000).toISOString());
    assert.deepEqual(r.tlog?.verified, ['signed entry timestamp', 'inclusion proof and checkpoint']);
    assert.equal(r.tlog?.logID, rekor.logID.toString('hex'));
    assert.match(r.rekor!, /1 entry for this file/);
  });

  it('the same with --certificate-chain standing in for the trusted root\'s CAs', async () => {
    const r = await runBlobVerification(request({ trustedRoot: files.tlogOnlyRoot, certificateChain: files.caPem }));
    assert.equal(r.verdict, 'verified', r.reason);
    const without = await runBlobVerification(request({ trustedRoot: files.tlogOnlyRoot }));
    expectFail(without, 'certificate-untrusted', /does not chain|No certificate authority/);
  });

  it('wrong identity (the image-signing account) fails on the identity', async () => {
    expectFail(await runBlobVerification(request({ identity: { subject: TRUST, issuer: GOOGLE } })), 'identity-mismatch', new RegExp(`identity is ${STAGING}.*wants ${TRUST}`));
    // An exact identity is exact: a prefix of the real one does not match.
    expectFail(await runBlobVerification(request({ identity: { subject: 'krel-staging@k8s-releng-prod', issuer: GOOGLE } })), 'identity-mismatch', /wants krel-staging@k8s-releng-prod\./);
    const regexp = await runBlobVerification(request({ identity: { subjectRegExp: '^krel-(staging|trust)@k8s-releng-prod\\.iam\\.gserviceaccount\\.com$', issuer: GOOGLE } }));
    assert.equal(regexp.verdict, 'verified', regexp.reason);
  });

  it('wrong issuer fails on the issuer', async () => {
    expectFail(await runBlobVerification(request({ identity: { subject: STAGING, issuer: 'https://github.com/login/oauth' } })), 'identity-mismatch', /OIDC issuer is https:\/\/accounts\.google\.com, policy wants https:\/\/github\.com\/login\/oauth/);
  });

  it('a tampered file fails: its signature does not verify (and the log has no entry for its hash)', async () => {
    expectFail(await runBlobVerification(request({ file: files.tampered })), 'signature-mismatch', /does not verify/);
  });

  it('a tampered signature fails on the signature (before the log entry, which records the genuine one)', async () => {
    expectFail(await runBlobVerification(request({ signature: files.tamperedSig })), 'signature-mismatch', /does not verify with the key in its certificate/);
  });

  it('a certificate from another CA fails on the chain', async () => {
    expectFail(await runBlobVerification(request({ file: files.foreign, signature: files.foreignSig, certificate: files.foreignCert })), 'certificate-untrusted', /does not chain|No certificate authority/);
  });

  it('a log entry for another artefact (the log answers the search with it) fails on the entry body', async () => {
    rekor.searchAs.set(sha256(Buffer.from('kubectl v1.29.0 linux/amd64\n'.repeat(4096))), sha256(Buffer.from('kubeadm v1.29.0 linux/amd64\n')));
    try {
      expectFail(await runBlobVerification(request()), 'tlog-invalid', /entry \d+ is for another file \(sha256:[0-9a-f]{64}\), not this one/);
    } finally {
      rekor.searchAs.clear();
    }
  });

  it('a bad inclusion proof fails on the proof', async () => {
    rekor.corruptProof = true;
    try {
      expectFail(await runBlobVerification(request()), 'tlog-invalid', /inclusion could not be verified|root hash/);
    } finally {
      rekor.corruptProof = false;
    }
  });

  it("cosign's own --bundle file without a log entry (signature + base64 certificate) gets its entry looked up too", async () => {
    const bundle = write('kubectl.bundle', JSON.stringify({ base64Signature: readFileSync(files.sig, 'utf8'), cert: readFileSync(files.cert, 'utf8') }));
    const r = await runBlobVerification(request({ signature: undefined, certificate: undefined, bundle }));
    assert.equal(r.verdict, 'verified', r.reason);
    assert.equal(r.material, 'cosign-bundle');
    assert.equal(r.tlog?.logIndex, logIndex);
    expectFail(await runBlobVerification(request({ signature: undefined, certificate: undefined, bundle, offline: true, rekorUrl: undefined })), 'tlog-missing', /could not be checked \(offline/);
  });

  it('an entry recording another certificate for the same key fails on the entry (cosign compares certificates)', async () => {
    const other = Buffer.from('released again\n');
    const sig = sign(leaf.privateKey, other);
    const again = reissue(dir, ca, 'krel-staging', 'krel-staging-again');
    assert.notEqual(again, leaf.pem);
    rekor.add(hashedRekordBody({ artifactSha256: sha256(other), signatureB64: sig, verifierPem: again }), integratedTime, sha256(other));
    const file = write('again', other);
    const sigFile = write('again.sig', sig);
    expectFail(await runBlobVerification(request({ file, signature: sigFile })), 'tlog-invalid', /records another certificate than the given one/);
    // With the certificate that was logged, the same signature verifies.
    const ok = await runBlobVerification(request({ file, signature: sigFile, certificate: certFile('again.cert', again) }));
    assert.equal(ok.verdict, 'verified', ok.reason);
  });

  it('a log without its search index is asked for the entry itself, as cosign asks', async () => {
    rekor.indexDisabled = true;
    const before = rekor.requests.length;
    try {
      const r = await runBlobVerification(request());
      assert.equal(r.verdict, 'verified', r.reason);
      assert.equal(r.tlog?.logIndex, logIndex);
      assert.deepEqual(rekor.requests.slice(before), ['POST /api/v1/index/retrieve', 'POST /api/v1/log/entries/retrieve']);
      // A signature that was never logged is still not found that way.
      expectFail(await runBlobVerification(request({ signature: files.tamperedSig })), 'signature-mismatch', /does not verify/);
    } finally {
      rekor.indexDisabled = false;
    }
  });

  it('an unreachable log is an error, never a pass', async () => {
    const port = await freePort();
    expectFail(await runBlobVerification(request({ rekorUrl: `http://127.0.0.1:${port}` })), 'tlog-unreachable', /could not be checked.*unreachable/);
  });

  it('offline: says plainly the log could not be checked, makes no request, and fails unless the log is skipped', async () => {
    const before = rekor.requests.length;
    expectFail(await runBlobVerification(request({ offline: true, rekorUrl: undefined })), 'tlog-missing', /could not be checked \(offline/);
    assert.equal(rekor.requests.length, before);
    const skipped = await runBlobVerification(request({ offline: true, rekorUrl: undefined, ignoreTlog: true }));
    assert.equal(skipped.verdict, 'verified', skipped.reason);
    assert.equal(skipped.tlog, undefined);
    assert.ok(skipped.checked.some((c) => /transparency log not checked/.test(c)));
  });

  it('the CLI: exit 0 with the identity and log entry printed; 1 for a wrong identity; 2 for an unreachable log', async () => {
    ensureBuilt();
    const run = (args: string[]) => new Promise<{ code: number; out: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'verify-blob', ...args], { env: { PATH: process.env.PATH, HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b));
      child.stderr.on('data', (b: Buffer) => (out += b));
      child.on('close', (code) => resolve({ code: code ?? -1, out }));
    });
    const common = [files.kubectl, '--signature', files.sig, '--certificate', files.cert, '--trusted-root', files.trustedRoot, '--insecure-ignore-sct', '--certificate-oidc-issuer', GOOGLE];
    const ok = await run([...common, '--certificate-identity', STAGING, '--rekor-url', rekor.url]);
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, new RegExp(`certificate identity: ${STAGING}; issuer: ${GOOGLE}`));
    assert.match(ok.out, new RegExp(`transparency log: index ${logIndex}, integrated ${new Date(integratedTime * 1000).toISOString()}`));
    const wrong = await run([...common, '--certificate-identity', TRUST, '--rekor-url', rekor.url]);
    assert.equal(wrong.code, 1, wrong.out);
    const port = await freePort();
    const down = await run([...common, '--certificate-identity', STAGING, '--rekor-url', `http://127.0.0.1:${port}`]);
    assert.equal(down.code, 2, down.out);
  });
});

describe('verify-blob: differential against cosign 2.5.0 on the seed\'s command, with the Rekor stand-in', function () {
  this.timeout(300_000);
  const located = cosignBinary();

  interface Situation {
    name: string;
    file: string;
    sig: string;
    cert: string;
    identity: string[];
    issuer?: string;
    rekorUrl?: string;
    set?: () => void;
  }

  it('the same verdict as cosign verify-blob --signature --certificate --certificate-chain on every situation (table printed)', async function () {
    if (!located.path || missingTools().includes('openssl')) {
      console.log(`      SKIPPED: ${located.reason ?? 'openssl is missing'}`);
      this.skip();
    }
    ensureBuilt();
    const dir = tempDir('image-trust-blob-rekor-cosign-');
    const ca = makeOpensslCa(dir, 'test-fulcio');
    const otherCa = makeOpensslCa(dir, 'other-ca');
    const leaf = issueLeaf(dir, ca, 'krel-staging', STAGING, GOOGLE);
    const foreign = issueLeaf(dir, otherCa, 'foreign', STAGING, GOOGLE);
    const rekor = new RekorStandIn();
    await rekor.start();
    const rows: { name: string; cosign: number; ours: number; code?: string }[] = [];
    try {
      const time = Math.floor(leaf.notBefore.getTime() / 1000) + 1;
      const put = (name: string, data: Buffer, key: crypto.KeyObject, pem: string, log = true) => {
        const file = path.join(dir, name);
        writeFileSync(file, data);
        const sig = crypto.sign('sha256', data, key).toString('base64');
        writeFileSync(`${file}.sig`, sig);
        writeFileSync(`${file}.cert`, Buffer.from(pem).toString('base64'));
        if (log) rekor.add(hashedRekordBody({ artifactSha256: sha256(data), signatureB64: sig, verifierPem: pem }), time, sha256(data));
        return file;
      };
      rekor.addFiller(3, time);
      const kubectl = put('kubectl', Buffer.from('kubectl bytes\n'.repeat(100)), leaf.privateKey, leaf.pem);
      const foreignFile = put('foreign', Buffer.from('from another CA\n'), foreign.privateKey, foreign.pem);
      const unlogged = put('unlogged', Buffer.from('never logged\n'), leaf.privateKey, leaf.pem, false);
      rekor.addFiller(2, time);
      const tampered = path.join(dir, 'kubectl-tampered');
      writeFileSync(tampered, Buffer.from('kubectl bytes\n'.repeat(100) + '#'));
      const badSig = Buffer.from(readFileSync(`${kubectl}.sig`, 'utf8'), 'base64');
      badSig[badSig.length - 3] ^= 1;
      writeFileSync(`${dir}/kubectl-badsig.sig`, badSig.toString('base64'));
      const rekorPub = path.join(dir, 'rekor.pub');
      writeFileSync(rekorPub, rekor.publicKey.export({ format: 'pem', type: 'spki' }));
      const tlogOnly = path.join(dir, 'tlog_only_root.json');
      writeFileSync(tlogOnly, JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [rekor.trustedRootTlog()], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] }));
      const down = `http://127.0.0.1:${await freePort()}`;

      const base = { file: kubectl, sig: `${kubectl}.sig`, cert: `${kubectl}.cert`, identity: ['--certificate-identity', STAGING] };
      const situations: Situation[] = [
        { ...base, name: 'seed identity and issuer' },
        { ...base, name: 'identity regexp', identity: ['--certificate-identity-regexp', '^krel-(staging|trust)@k8s-releng-prod\\.iam\\.gserviceaccount\\.com$'] },
        { ...base, name: 'image identity (krel-trust)', identity: ['--certificate-identity', TRUST] },
        { ...base, name: 'identity prefix, exact', identity: ['--certificate-identity', 'krel-staging@k8s-releng-prod'] },
        { ...base, name: 'wrong issuer', issuer: 'https://github.com/login/oauth' },
        { ...base, name: 'tampered file', file: tampered },
        { ...base, name: 'tampered signature', sig: `${dir}/kubectl-badsig.sig` },
        { name: 'certificate from another CA', file: foreignFile, sig: `${foreignFile}.sig`, cert: `${foreignFile}.cert`, identity: base.identity },
        { name: 'signature never logged', file: unlogged, sig: `${unlogged}.sig`, cert: `${unlogged}.cert`, identity: base.identity },
        { ...base, name: 'corrupted inclusion proof', set: () => (rekor.corruptProof = true) },
        { ...base, name: 'log unreachable', rekorUrl: down },
      ];
      const c = new Cosign(located.path!, dir);
      for (const s of situations) {
        rekor.corruptProof = false;
        s.set?.();
        const common = ['--signature', s.sig, '--certificate', s.cert, '--certificate-chain', ca.certFile, ...s.identity,
          '--certificate-oidc-issuer', s.issuer ?? GOOGLE, '--insecure-ignore-sct', '--rekor-url', s.rekorUrl ?? rekor.url];
        const theirs = await c.run(['verify-blob', ...common, s.file], { SIGSTORE_REKOR_PUBLIC_KEY: rekorPub });
        const ours = await new Promise<{ code: number; out: string }>((resolve) => {
          const child = spawn(process.execPath, [CLI, 'verify-blob', s.file, ...common, '--trusted-root', tlogOnly, '--format', 'json'], { env: { PATH: process.env.PATH, HOME: dir }, stdio: ['ignore', 'pipe', 'ignore'] });
          let out = '';
          child.stdout.on('data', (b: Buffer) => (out += b));
          child.on('close', (code) => resolve({ code: code ?? -1, out }));
        });
        rows.push({ name: s.name, cosign: theirs.code, ours: ours.code, code: (JSON.parse(ours.out) as { code?: string }).code });
      }
      // cosign really searched the stand-in (by proposed entry) and checked what it served.
      assert.ok(rekor.requests.includes('POST /api/v1/log/entries/retrieve'), rekor.requests.join(', '));
    } finally {
      await rekor.stop();
      const lines = ['      verify-blob (detached .sig + .cert, Rekor stand-in) vs cosign 2.5.0:', `        ${'situation'.padEnd(30)} cosign  ours  our reason`];
      for (const r of rows) lines.push(`        ${r.name.padEnd(30)} ${String(r.cosign).padEnd(7)} ${String(r.ours).padEnd(5)} ${r.code ?? ''}${(r.cosign === 0) === (r.ours === 0) ? '' : '   DIFFERS'}`);
      lines.push(`        ${rows.filter((r) => (r.cosign === 0) === (r.ours === 0)).length}/${rows.length} agree on pass/fail (cosign exits 1 for every failure; ours 2 when the log is unreachable)`);
      console.log(lines.join('\n'));
    }
    assert.deepEqual(rows.filter((r) => (r.cosign === 0) !== (r.ours === 0)).map((r) => r.name), []);
    assert.deepEqual(rows.filter((r) => r.ours === 0).map((r) => r.name), ['seed identity and issuer', 'identity regexp']);
    assert.equal(rows.find((r) => r.name === 'log unreachable')?.ours, 2);
  });
});
