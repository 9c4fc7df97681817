// Release companions found by name, checksum files in their real shapes (Kubernetes' bare `release.sha256`,
// `sha256sum` output, SHA256SUMS lists), and the material formats of cosign's files.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { checkChecksum, expectedChecksum } from '../../../server/src/verify/blob/checksums';
import { findCompanions, isCompanionName } from '../../../server/src/verify/blob/companions';
import { certificatePem, decodeSignatureFile, isCosignLocalBundle } from '../../../server/src/verify/blob/material';
import { makeCA } from '../certificates';

const file = Buffer.from('kubectl binary bytes\n');
const sha256 = createHash('sha256').update(file).digest('hex');
const sha512 = createHash('sha512').update(file).digest('hex');

describe('verify-blob: companions and checksums', () => {
  it('finds the companions of a file among its siblings, and only those', () => {
    const c = findCompanions('kubectl', ['kubectl', 'kubectl.sig', 'kubectl.cert', 'kubectl.sha256', 'kubectl.sha512', 'kubeadm.sig', 'SHA256SUMS', 'README']);
    assert.deepEqual(c, { bundle: undefined, signature: 'kubectl.sig', certificate: 'kubectl.cert', checksums: ['kubectl.sha256', 'kubectl.sha512', 'SHA256SUMS'] });
    const b = findCompanions('app.tgz', ['app.tgz', 'app.tgz.sigstore.json', 'app.tgz.pem', 'app.tgz.bundle']);
    assert.equal(b.bundle, 'app.tgz.sigstore.json');
    assert.equal(b.certificate, 'app.tgz.pem');
    assert.equal(b.signature, undefined);
    assert.ok(isCompanionName('kubectl.sig') && isCompanionName('SHA512SUMS') && !isCompanionName('kubectl'));
  });

  it('a bare hash (Kubernetes release.sha256 / .sha512) is checked with the algorithm its length and name say', () => {
    assert.deepEqual(checkChecksum(file, 'v1.29.0.spdx', 'v1.29.0.spdx.sha256', `${sha256}\n`), { file: 'v1.29.0.spdx.sha256', algorithm: 'sha256', expected: sha256, actual: sha256, ok: true });
    assert.equal(checkChecksum(file, 'v1.29.0.spdx', 'v1.29.0.spdx.sha512', sha512)?.ok, true);
    const tampered = checkChecksum(Buffer.from('other'), 'v1.29.0.spdx', 'v1.29.0.spdx.sha512', sha512);
    assert.equal(tampered?.ok, false);
    assert.equal(tampered?.algorithm, 'sha512');
    // A sha256 in a file named .sha512 is not taken for what it is not.
    assert.equal(expectedChecksum(sha256, 'x', 'x.sha512'), undefined);
  });

  it('sha256sum lines and SHA256SUMS lists: the line naming the file counts, text and binary mode', () => {
    const list = `# release\n${'0'.repeat(64)}  kubeadm\n${sha256} *kubectl\n${'1'.repeat(64)}  bin/linux/amd64/kubelet\n`;
    assert.equal(checkChecksum(file, '/tmp/dl/kubectl', 'SHA256SUMS', list)?.ok, true);
    assert.equal(checkChecksum(file, 'kubeadm', 'SHA256SUMS', list)?.ok, false);
    assert.equal(checkChecksum(file, 'kubelet', 'SHA256SUMS', list)?.expected, '1'.repeat(64));
    assert.equal(checkChecksum(file, 'kube-proxy', 'SHA256SUMS', list), undefined);
    // A single line in FILE.sha256 is about FILE even when the name in it differs (renamed download).
    assert.equal(checkChecksum(file, 'kubectl', 'kubectl.sha256', `${sha256}  kubectl-v1.29.0`)?.ok, true);
  });

  it('reads signatures as base64 text or raw bytes, and certificates as PEM or base64 of PEM (Kubernetes .cert)', () => {
    const raw = Buffer.from([0x30, 0x45, 0x02, 0x21, 0xff, 0x00]);
    assert.deepEqual(decodeSignatureFile(`${raw.toString('base64')}\n`), raw);
    assert.deepEqual(decodeSignatureFile(raw), raw);
    const pem = makeCA().pem;
    assert.equal(certificatePem(Buffer.from(pem).toString('base64'), 'certificate'), pem.trim() + '\n');
    assert.equal(certificatePem(pem, 'certificate'), pem.trim() + '\n');
    assert.throws(() => certificatePem('not a certificate', 'certificate'), /neither a PEM certificate nor base64/);
    assert.ok(isCosignLocalBundle({ base64Signature: 'x' }) && !isCosignLocalBundle({ mediaType: 'm', base64Signature: 'x' }));
  });
});
