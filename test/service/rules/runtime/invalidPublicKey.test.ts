import { strict as assert } from 'node:assert';
import { textAt, validate, withCode, yaml } from '../../../support/service';
import { Severity } from '../../../../server/src/service/types';
import { inFile, keysEntry, KEY_CONTENT_COLUMN, kyvernoPolicy, pem, pemLines } from './policies';

const CODE = 'policy-invalid-public-key';

describe('rule policy-invalid-public-key', () => {
  it('stays quiet on valid keys, one or several in a block', () => {
    const text = kyvernoPolicy(keysEntry([...pemLines(pem('ec-p256.pub'), KEY_CONTENT_COLUMN), ...pemLines(pem('rsa-2048.pub'), KEY_CONTENT_COLUMN)]));
    assert.deepEqual(withCode(validate(text), CODE), []);
  });

  it('puts the error on the one broken block inside the block scalar', () => {
    const good = pemLines(pem('ec-p256.pub'), KEY_CONTENT_COLUMN);
    const lines = pem('ed25519.pub').split('\n');
    const broken = pemLines([lines[0], lines[1].slice(0, 20), lines[2]].join('\n'), KEY_CONTENT_COLUMN);
    const text = kyvernoPolicy(keysEntry([...good, ...broken]));
    const found = withCode(validate(text), CODE);
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, Severity.Error);
    assert.equal(textAt(text, found[0]), inFile(broken));
    assert.match(found[0].message, /^keys\.publicKeys: invalid public key: /);
  });

  it('explains a pasted private key and how to get the public one', () => {
    const text = kyvernoPolicy(keysEntry(pemLines(pem('cosign-encrypted-private.key'), KEY_CONTENT_COLUMN)));
    const [d] = withCode(validate(text), CODE);
    assert.match(d.message, /encrypted private key \(ENCRYPTED SIGSTORE PRIVATE KEY\)/);
    assert.match(d.message, /cosign public-key --key cosign\.key/);
    assert.equal(textAt(text, d), inFile(pemLines(pem('cosign-encrypted-private.key'), KEY_CONTENT_COLUMN)));
  });

  it('does not treat key references or variables as PEM', () => {
    for (const ref of ['k8s://cosign-system/cosign-pub', 'awskms:///arn:aws:kms:us-east-1:123:key/abc', '"{{ keys.cosign }}"']) {
      const text = kyvernoPolicy([
        'imageReferences: ["ghcr.io/acme/*"]',
        'attestors:',
        '  - entries:',
        '      - keys:',
        `          publicKeys: ${ref}`,
      ]);
      assert.deepEqual(withCode(validate(text), CODE), [], ref);
    }
  });

  it('checks the deprecated v1 `key` and a key folded onto one line', () => {
    const folded = pem('ec-p256.pub').split('\n').join(' ');
    const text = kyvernoPolicy(['image: "ghcr.io/acme/*"', `key: ${folded}`]);
    const [d] = withCode(validate(text), CODE);
    assert.match(d.message, /^key: invalid public key: the PEM lines are joined into one line/);
    assert.equal(textAt(text, d), folded);
  });

  it('warns about stray text between keys (the decoder ignores it)', () => {
    const text = kyvernoPolicy(keysEntry([
      ...pemLines(pem('ec-p256.pub'), KEY_CONTENT_COLUMN),
      `${' '.repeat(KEY_CONTENT_COLUMN)}backup key:`,
      ...pemLines(pem('ec-p384.pub'), KEY_CONTENT_COLUMN),
    ]));
    const [d] = withCode(validate(text), CODE);
    assert.equal(d.severity, Severity.Warning);
    assert.equal(textAt(text, d), 'backup key:');
  });

  it('checks ImageValidatingPolicy cosign.key.data and ClusterImagePolicy key.data', () => {
    const bad = pemLines(pem('ec-p256-private.key'), 12);
    const ivp = [
      'apiVersion: policies.kyverno.io/v1',
      'kind: ImageValidatingPolicy',
      'metadata:',
      '  name: ivp',
      'spec:',
      '  attestors:',
      '    - name: cosign',
      '      cosign:',
      '        key:',
      '          data: |',
      ...bad,
      '',
    ].join('\n');
    const [d] = withCode(validate(ivp), CODE);
    assert.match(d.message, /^cosign\.key\.data: invalid public key: this is a private key/);
    assert.equal(textAt(ivp, d), bad.join('\n').trimStart());

    const cip = yaml`
      apiVersion: policy.sigstore.dev/v1beta1
      kind: ClusterImagePolicy
      metadata:
        name: cip
      spec:
        images: [{glob: "ghcr.io/**"}]
        authorities:
          - key:
              data: |
                -----BEGIN PUBLIC KEY-----
                not base64 at all!
                -----END PUBLIC KEY-----
    `;
    const [c] = withCode(validate(cip), CODE);
    assert.match(c.message, /^key\.data: invalid public key: invalid base64 character '!' on line 2/);
  });
});
