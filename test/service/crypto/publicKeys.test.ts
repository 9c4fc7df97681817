import { strict as assert } from 'node:assert';
import { fixture } from '../../support/service';
import { describePublicKeys, PublicKeyDescription, PublicKeyInfo, PublicKeyError } from '../../../server/src/service/crypto';

const key = (name: string) => fixture(`keys/${name}`);
const ok = (d: PublicKeyDescription): PublicKeyInfo => {
  assert.ok(d.ok, `expected a parsed key, got: ${(d as PublicKeyError).error}`);
  return d;
};
const failed = (d: PublicKeyDescription): PublicKeyError => {
  assert.equal(d.ok, false, 'expected an error');
  return d as PublicKeyError;
};

describe('crypto describePublicKeys', () => {
  it('names the algorithm and size, with the SPKI SHA-256 that openssl prints', () => {
    const cases: [string, string, number, string][] = [
      ['ec-p256.pub', 'ECDSA P-256', 256, '56e64e35ddf2e879d52db79eb895d99ced44803b4b3e21b1400ad14f25d2ca7b'],
      ['ec-p384.pub', 'ECDSA P-384', 384, '2667b71524b9daa20a2588aed584933fe2cc3db81d2316b29ac97c9b222a1bef'],
      ['rsa-2048.pub', 'RSA', 2048, '74be562e9d29c9952c8cf82711a4ecf8a16b207ae151ef10560186a0222f76dc'],
      ['ed25519.pub', 'Ed25519', 256, 'ea0acd0f68221549bf3c0af7e6ea80cf10f960ba53a17853cf1cbf4acba3acb1'],
    ];
    for (const [file, algorithm, bits, fingerprint] of cases) {
      const [d] = describePublicKeys(key(file));
      const info = ok(d);
      assert.equal(info.algorithm, algorithm, file);
      assert.equal(info.bits, bits, file);
      assert.equal(info.fingerprint, fingerprint, file);
      assert.equal(info.fingerprintBase64, `SHA256:${Buffer.from(fingerprint, 'hex').toString('base64').replace(/=+$/, '')}`);
    }
  });

  it('returns one entry per block with offsets that cut out exactly that block', () => {
    const text = `${key('ec-p256.pub')}\n${key('ed25519.pub')}`;
    const described = describePublicKeys(text);
    assert.equal(described.length, 2);
    assert.deepEqual(described.map((d) => ok(d).algorithm), ['ECDSA P-256', 'Ed25519']);
    for (const d of described) {
      assert.ok(text.slice(d.start, d.end).startsWith('-----BEGIN PUBLIC KEY-----'));
      assert.ok(text.slice(d.start, d.end).endsWith('-----END PUBLIC KEY-----'));
    }
    assert.equal(described[1].start, key('ec-p256.pub').length + 1);
  });

  it('says a private key is not a public key and how to export one', () => {
    const d = failed(describePublicKeys(key('ec-p256-private.key'))[0]);
    assert.equal(d.code, 'private-key');
    assert.match(d.error, /private key \(PRIVATE KEY\)/);
    assert.match(d.error, /cosign public-key --key cosign\.key/);
  });

  it("recognises cosign's encrypted private key", () => {
    const d = failed(describePublicKeys(key('cosign-encrypted-private.key'))[0]);
    assert.equal(d.code, 'encrypted-private-key');
    assert.equal(d.label, 'ENCRYPTED SIGSTORE PRIVATE KEY');
    assert.match(d.error, /cosign public-key --key cosign\.key/);
  });

  it('points a certificate to the certificates attestor', () => {
    const d = failed(describePublicKeys(fixture('keys/valid-root-ca.crt'))[0]);
    assert.equal(d.code, 'certificate');
    assert.match(d.error, /certificates/);
  });

  it('names the bad base64 character and its line', () => {
    const broken = key('ec-p256.pub').replace('MFkw', 'MF!w');
    const d = failed(describePublicKeys(broken)[0]);
    assert.equal(d.code, 'framing');
    assert.match(d.error, /invalid base64 character '!' on line 2 of the block/);
  });

  it('reports a block cut short, a missing END line and a key folded onto one line', () => {
    const lines = key('ec-p256.pub').trim().split('\n');
    const truncated = [lines[0], lines[1], lines[3]].join('\n');
    assert.equal(failed(describePublicKeys(truncated)[0]).code, 'unparsable');
    const noEnd = lines.slice(0, 3).join('\n');
    assert.match(failed(describePublicKeys(noEnd)[0]).error, /no -----END PUBLIC KEY----- line/);
    const folded = lines.join(' ');
    assert.match(failed(describePublicKeys(folded)[0]).error, /joined into one line/);
  });

  it('reports text outside the blocks and text with no block at all', () => {
    const stray = describePublicKeys(`${key('ec-p256.pub')}oops\n`);
    assert.equal(stray.length, 2);
    assert.equal(failed(stray[1]).label, '');
    assert.equal(stray[1].text, 'oops');
    const none = failed(describePublicKeys('  k8s://ns/secret  ')[0]);
    assert.equal(none.code, 'no-pem');
    assert.deepEqual([none.start, none.end], [2, 17]);
  });
});
