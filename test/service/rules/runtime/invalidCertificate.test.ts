import { strict as assert } from 'node:assert';
import { textAt, validate, withCode } from '../../../support/service';
import { Severity } from '../../../../server/src/service/types';
import { inFile, KEY_CONTENT_COLUMN, kyvernoPolicy, pem, pemLines } from './policies';

const CODE = 'policy-invalid-certificate';

function certificatesEntry(field: string, lines: string[]): string {
  return kyvernoPolicy([
    'imageReferences: ["ghcr.io/acme/*"]',
    'failureAction: Enforce',
    'attestors:',
    '  - entries:',
    '      - certificates:',
    `          ${field}: |-`,
    ...lines,
  ]);
}

describe('rule policy-invalid-certificate', () => {
  it('accepts a valid certificate chain', () => {
    const lines = [...pemLines(pem('leaf-signed-by-root.crt'), KEY_CONTENT_COLUMN), ...pemLines(pem('valid-root-ca.crt'), KEY_CONTENT_COLUMN)];
    assert.deepEqual(withCode(validate(certificatesEntry('certChain', lines)), CODE), []);
  });

  it('reports an expired certificate with its dates, on that certificate', () => {
    const expired = pemLines(pem('expired-ca.crt'), KEY_CONTENT_COLUMN);
    const text = certificatesEntry('certChain', [...pemLines(pem('valid-root-ca.crt'), KEY_CONTENT_COLUMN), ...expired]);
    const found = withCode(validate(text), CODE);
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, Severity.Error);
    assert.equal(textAt(text, found[0]), inFile(expired));
    assert.match(found[0].message, /"CN=Image Trust Expired CA, O=Image Trust Tests" expired on 2021-01-01 \(valid 2020-01-01 to 2021-01-01\)/);
  });

  it('warns about a certificate that is not valid yet', () => {
    const text = certificatesEntry('cert', pemLines(pem('not-yet-valid-ca.crt'), KEY_CONTENT_COLUMN));
    const [d] = withCode(validate(text), CODE);
    assert.equal(d.severity, Severity.Warning);
    assert.match(d.message, /not valid until 2100-01-01/);
  });

  it('reports keyless roots that do not parse and a public key given as a certificate', () => {
    const lines = pem('valid-root-ca.crt').split('\n');
    const corrupt = pemLines([...lines.slice(0, 3), ...lines.slice(5)].join('\n'), KEY_CONTENT_COLUMN);
    const text = kyvernoPolicy([
      'imageReferences: ["ghcr.io/acme/*"]',
      'attestors:',
      '  - entries:',
      '      - keyless:',
      '          subject: "https://github.com/acme/*"',
      '          roots: |',
      ...corrupt,
    ]);
    const [d] = withCode(validate(text), CODE);
    assert.match(d.message, /^keyless\.roots: invalid certificate: the CERTIFICATE block does not decode/);
    assert.equal(textAt(text, d), inFile(corrupt));
    const keyAsCert = certificatesEntry('cert', pemLines(pem('ec-p256.pub'), KEY_CONTENT_COLUMN));
    assert.match(withCode(validate(keyAsCert), CODE)[0].message, /where a CERTIFICATE is expected \(for a public key use a `keys` attestor\)/);
  });
});
