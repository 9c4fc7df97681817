import { strict as assert } from 'node:assert';
import { fixture } from '../../support/service';
import { describeCertificates, CertificateDescription, CertificateInfo, CertificateError } from '../../../server/src/service/crypto';

const cert = (name: string) => fixture(`keys/${name}`);
const NOW = new Date('2026-06-01T00:00:00Z');
const ok = (d: CertificateDescription): CertificateInfo => {
  assert.ok(d.ok, `expected a parsed certificate, got: ${(d as CertificateError).error}`);
  return d;
};

describe('crypto describeCertificates', () => {
  it('describes a valid self-signed CA', () => {
    const d = ok(describeCertificates(cert('valid-root-ca.crt'), NOW)[0]);
    assert.equal(d.subject, 'CN=Image Trust Test Root CA, O=Image Trust Tests');
    assert.equal(d.issuer, d.subject);
    assert.equal(d.validFrom.toISOString(), '2024-01-01T00:00:00.000Z');
    assert.equal(d.validTo.toISOString(), '2124-01-01T00:00:00.000Z');
    assert.equal(d.expired, false);
    assert.equal(d.notYetValid, false);
    assert.equal(d.isCA, true);
    assert.equal(d.selfSigned, true);
    assert.equal(d.keyAlgorithm, 'ECDSA P-256');
  });

  it('flags expiry and not-yet-valid relative to the given time', () => {
    const expired = ok(describeCertificates(cert('expired-ca.crt'), NOW)[0]);
    assert.equal(expired.expired, true);
    assert.equal(expired.validTo.toISOString(), '2021-01-01T00:00:00.000Z');
    assert.equal(expired.keyAlgorithm, 'ECDSA P-384');
    assert.equal(ok(describeCertificates(cert('expired-ca.crt'), new Date('2020-06-01T00:00:00Z'))[0]).expired, false);
    const future = ok(describeCertificates(cert('not-yet-valid-ca.crt'), NOW)[0]);
    assert.equal(future.notYetValid, true);
    assert.equal(future.expired, false);
  });

  it('lists SANs of a leaf and tells it is not a CA', () => {
    const d = ok(describeCertificates(cert('leaf-signed-by-root.crt'), NOW)[0]);
    assert.deepEqual(d.subjectAltNames, [
      'email:signer@example.com',
      'URI:https://github.com/example/repo/.github/workflows/release.yml@refs/heads/main',
    ]);
    assert.equal(d.isCA, false);
    assert.equal(d.selfSigned, false);
    assert.equal(d.issuer, 'CN=Image Trust Test Root CA, O=Image Trust Tests');
  });

  it('describes each certificate of a chain at its own offsets', () => {
    const chain = cert('leaf-signed-by-root.crt') + cert('valid-root-ca.crt');
    const described = describeCertificates(chain, NOW);
    assert.deepEqual(described.map((d) => ok(d).subject.split(',')[0]), ['CN=signer@example.com', 'CN=Image Trust Test Root CA']);
    assert.equal(chain.slice(described[1].start, described[1].end), cert('valid-root-ca.crt').trim());
  });

  it('returns errors as values: wrong block type and corrupt body', () => {
    const wrong = describeCertificates(cert('ec-p256.pub'), NOW)[0];
    assert.equal(wrong.ok, false);
    assert.equal((wrong as CertificateError).code, 'wrong-type');
    const lines = cert('valid-root-ca.crt').trim().split('\n');
    const corrupt = [...lines.slice(0, 3), ...lines.slice(5)].join('\n');
    const d = describeCertificates(corrupt, NOW)[0] as CertificateError;
    assert.equal(d.ok, false);
    assert.equal(d.code, 'unparsable');
    assert.match(d.error, /does not decode as an X\.509 certificate/);
  });
});
