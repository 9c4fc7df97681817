import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cursor, service, textAt } from '../../support/service';
import { doHover } from '../../../server/src/service/hover';
import type { Hover } from '../../../server/src/service/types';

function hover(textWithMarker: string, marker = '^', now?: Date): { text: string; result: Hover | null } {
  const svc = service();
  const { text, position } = cursor(textWithMarker, marker);
  const file = svc.parse('file:///p.yaml', text);
  return { text, result: now ? doHover(file, position, now) : svc.doHover(file, position) };
}

/** The text a hover's range covers (hovers from doHover always carry one). */
const covered = (text: string, h: Hover) => textAt(text, { range: h.range! });

const indent = (pem: string, n: number) => pem.trim().split('\n').map((l) => ' '.repeat(n) + l).join('\n');

const HEAD = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: p\nspec:\n  rules:\n    - name: r\n      verifyImages:\n';

describe('hover', () => {
  it('shows our doc, type, default, allowed values and CRD path on a key, over the key only', () => {
    const { text, result } = hover(HEAD + '        - failure^Action: Enforce\n');
    assert.ok(result);
    const md = result.contents.value;
    assert.match(md, /\*\*`failureAction`\*\* · `string`/);
    assert.match(md, /Enforce` blocks the resource/);
    assert.match(md, /Allowed: `Audit`, `Enforce`/);
    assert.match(md, /`spec\.rules\[\]\.verifyImages\[\]\.failureAction`/);
    assert.equal(covered(text, result), 'failureAction');
  });

  it('shows the CRD default and the deprecation note', () => {
    const { result } = hover('apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nspec:\n  validationFailure^Action: audit\n');
    assert.match(result!.contents.value, /Default: `Audit`/);
    assert.match(result!.contents.value, /\*\*Deprecated\.\*\* Since Kyverno 1\.13/);
    assert.match(result!.contents.value, /Allowed: `Audit`, `Enforce`$/m);
  });

  it('documents keys inside keyless, nested attestors, and IVP/CIP fields', () => {
    const keyless = hover(HEAD + '        - attestors:\n            - entries:\n                - keyless:\n                    sub^ject: "a@b.c"\n');
    assert.match(keyless.result!.contents.value, /wildcard/);
    assert.equal(covered(keyless.text, keyless.result!), 'subject');
    const ivp = hover('apiVersion: policies.kyverno.io/v1\nkind: ImageValidatingPolicy\nspec:\n  matchImage^References:\n    - glob: "ghcr.io/*"\n');
    assert.match(ivp.result!.contents.value, /as written/);
    const cip = hover('apiVersion: policy.sigstore.dev/v1beta1\nkind: ClusterImagePolicy\nspec:\n  mo^de: warn\n');
    assert.match(cip.result!.contents.value, /Default: enforce/);
  });

  it('returns nothing outside policies', () => {
    assert.equal(hover('apiVersion: v1\nkind: ConfigMap\nda^ta: {}\n').result, null);
  });

  it('describes a public key: algorithm, size and SHA-256 fingerprint', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const fingerprint = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
    const doc = HEAD + '        - attestors:\n            - entries:\n                - keys:\n                    publicKeys: |-\n' + indent(pem, 22).replace('-----BEGIN', '-----BE^GIN') + '\n';
    const { text, result } = hover(doc);
    assert.ok(result);
    assert.match(result.contents.value, /ECDSA P-256\*\* \(256 bits\)/);
    assert.ok(result.contents.value.includes(fingerprint), 'fingerprint of the DER SubjectPublicKeyInfo');
    assert.ok(covered(text, result).startsWith('|-\n'), 'range covers the block scalar');
    assert.ok(covered(text, result).trimEnd().endsWith('-----END PUBLIC KEY-----'));
  });

  it('describes the transparency-log keys too (keyless rekor.pubkey, keys ctlog.pubkey), which Kyverno checks', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const rekor = HEAD + '        - attestors:\n            - entries:\n                - keyless:\n                    issuer: https://x\n                    rekor:\n                      pubkey: |-\n' + indent(pem, 24).replace('-----BEGIN', '-----BE^GIN') + '\n';
    assert.match(hover(rekor).result!.contents.value, /ECDSA P-256\*\* \(256 bits\)/);
    const ctlog = HEAD + '        - attestors:\n            - entries:\n                - keys:\n                    publicKeys: k8s://ns/k\n                    ctlog:\n                      pubkey: |-\n' + indent(pem, 24).replace('-----BEGIN', '-----BE^GIN') + '\n';
    assert.match(hover(ctlog).result!.contents.value, /ECDSA P-256\*\* \(256 bits\)/);
    // The same PEM under a field that holds no material (a condition key) has no hover.
    const elsewhere = HEAD + '        - attestations:\n            - conditions:\n                - all:\n                    - key: |-\n' + indent(pem, 24).replace('-----BEGIN', '-----BE^GIN') + '\n';
    assert.equal(hover(elsewhere).result, null);
  });

  it('reports a broken public key', () => {
    const doc = HEAD + '        - attestors:\n            - entries:\n                - keys:\n                    publicKeys: |-\n                      -----BEGIN PUBLIC KEY-----\n                      bm90IGEga2V5\n                      -----END PUB^LIC KEY-----\n';
    assert.match(hover(doc).result!.contents.value, /⚠ the PUBLIC KEY block does not decode as a public key/);
  });

  describe('certificates', function () {
    let certPem = '';
    before(function () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hover-cert-'));
      try {
        execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'k.pem'),
          '-out', path.join(dir, 'c.pem'), '-days', '30', '-subj', '/CN=signer.example/O=Image Trust Test'], { stdio: 'ignore' });
        certPem = fs.readFileSync(path.join(dir, 'c.pem'), 'utf8');
      } catch {
        this.skip();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    const certDoc = (pem: string) =>
      HEAD + '        - attestors:\n            - entries:\n                - certificates:\n                    cert: |-\n' + indent(pem, 22).replace('-----BEGIN', '-----BE^GIN') + '\n';

    it('shows subject, issuer and validity', () => {
      const { result } = hover(certDoc(certPem));
      const md = result!.contents.value;
      assert.match(md, /Subject: `CN=signer\.example, O=Image Trust Test`/);
      assert.match(md, /Issuer: `CN=signer\.example, O=Image Trust Test`/);
      const notAfter = new Date(new X509Certificate(certPem).validTo).toISOString().slice(0, 10);
      assert.ok(md.includes(`→ ${notAfter}`), md);
      assert.doesNotMatch(md, /expired/);
    });

    it('marks an expired certificate', () => {
      const later = new Date(Date.now() + 60 * 86400_000);
      const { result } = hover(certDoc(certPem), '^', later);
      assert.match(result!.contents.value, /\*\*expired\*\*/);
    });
  });

  it('warns that imageReferences "*" also covers public images', () => {
    const { text, result } = hover(HEAD + '        - imageReferences:\n            - "^*"\n');
    const md = result!.contents.value;
    assert.match(md, /strict/);
    assert.match(md, /docker\.io\/nginx/);
    assert.match(md, /skipImageReferences/);
    assert.equal(covered(text, result!), '"*"');
  });

  it('explains other patterns after normalisation', () => {
    const wildcard = hover(HEAD + '        - imageReferences: ["ghcr.io/my-org/^*"]\n').result!.contents.value;
    assert.match(wildcard, /including `\/`/);
    assert.match(wildcard, /ghcr\.io\/my-org\/team\/app:v1/);
    const bare = hover(HEAD + '        - imageReferences: ["ngi^nx"]\n').result!.contents.value;
    assert.match(bare, /`nginx` → `docker\.io\/nginx:latest`/);
    const tagStar = hover(HEAD + '        - imageReferences: ["ghcr.io/a/b:^*"]\n').result!.contents.value;
    assert.match(tagStar, /Digest-pinned/);
    const untagged = hover(HEAD + '        - skipImageReferences: ["ghcr.io/a/^b"]\n').result!.contents.value;
    assert.match(untagged, /^Skips nothing as written/);
  });
});
