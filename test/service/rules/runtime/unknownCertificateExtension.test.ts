import { strict as assert } from 'node:assert';
import { textAt, validate, withCode } from '../../../support/service';
import { Severity } from '../../../../server/src/service/types';
import { kyvernoPolicy } from './policies';

const CODE = 'policy-unknown-certificate-extension';

function keyless(extensions: string[], where: 'attestor' | 'nested' = 'attestor'): string {
  const keylessLines = [
    'keyless:',
    '  subject: "https://github.com/acme/*"',
    '  issuer: https://token.actions.githubusercontent.com',
    '  rekor: {url: https://rekor.sigstore.dev}',
    '  additionalExtensions:',
    ...extensions.map((e) => `    ${e}`),
  ];
  const entry = where === 'attestor'
    ? ['      - ' + keylessLines[0], ...keylessLines.slice(1).map((l) => '        ' + l)]
    : ['      - attestor:', '          entries:', '            - ' + keylessLines[0], ...keylessLines.slice(1).map((l) => '              ' + l)];
  return kyvernoPolicy(['imageReferences: ["ghcr.io/acme/*"]', 'failureAction: Enforce', 'attestors:', '  - entries:', ...entry.map((l) => l.slice(2))]);
}

describe('rule policy-unknown-certificate-extension', () => {
  it('reports a newer Fulcio extension by name or OID on its key, as an error', () => {
    const text = keyless(['sourceRepositoryURI: https://github.com/acme/app', '"1.3.6.1.4.1.57264.1.12": https://github.com/acme/app']);
    const found = withCode(validate(text), CODE);
    assert.deepEqual(found.map((d) => textAt(text, d)), ['sourceRepositoryURI', '"1.3.6.1.4.1.57264.1.12"']);
    assert.equal(found[0].severity, Severity.Error);
    assert.match(found[0].message, /every verification with this attestor fails/);
  });

  it('accepts the six extensions Kyverno reads, by name and by OID', () => {
    const text = keyless(['githubWorkflowRepository: acme/app', 'githubWorkflowTrigger: push', '"1.3.6.1.4.1.57264.1.6": refs/heads/main', 'oidcIssuer: https://token.actions.githubusercontent.com']);
    assert.deepEqual(withCode(validate(text), CODE), []);
  });

  it('looks into nested attestors too', () => {
    const text = keyless(['buildSignerURI: https://github.com/acme/*'], 'nested');
    assert.deepEqual(withCode(validate(text), CODE).map((d) => textAt(text, d)), ['buildSignerURI']);
  });

  it('checks the deprecated entry-level field only where Convert() makes it a keyless attestor (v1 with issuer)', () => {
    const legacy = (issuer: boolean) => kyvernoPolicy([
      'image: "ghcr.io/acme/*"',
      'subject: "https://github.com/acme/*"',
      ...(issuer ? ['issuer: https://token.actions.githubusercontent.com'] : []),
      'additionalExtensions:',
      '  buildSignerURI: x',
    ]);
    assert.deepEqual(withCode(validate(legacy(true)), CODE).map((d) => textAt(legacy(true), d)), ['buildSignerURI']);
    assert.deepEqual(withCode(validate(legacy(false)), CODE), []);
  });

  it('takes OIDs only as Kyverno spells them (no leading zero)', () => {
    const text = keyless(['"1.3.6.1.4.1.57264.1.06": refs/heads/main']);
    assert.deepEqual(withCode(validate(text), CODE).map((d) => textAt(text, d)), ['"1.3.6.1.4.1.57264.1.06"']);
  });
});
