// Checks Kyverno runs on each verifyImages entry (ImageVerification.Validate).
import { strict as assert } from 'node:assert';
import { admissionFindings, entry, found, KEY_ATTESTORS, PEM_A, verifyPolicy } from './helpers';

const REF = 'imageReferences: ["ghcr.io/acme/*"]';
const PEM_BLOCK = (indent: number) => PEM_A.map((l) => ' '.repeat(indent) + l).join('\n');

/** An entry with the given `attestors:` body (dedented, starting with `attestors:`). */
function withAttestors(attestors: string, extra = ''): string {
  return verifyPolicy(entry(`${REF}\n${extra ? extra + '\n' : ''}${attestors}`));
}

describe('admission rules on verifyImages entries', () => {
  describe('policy-image-reference-required', () => {
    const CODE = 'policy-image-reference-required';
    it('reports an entry without imageReferences on its first key, and an empty list on its key', () => {
      const [d] = found(verifyPolicy(entry(KEY_ATTESTORS)), CODE);
      assert.equal(d.text, 'attestors');
      assert.equal(d.severity, 1);
      assert.match(d.message, /no image reference/);
      assert.equal(found(verifyPolicy(entry(`imageReferences: []\n${KEY_ATTESTORS}`)), CODE)[0]?.text, 'imageReferences');
    });
    it('accepts imageReferences and, in v1 only, the deprecated image field', () => {
      assert.deepEqual(found(verifyPolicy(entry(`${REF}\n${KEY_ATTESTORS}`)), CODE), []);
      const legacy = entry(`image: "ghcr.io/acme/*"\n${KEY_ATTESTORS}`);
      assert.deepEqual(found(verifyPolicy(legacy), CODE), []);
      assert.equal(found(verifyPolicy(legacy, { apiVersion: 'kyverno.io/v2beta1' }), CODE)[0]?.text, 'image');
    });
  });

  describe('policy-count-exceeds-entries', () => {
    const CODE = 'policy-count-exceeds-entries';
    it('reports count above the number of entries on the count value, also in attestations and nested sets', () => {
      const [d] = found(withAttestors(KEY_ATTESTORS.replace('  - entries:', '  - count: 2\n    entries:')), CODE);
      assert.equal(d.text, '2');
      assert.equal(d.severity, 1);
      assert.match(d.message, /count is 2 but the attestor set has 1 entry/);
      const attestation = verifyPolicy(entry([
        REF,
        'attestations:',
        '  - type: https://slsa.dev/provenance/v1',
        '    attestors:',
        '      - count: 3',
        '        entries:',
        '          - keyless: {subject: "https://github.com/acme/*", issuer: https://token.actions.githubusercontent.com, rekor: {url: https://rekor.sigstore.dev}}',
      ].join('\n')));
      assert.equal(found(attestation, CODE)[0]?.text, '3');
      const nested = withAttestors([
        'attestors:',
        '  - entries:',
        '      - attestor:',
        '          count: 5',
        '          entries:',
        '            - keys: {kms: "awskms:///alias/a"}',
      ].join('\n'));
      assert.equal(found(nested, CODE)[0]?.text, '5');
    });
    it('counts written entries, so two PEM keys in one entry do not satisfy count: 2', () => {
      const twoPems = withAttestors([
        'attestors:',
        '  - count: 2',
        '    entries:',
        '      - keys:',
        '          publicKeys: |-',
        PEM_BLOCK(12),
        PEM_BLOCK(12),
      ].join('\n'));
      const [d] = found(twoPems, CODE);
      assert.equal(d.text, '2');
      assert.match(d.message, /put each public key in its own keys entry/);
    });
    it('accepts count equal to the entries', () => {
      const ok = withAttestors([
        'attestors:',
        '  - count: 2',
        '    entries:',
        '      - keys: {kms: "awskms:///alias/a"}',
        '      - keys: {kms: "awskms:///alias/b"}',
      ].join('\n'));
      assert.deepEqual(found(ok, CODE), []);
    });
  });

  describe('policy-attestor-entries-required', () => {
    const CODE = 'policy-attestor-entries-required';
    it('reports a set without entries (on entries, or the set\'s first key)', () => {
      assert.equal(found(withAttestors('attestors:\n  - entries: []'), CODE)[0]?.text, 'entries');
      const [d] = found(withAttestors('attestors:\n  - count: 1'), CODE);
      assert.equal(d.text, 'count');
      assert.equal(d.severity, 1);
    });
    it('accepts attestors: [], and entries-only or attestations without attestors', () => {
      assert.deepEqual(found(withAttestors('attestors: []'), CODE), []);
      assert.deepEqual(found(verifyPolicy(entry(REF)), CODE), []);
      assert.deepEqual(found(verifyPolicy(entry(`${REF}\nattestations:\n  - type: https://slsa.dev/provenance/v1\n    attestors: []`)), CODE), []);
    });
  });

  describe('policy-attestor-entry-kind', () => {
    const CODE = 'policy-attestor-entry-kind';
    it('reports an entry with no kind on its first key', () => {
      const [d] = found(withAttestors('attestors:\n  - entries:\n      - repository: ghcr.io/acme/signatures'), CODE);
      assert.equal(d.text, 'repository');
      assert.equal(d.severity, 1);
      assert.match(d.message, /sets none of keys, certificates, keyless or attestor/);
    });
    it('reports an entry with two kinds on the second one', () => {
      const text = withAttestors([
        'attestors:',
        '  - entries:',
        '      - keys: {kms: "awskms:///alias/a"}',
        '        keyless: {subject: a@acme.io, issuer: https://accounts.google.com, rekor: {url: https://rekor.sigstore.dev}}',
      ].join('\n'));
      const [d] = found(text, CODE);
      assert.equal(d.text, 'keyless');
      assert.match(d.message, /sets keys and keyless/);
    });
    it('accepts one kind per entry and ignores null values', () => {
      assert.deepEqual(found(withAttestors(KEY_ATTESTORS), CODE), []);
      assert.deepEqual(found(withAttestors('attestors:\n  - entries:\n      - keys: {kms: "awskms:///alias/a"}\n        keyless:'), CODE), []);
    });
  });

  describe('policy-key-required', () => {
    const CODE = 'policy-key-required';
    it('reports keys without publicKeys, kms or secret', () => {
      const [d] = found(withAttestors('attestors:\n  - entries:\n      - keys:\n          publicKeys: ""\n          rekor: {url: https://rekor.sigstore.dev}'), CODE);
      assert.equal(d.text, 'keys');
      assert.equal(d.severity, 1);
      assert.match(d.message, /Set publicKeys/);
    });
    it('accepts any one key source, without parsing PEM', () => {
      for (const src of ['publicKeys: "not a pem at all"', 'kms: gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k', 'secret: {name: cosign, namespace: kyverno}']) {
        assert.deepEqual(found(withAttestors(`attestors:\n  - entries:\n      - keys:\n          ${src}`), CODE), [], src);
      }
    });
  });

  describe('policy-signature-algorithm', () => {
    const CODE = 'policy-signature-algorithm';
    it('reports an unsupported keys.signatureAlgorithm next to publicKeys, on its value', () => {
      const [d] = found(withAttestors(`${KEY_ATTESTORS}\n          signatureAlgorithm: sha1`), CODE);
      assert.equal(d.text, 'sha1');
      assert.equal(d.severity, 1);
      assert.match(d.message, /sha224, sha256, sha384, sha512/);
    });
    it('accepts the four SHA-2 sizes, and ignores it without publicKeys', () => {
      for (const alg of ['sha224', 'sha256', 'sha384', 'sha512']) {
        assert.deepEqual(found(withAttestors(`${KEY_ATTESTORS}\n          signatureAlgorithm: ${alg}`), CODE), [], alg);
      }
      assert.deepEqual(found(withAttestors('attestors:\n  - entries:\n      - keys:\n          kms: awskms:///alias/a\n          signatureAlgorithm: md5'), CODE), []);
    });
  });

  describe('policy-certificate-required', () => {
    const CODE = 'policy-certificate-required';
    it('reports certificates without cert or certChain', () => {
      const [d] = found(withAttestors('attestors:\n  - entries:\n      - certificates:\n          rekor: {url: https://rekor.sigstore.dev}'), CODE);
      assert.equal(d.text, 'certificates');
      assert.equal(d.severity, 1);
    });
    it('accepts cert or certChain alone', () => {
      assert.deepEqual(found(withAttestors('attestors:\n  - entries:\n      - certificates:\n          certChain: "-----BEGIN CERTIFICATE-----"'), CODE), []);
      assert.deepEqual(found(withAttestors('attestors:\n  - entries:\n      - certificates: {cert: "x"}'), CODE), []);
    });
  });

  describe('policy-keyless-rekor-or-roots', () => {
    const CODE = 'policy-keyless-rekor-or-roots';
    it('reports keyless with neither rekor nor roots, and the deprecated v1 issuer without roots', () => {
      const [d] = found(withAttestors('attestors:\n  - entries:\n      - keyless:\n          subject: a@acme.io\n          issuer: https://accounts.google.com'), CODE);
      assert.equal(d.text, 'keyless');
      assert.equal(d.severity, 1);
      assert.match(d.message, /rekor: \{url: https:\/\/rekor\.sigstore\.dev\}/);
      const legacy = verifyPolicy(entry('image: "ghcr.io/acme/*"\nissuer: https://accounts.google.com\nsubject: a@acme.io'));
      assert.equal(found(legacy, CODE)[0]?.text, 'issuer');
    });
    it('accepts rekor.url or roots, and the deprecated issuer with roots', () => {
      assert.deepEqual(found(withAttestors('attestors:\n  - entries:\n      - keyless: {subject: a@acme.io, rekor: {url: https://rekor.sigstore.dev}}'), CODE), []);
      assert.deepEqual(found(withAttestors('attestors:\n  - entries:\n      - keyless: {subject: a@acme.io, roots: "-----BEGIN CERTIFICATE-----"}'), CODE), []);
      assert.deepEqual(found(verifyPolicy(entry('image: "ghcr.io/acme/*"\nissuer: https://accounts.google.com\nroots: "pem"')), CODE), []);
    });
  });

  describe('policy-rekor-url-required', () => {
    const CODE = 'policy-rekor-url-required';
    it('reports keyless rekor: {} on rekor and an empty url on its value', () => {
      const [d] = found(withAttestors('attestors:\n  - entries:\n      - keyless:\n          subject: a@acme.io\n          rekor: {}'), CODE);
      assert.equal(d.text, 'rekor');
      assert.equal(d.severity, 1);
      assert.deepEqual(found(withAttestors('attestors:\n  - entries:\n      - keyless:\n          rekor:\n            url: ""'), CODE).map((f) => f.text), ['""']);
    });
    it('accepts a rekor url, and does not check rekor of keys attestors', () => {
      assert.deepEqual(found(withAttestors('attestors:\n  - entries:\n      - keyless: {rekor: {url: https://rekor.sigstore.dev}}'), CODE), []);
      assert.deepEqual(found(withAttestors('attestors:\n  - entries:\n      - keys: {kms: "awskms:///alias/a", rekor: {}}'), CODE), []);
    });
  });

  describe('policy-notary-attestor', () => {
    const CODE = 'policy-notary-attestor';
    it('reports keys and keyless entries of a Notary entry', () => {
      const text = withAttestors([
        'attestors:',
        '  - count: 1',
        '    entries:',
        '      - keys: {kms: "awskms:///alias/a"}',
        '      - keyless: {roots: "pem"}',
      ].join('\n'), 'type: Notary');
      const ds = found(text, CODE);
      assert.deepEqual(ds.map((d) => d.text), ['keys', 'keyless']);
      assert.equal(ds[0].severity, 1);
      assert.match(ds[0].message, /certificates attestor/);
    });
    it('accepts certificates for Notary and keys for Cosign', () => {
      assert.deepEqual(found(withAttestors('attestors:\n  - entries:\n      - certificates: {cert: "pem"}', 'type: Notary'), CODE), []);
      assert.deepEqual(found(withAttestors(KEY_ATTESTORS, 'type: Cosign'), CODE), []);
    });
  });

  describe('policy-image-reference-variable', () => {
    const CODE = 'policy-image-reference-variable';
    it('reports the variable inside an image reference', () => {
      const text = verifyPolicy(entry(`imageReferences:\n  - "ghcr.io/{{ request.namespace }}/*"\n${KEY_ATTESTORS}`));
      const [d] = found(text, CODE);
      assert.equal(d.text, '{{ request.namespace }}');
      assert.equal(d.severity, 1);
    });
    it('ignores skipImageReferences and escaped braces', () => {
      const skip = verifyPolicy(entry(`${REF}\nskipImageReferences: ["ghcr.io/{{ request.namespace }}/*"]\n${KEY_ATTESTORS}`));
      assert.deepEqual(found(skip, CODE), []);
      const escaped = verifyPolicy(entry(`imageReferences: ['ghcr.io/\\{{x}}/*']\n${KEY_ATTESTORS}`));
      assert.deepEqual(found(escaped, CODE), []);
    });
  });

  it('a correct verifyImages policy yields no admission diagnostics', () => {
    const text = verifyPolicy([
      entry(`${REF}\n${KEY_ATTESTORS.replace('  - entries:', '  - count: 1\n    entries:')}`),
      entry([
        'imageReferences: ["ghcr.io/acme-ci/*"]',
        'failureAction: Audit',
        'mutateDigest: false',
        'attestors:',
        '  - entries:',
        '      - keyless:',
        '          subject: "https://github.com/acme/*"',
        '          issuer: https://token.actions.githubusercontent.com',
        '          rekor:',
        '            url: https://rekor.sigstore.dev',
        'attestations:',
        '  - type: https://slsa.dev/provenance/v1',
        '    attestors: []',
      ].join('\n')),
    ].join('\n'));
    assert.deepEqual(admissionFindings(text), []);
  });
});
