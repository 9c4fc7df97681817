import { strict as assert } from 'node:assert';
import { entry, found, verifyPolicy } from './helpers';

function attestor(kind: string, extra: string[]) {
  const body: Record<string, string[]> = {
    keys: ['publicKeys: "k8s://kyverno/cosign-key"'],
    keyless: ['subject: alice@company.com', 'issuer: https://accounts.google.com'],
    certificates: ['cert: "-----BEGIN CERTIFICATE-----"'],
  };
  return verifyPolicy(entry([
    'imageReferences: ["ghcr.io/myorg/*"]',
    'attestors:',
    '  - entries:',
    `      - ${kind}:`,
    ...[...body[kind], ...extra].map((l) => `          ${l}`),
  ].join('\n')));
}

describe('rule policy-tlog-disabled', () => {
  const CODE = 'policy-tlog-disabled';
  it('reports rekor.ignoreTlog: true on the value', () => {
    const [d] = found(attestor('keys', ['rekor:', '  ignoreTlog: true']), CODE);
    assert.equal(d.text, 'true');
    assert.equal(d.severity, 2);
    assert.match(d.message, /never recorded in the Rekor transparency log/);
    assert.match(d.message, /Remove it/);
    assert.equal(found(attestor('keyless', ['rekor:', '  url: https://rekor.sigstore.dev', '  ignoreTlog: true']), CODE).length, 1);
  });
  it('does not report ignoreTlog: false or an absent flag', () => {
    assert.deepEqual(found(attestor('keys', ['rekor:', '  ignoreTlog: false']), CODE), []);
    assert.deepEqual(found(attestor('keyless', ['rekor:', '  url: https://rekor.sigstore.dev']), CODE), []);
  });
});

describe('rule policy-sct-disabled', () => {
  const CODE = 'policy-sct-disabled';
  it('reports ctlog.ignoreSCT: true for keyless and certificate attestors', () => {
    const [d] = found(attestor('keyless', ['rekor:', '  url: https://rekor.sigstore.dev', 'ctlog:', '  ignoreSCT: true']), CODE);
    assert.equal(d.text, 'true');
    assert.equal(d.severity, 2);
    assert.match(d.message, /Certificate Transparency/);
    assert.equal(found(attestor('certificates', ['ctlog:', '  ignoreSCT: true']), CODE).length, 1);
  });
  it('does not report key attestors (no certificate to check) or ignoreSCT: false', () => {
    assert.deepEqual(found(attestor('keys', ['ctlog:', '  ignoreSCT: true']), CODE), []);
    assert.deepEqual(found(attestor('keyless', ['rekor:', '  url: https://rekor.sigstore.dev', 'ctlog:', '  ignoreSCT: false']), CODE), []);
  });
});
