// Keyless signatures from a private CA (a private Fulcio's layout: root ← intermediate ← leaf with the identity in
// the SAN and the OIDC issuer in Fulcio's extensions), made with node:crypto, signed by the real cosign 2.5.0 with
// `--certificate --certificate-chain --tlog-upload=false` onto the loopback registry, and verified by us (a Kyverno
// keyless entry with `roots`, and dist/cli.js with the identity flags and a trusted root) and by `cosign verify
// --certificate-chain` (its last certificate is the root, the others intermediates). Every case asserts all three
// verdicts; the table is printed at the end. Kyverno `certificates` (cert + certChain) and legacy `.att`
// attestations from the same CA are compared the same way.
//
// cosign's signer checks the chain at the leaf's start of validity and parses the certificate with Go's x509, so it
// refuses certificates whose chain was already expired (or not yet valid) when the leaf was issued, and SANs Go
// rejects. Those cases are signed with the leaf's key and the certificate annotations are written onto the `.sig`
// layer afterwards (annotations are not signed, cosign writes the same ones), after asserting that cosign refuses.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { RegistryClient } from '../../../server/src/registry/client';
import type { VerifyOutcome, VerifySpec } from '../../../server/src/verify/api';
import { verifyImage } from '../../../server/src/verify/verifyImage';
import { Cosign, cosignBinary, policyText } from '../../support/cosign';
import { CLI, ensureBuilt } from '../../lsp/harness';
import { buildImage, missingTools, pushImage, RunningRegistry, startRegistry, tempDir } from '../../support/registry';
import { LeafOptions, makeCA, makeLeaf, TestCA } from '../certificates';

const DAY = 86_400_000;
const ISSUER = 'https://oidc.corp.example';
const OTHER_ISSUER = 'https://other-oidc.corp.example';
const WORKFLOW = 'https://git.corp.example/platform/app/.ci/release.yml@refs/heads/main';
const EMAIL = 'release-bot@corp.example';

interface Signing {
  leaf: Omit<LeafOptions, 'ca'>;
  /** The leaf's issuer. */
  ca: string;
  /** The `--certificate-chain` given to `cosign sign` (intermediates…root): the chain annotation. */
  chain?: string[];
  /** cosign's signer refuses this certificate: sign with its key, then write the annotations (see the header). */
  annotate?: RegExp;
  /** Sign with the certificate's key only: the signature carries no certificate. */
  keyOnly?: boolean;
  /** Also attest (legacy `.att`, type ATTESTATION_TYPE) with the same certificate and chain. */
  attest?: boolean;
}

const ATTESTATION_TYPE = 'https://corp.example/attestations/build/v1';

interface Check {
  name: string;
  image: string;
  expected: boolean;
  /** `cosign verify --certificate-chain` (last = root) and the Kyverno `roots` / trusted root built from the same. */
  roots: string[];
  identity?: string;
  identityRegexp?: string;
  issuer?: string;
  issuerRegexp?: string;
  /** Kyverno's wildcard `subject` when it differs from the exact identity. */
  kyvernoSubject?: string;
  /** Expected in our details when the verdict is ours. */
  says?: RegExp;
}

interface Row { name: string; cosign: string; ours: string; agree: boolean }

const missing = missingTools();
const cosign = missing.length ? {} : cosignBinary();

describe('keyless from a private CA: real registry, real cosign (differential)', function () {
  this.timeout(180_000);
  if (missing.length > 0 || !cosign.path) {
    const why = missing.length ? `missing ${missing.join(', ')} (scripts/test-deps.sh)` : `cosign unavailable: ${cosign.reason}`;
    it(`SKIPPED: ${why}`, function () {
      console.log(`  private-CA keyless tests skipped: ${why}`);
      this.skip();
    });
    return;
  }

  const now = Date.now();
  const at = (days: number) => new Date(now + days * DAY);
  let reg: RunningRegistry;
  let c: Cosign;
  let work: string;
  const ca: Record<string, TestCA> = {};
  const digests: Record<string, string> = {};
  const leafFiles: Record<string, string> = {};
  const leafPems: Record<string, string> = {};
  const refusals: Record<string, string> = {};
  const rows: Row[] = [];
  const file = (name: string, text: string) => {
    const p = path.join(work, name);
    writeFileSync(p, text);
    return p;
  };
  const pems = (names: string[]) => names.map((n) => ca[n].pem).join('');
  const repo = (image: string) => `keyless/${image.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)}`;
  const ref = (image: string) => `${reg.host}/${repo(image)}@${digests[image]}`;

  // The CA hierarchy. Leaves last a day unless a case says otherwise; roots and intermediates years.
  const authorities: [string, Date, Date, string?][] = [
    ['root', at(-730), at(3000)],
    ['inter', at(-365), at(1800), 'root'],
    ['otherRoot', at(-730), at(3000)],
    ['otherInter', at(-365), at(1800), 'otherRoot'],
    // Expired since the leaf was issued (leaves below are issued 400 days ago and still valid).
    ['rootExpiredSince', at(-1000), at(-1)],
    ['interUnderExpiredRoot', at(-900), at(300), 'rootExpiredSince'],
    ['interExpiredSince', at(-900), at(-1), 'root'],
    // Expired, or not yet valid, when the leaf was issued (an hour ago).
    ['rootExpiredBefore', at(-1000), at(-500)],
    ['interUnderRootExpiredBefore', at(-900), at(300), 'rootExpiredBefore'],
    ['interExpiredBefore', at(-700), at(-300), 'root'],
    ['interIssuedAfter', new Date(now - 30 * 60_000), at(300), 'root'],
  ];

  const leafNow = { notBefore: new Date(now - 3600_000), notAfter: at(1) };
  const leafOld = { notBefore: at(-400), notAfter: at(30) };
  const uri = (extra: Partial<LeafOptions> = {}): Omit<LeafOptions, 'ca'> => ({ subjectUri: WORKFLOW, oidcIssuer: ISSUER, ...leafNow, ...extra });

  // Issuer and SAN cases are issued by the root itself, so each isolates its own question from the chain's.
  const signings: Record<string, Signing> = {
    direct: { ca: 'root', chain: ['root'], leaf: uri() },
    viaInter: { ca: 'inter', chain: ['inter', 'root'], leaf: uri(), attest: true },
    interOnlyAnnotation: { ca: 'inter', chain: ['inter'], leaf: uri() },
    noChainAnnotation: { ca: 'inter', leaf: uri() },
    otherCA: { ca: 'otherInter', chain: ['otherInter', 'otherRoot'], leaf: uri() },
    email: { ca: 'inter', chain: ['inter', 'root'], leaf: uri({ sans: [{ kind: 'email', value: EMAIL }] }) },
    issuerV1Only: { ca: 'root', chain: ['root'], leaf: uri({ issuers: { v1: ISSUER } }) },
    issuerV8Only: { ca: 'root', chain: ['root'], leaf: uri({ issuers: { v2: ISSUER } }), attest: true },
    issuersDiffer: { ca: 'root', chain: ['root'], leaf: uri({ issuers: { v1: ISSUER, v2: OTHER_ISSUER } }) },
    issuersDifferV8First: { ca: 'root', chain: ['root'], leaf: uri({ issuers: { v1: ISSUER, v2: OTHER_ISSUER, v2First: true } }) },
    leafExpired: { ca: 'inter', chain: ['inter', 'root'], leaf: uri({ notBefore: at(-10), notAfter: at(-1) }) },
    leafExpiredKeyOnly: { ca: 'inter', leaf: uri({ notBefore: at(-10), notAfter: at(-1) }), keyOnly: true },
    rootExpiredSince: { ca: 'interUnderExpiredRoot', chain: ['interUnderExpiredRoot', 'rootExpiredSince'], leaf: uri(leafOld), attest: true },
    interExpiredSince: { ca: 'interExpiredSince', chain: ['interExpiredSince', 'root'], leaf: uri(leafOld) },
    rootExpiredBefore: { ca: 'interUnderRootExpiredBefore', chain: ['interUnderRootExpiredBefore', 'rootExpiredBefore'], leaf: uri(), annotate: /unable to validate certificate chain/ },
    interExpiredBefore: { ca: 'interExpiredBefore', chain: ['interExpiredBefore', 'root'], leaf: uri(), annotate: /unable to validate certificate chain/ },
    interIssuedAfter: { ca: 'interIssuedAfter', chain: ['interIssuedAfter', 'root'], leaf: uri(), annotate: /unable to validate certificate chain/ },
    nonAsciiUri: { ca: 'root', chain: ['root'], leaf: uri({ sans: [{ kind: 'uri', value: Buffer.from('h\xF4\xF4p://git.corp.example/app', 'latin1') }] }), annotate: /SAN|malformed|parse/ },
    nonAsciiEmail: { ca: 'root', chain: ['root'], leaf: uri({ sans: [{ kind: 'email', value: Buffer.from('bot@corp.ex\xE1mple', 'latin1') }] }), annotate: /SAN|malformed|parse/ },
  };

  const base = { roots: ['root'], identity: WORKFLOW, issuer: ISSUER };
  const checks: Check[] = [
    { name: 'leaf ← root, chain annotation [root]', image: 'direct', expected: true, ...base },
    { name: 'leaf ← intermediate ← root, intermediate from the chain annotation', image: 'viaInter', expected: true, ...base, says: /intermediate certificates taken from the signature chain annotation/ },
    { name: 'intermediate only in the annotation (cosign drops its last entry)', image: 'interOnlyAnnotation', expected: false, ...base, says: /does not chain/ },
    { name: 'no chain annotation, intermediate configured with the root', image: 'noChainAnnotation', expected: true, ...base, roots: ['inter', 'root'] },
    { name: 'no chain annotation, only the root configured', image: 'noChainAnnotation', expected: false, ...base },
    { name: "another CA's chain (its root in the annotation is not trusted)", image: 'otherCA', expected: false, ...base, says: /does not chain/ },
    { name: 'policy names another root', image: 'viaInter', expected: false, ...base, roots: ['otherRoot'] },
    { name: 'URI identity, wrong identity', image: 'viaInter', expected: false, ...base, identity: `${WORKFLOW}x`, kyvernoSubject: `${WORKFLOW}x` },
    { name: 'URI identity by regexp (anchored)', image: 'viaInter', expected: true, ...base, identity: undefined, identityRegexp: '^https://git\\.corp\\.example/platform/.*$' },
    { name: 'email identity, exact', image: 'email', expected: true, ...base, identity: EMAIL },
    { name: 'email identity, wildcard / regexp', image: 'email', expected: true, ...base, identity: undefined, identityRegexp: '^.*@corp\\.example$', kyvernoSubject: '*@corp.example' },
    { name: 'email identity, other domain', image: 'email', expected: false, ...base, identity: 'release-bot@corp.example.evil' },
    { name: 'issuer only in 1.1', image: 'issuerV1Only', expected: true, ...base, says: /issuer read from extension 1\.3\.6\.1\.4\.1\.57264\.1\.1/ },
    { name: 'issuer only in 1.8 (cosign/Kyverno read it empty)', image: 'issuerV8Only', expected: false, ...base, says: /OIDC issuer is \(none\).*no issuer extension read/ },
    { name: 'issuer only in 1.8, issuer regexp .*', image: 'issuerV8Only', expected: true, ...base, issuer: undefined, issuerRegexp: '.*' },
    { name: '1.1 and 1.8 differ, policy wants 1.1', image: 'issuersDiffer', expected: true, ...base },
    { name: '1.1 and 1.8 differ, policy wants 1.8', image: 'issuersDiffer', expected: false, ...base, issuer: OTHER_ISSUER, says: /OIDC issuer is https:\/\/oidc\.corp\.example,.*1\.3\.6\.1\.4\.1\.57264\.1\.1/ },
    { name: '1.8 before 1.1, policy wants 1.1', image: 'issuersDifferV8First', expected: true, ...base },
    { name: '1.8 before 1.1, policy wants 1.8', image: 'issuersDifferV8First', expected: false, ...base, issuer: OTHER_ISSUER },
    { name: 'issuer regexp on 1.1', image: 'issuersDiffer', expected: true, ...base, issuer: undefined, issuerRegexp: '^https://oidc\\.corp\\.' },
    { name: 'leaf expired (no log entry, checked now)', image: 'leafExpired', expected: false, ...base, says: /not valid now/ },
    { name: 'root expired since the leaf was issued', image: 'rootExpiredSince', expected: true, ...base, roots: ['rootExpiredSince'], says: /root "O=image-trust test, CN=rootExpiredSince" expired on/ },
    { name: 'intermediate expired since the leaf was issued', image: 'interExpiredSince', expected: true, ...base, says: /intermediate "O=image-trust test, CN=interExpiredSince" expired on/ },
    { name: 'root expired before the leaf was issued', image: 'rootExpiredBefore', expected: false, ...base, roots: ['rootExpiredBefore'], says: /not valid when the signing certificate was issued/ },
    { name: 'intermediate expired before the leaf was issued', image: 'interExpiredBefore', expected: false, ...base, says: /not valid when the signing certificate was issued/ },
    { name: 'intermediate issued after the leaf', image: 'interIssuedAfter', expected: false, ...base, says: /not valid when the signing certificate was issued/ },
    { name: 'non-ASCII byte in the URI SAN (h\\xF4\\xF4p://…)', image: 'nonAsciiUri', expected: false, ...base, identity: 'http://git.corp.example/app', says: /non-ASCII byte 0xf4/ },
    { name: 'non-ASCII byte in the email SAN', image: 'nonAsciiEmail', expected: false, ...base, identity: undefined, identityRegexp: '.*', kyvernoSubject: '*', says: /non-ASCII byte 0xe1/ },
  ];

  before(async function () {
    ensureBuilt();
    work = tempDir('image-trust-keyless-');
    reg = await startRegistry();
    c = new Cosign(cosign.path!, work);
    for (const [name, notBefore, notAfter, parent] of authorities) ca[name] = makeCA(name, notBefore, { notAfter, issuer: parent ? ca[parent] : undefined });
    await Promise.all(Object.keys(signings).map(async (image) => {
      const built = buildImage(work, { seed: `keyless-${image}` });
      digests[image] = built.digest;
      await pushImage(built, `${reg.host}/${repo(image)}:v1`);
    }));
    await Promise.all(Object.entries(signings).map(([image, s]) => sign(image, s)));
  });

  async function sign(image: string, s: Signing): Promise<void> {
    const leaf = makeLeaf({ ca: ca[s.ca], ...s.leaf });
    const key = c.keyFrom(`leaf-${image}`, leaf.privateKey);
    const certFile = file(`leaf-${image}.pem`, leaf.pem);
    leafFiles[image] = certFile;
    leafPems[image] = leaf.pem;
    const chainPem = s.chain ? pems(s.chain) : undefined;
    const chainFile = chainPem ? file(`chain-${image}.pem`, chainPem) : undefined;
    if (s.keyOnly) {
      await c.sign(key, ref(image));
      return;
    }
    const signed = await c.signWithCertificate(key, certFile, chainFile, ref(image));
    if (!s.annotate) {
      assert.equal(signed.code, 0, `cosign sign ${image}: ${signed.stderr}`);
      if (s.attest) await c.attestWithCertificate(key, certFile, chainFile!, ref(image), ATTESTATION_TYPE, { builder: 'ci' });
      return;
    }
    assert.notEqual(signed.code, 0, `cosign was expected to refuse the certificate of ${image}`);
    assert.match(signed.stderr, s.annotate);
    refusals[image] = signed.stderr.trim().split('\n').pop()!.replace(/^Error: /, '');
    await c.sign(key, ref(image));
    await annotateSignature(reg.host, repo(image), digests[image], {
      'dev.sigstore.cosign/certificate': leaf.pem,
      ...(chainPem ? { 'dev.sigstore.cosign/chain': chainPem } : {}),
    });
  }

  after(async () => {
    if (rows.length) {
      const w = Math.max(...rows.map((r) => r.name.length));
      console.log(`\n  private-CA keyless differential: ours vs cosign 2.5.0 verify / verify-attestation --certificate-chain (${rows.filter((r) => r.agree).length}/${rows.length} agree)`);
      console.log(`  ${'case'.padEnd(w)}  ${'cosign'.padEnd(12)}  ${'ours (Kyverno roots)'.padEnd(20)}  ${'ours (CLI flags)'.padEnd(16)}  agree`);
      for (const r of rows) console.log(`  ${r.name.padEnd(w)}  ${r.cosign.padEnd(12)}  ${r.ours}  ${r.agree ? 'yes' : 'NO   <-- DISAGREE'}`);
      const refused = Object.entries(refusals);
      if (refused.length) {
        console.log('  cosign sign refused these certificates; their annotations were written by the test:');
        for (const [image, why] of refused) console.log(`    ${image}: ${why}`);
      }
    }
    await reg?.stop();
  });

  const ours = (image: string, spec: VerifySpec): Promise<VerifyOutcome> => verifyImage({ image, spec }, { registry: new RegistryClient({ home: work }) });

  /** A Kyverno ClusterPolicy keyless entry: `roots` (every certificate a root, as Kyverno loads them), no log, no SCT. */
  const kyvernoSpec = (k: Check): VerifySpec => ({
    kind: 'policy-entry',
    policyUri: 'file:///policy.yaml',
    policyText: policyText({
      attestors: [{
        entries: [{
          keyless: {
            ...((k.kyvernoSubject ?? k.identity) ? { subject: k.kyvernoSubject ?? k.identity } : {}),
            ...(k.identityRegexp && !k.kyvernoSubject ? { subjectRegExp: k.identityRegexp } : {}),
            ...(k.issuer ? { issuer: k.issuer } : {}),
            ...(k.issuerRegexp ? { issuerRegExp: k.issuerRegexp } : {}),
            roots: pems(k.roots),
            rekor: { ignoreTlog: true },
            ctlog: { ignoreSCT: true },
          },
        }],
      }],
    }),
    ruleIndex: 0,
    entryIndex: 0,
  });

  /**
   * `image-trust verify` (dist/cli.js) with the identity flags and a trusted_root.json whose one CA is the same
   * chain (intermediates…root): its verdict as a VerifyOutcome-like value.
   */
  async function cliVerify(k: Check): Promise<{ verdict: string; summary: string; details: string[]; findings: { reason?: string }[] }> {
    const rootFile = file(`trusted-root-${k.roots.join('-')}.json`, trustedRootJson(k));
    const args = ['verify', ref(k.image), '--trusted-root', rootFile, '--insecure-ignore-tlog', '--insecure-ignore-sct', '--allow-insecure-registry', '--format', 'json'];
    if (k.identity) args.push('--certificate-identity', k.identity);
    if (k.identityRegexp) args.push('--certificate-identity-regexp', k.identityRegexp);
    if (k.issuer) args.push('--certificate-oidc-issuer', k.issuer);
    if (k.issuerRegexp) args.push('--certificate-oidc-issuer-regexp', k.issuerRegexp);
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, HOME: work }, timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 99) : 0, stdout: String(stdout), stderr: String(stderr) }));
    });
    assert.ok(run.code === 0 || run.code === 1, `cli exit ${run.code}: ${run.stderr}`);
    const json = JSON.parse(run.stdout) as { verdict: string; results: { summary: string; details: string[]; findings: { reason?: string }[] }[] };
    return { verdict: json.verdict, summary: json.results.map((r) => r.summary).join('\n'), details: json.results.flatMap((r) => r.details), findings: json.results.flatMap((r) => r.findings) };
  }

  const trustedRootJson = (k: Check): string =>
    JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [],
      ctlogs: [],
      timestampAuthorities: [],
      certificateAuthorities: [{
        subject: { organization: 'image-trust test', commonName: 'private fulcio' },
        uri: 'https://fulcio.corp.example',
        certChain: { certificates: k.roots.map((n) => ({ rawBytes: ca[n].der.toString('base64') })) },
        validFor: { start: '2000-01-01T00:00:00Z' },
      }],
    });

  // Kyverno `certificates` with `cert` and `certChain` ↔ `cosign verify --certificate --certificate-chain`: the
  // same chain rules with the policy's certificate; the signature's own certificate is held against the time.
  const certificateChecks: { name: string; image: string; chain: string[]; expected: boolean; says?: RegExp }[] = [
    { name: 'certificates: leaf ← intermediate ← root', image: 'viaInter', chain: ['inter', 'root'], expected: true },
    { name: 'certificates: root expired since the leaf was issued', image: 'rootExpiredSince', chain: ['interUnderExpiredRoot', 'rootExpiredSince'], expected: true, says: /root "O=image-trust test, CN=rootExpiredSince" expired on/ },
    { name: 'certificates: intermediate expired since', image: 'interExpiredSince', chain: ['interExpiredSince', 'root'], expected: true, says: /intermediate "O=image-trust test, CN=interExpiredSince" expired on/ },
    { name: 'certificates: intermediate expired before the leaf', image: 'interExpiredBefore', chain: ['interExpiredBefore', 'root'], expected: false, says: /not valid when the signing certificate was issued/ },
    { name: 'certificates: leaf expired', image: 'leafExpired', chain: ['inter', 'root'], expected: false, says: /not valid now/ },
    { name: "certificates: another CA's chain", image: 'viaInter', chain: ['otherInter', 'otherRoot'], expected: false, says: /does not chain/ },
    // cosign holds only the signature's own certificate against the time; this signature carries none.
    { name: 'certificates: expired leaf, signature without certificate', image: 'leafExpiredKeyOnly', chain: ['inter', 'root'], expected: true, says: /no validity period is held/ },
  ];

  // Legacy `.att` attestations from the same CA: the same chain and issuer rules (Kyverno `attestations`).
  const attestationChecks: { name: string; image: string; roots: string[]; expected: boolean; says?: RegExp }[] = [
    { name: 'attestation: leaf ← intermediate ← root', image: 'viaInter', roots: ['root'], expected: true, says: /intermediate certificates taken from the signature chain annotation/ },
    { name: 'attestation: root expired since the leaf was issued', image: 'rootExpiredSince', roots: ['rootExpiredSince'], expected: true, says: /root "O=image-trust test, CN=rootExpiredSince" expired on/ },
    { name: 'attestation: issuer only in 1.8', image: 'issuerV8Only', roots: ['root'], expected: false, says: /OIDC issuer is \(none\)/ },
    { name: 'attestation: another root', image: 'viaInter', roots: ['otherRoot'], expected: false, says: /does not chain/ },
  ];

  for (const k of attestationChecks) {
    it(`${k.name}: ${k.expected ? 'verifies' : 'fails'} in cosign verify-attestation and as a Kyverno attestations entry`, async () => {
      const chainFile = file(`roots-${k.roots.join('-')}.pem`, pems(k.roots));
      const keyless = { subject: WORKFLOW, issuer: ISSUER, roots: pems(k.roots), rekor: { ignoreTlog: true }, ctlog: { ignoreSCT: true } };
      const spec: VerifySpec = {
        kind: 'policy-entry',
        policyUri: 'file:///policy.yaml',
        policyText: policyText({ attestations: [{ type: ATTESTATION_TYPE, attestors: [{ entries: [{ keyless }] }] }] }),
        ruleIndex: 0,
        entryIndex: 0,
      };
      const [oracle, o] = await Promise.all([
        c.verifyAttestationKeyless(ref(k.image), ATTESTATION_TYPE, { identity: WORKFLOW, issuer: ISSUER, certificateChain: chainFile }),
        ours(ref(k.image), spec),
      ]);
      const cosignPass = oracle.code === 0;
      const oursPass = o.verdict === 'verified';
      rows.push({ name: k.name, cosign: `${cosignPass ? 'pass' : 'fail'} (exit ${oracle.code})`, ours: `${o.verdict.padEnd(20)}  ${'—'.padEnd(16)}`, agree: oursPass === cosignPass });
      assert.equal(cosignPass, k.expected, `cosign: ${oracle.stderr.trim().split('\n').pop()}`);
      const text = [o.summary, ...o.details, ...o.findings.map((f) => f.reason ?? '')].join('\n');
      assert.equal(oursPass, k.expected, `ours: ${text}`);
      if (k.says) assert.match(text, k.says);
    });
  }

  for (const k of certificateChecks) {
    it(`${k.name}: ${k.expected ? 'verifies' : 'fails'} in cosign and as a Kyverno certificates entry`, async () => {
      const chainFile = file(`chain-${k.chain.join('-')}.pem`, pems(k.chain));
      const spec: VerifySpec = {
        kind: 'policy-entry',
        policyUri: 'file:///policy.yaml',
        policyText: policyText({ attestors: [{ entries: [{ certificates: { cert: leafPems[k.image], certChain: pems(k.chain), rekor: { ignoreTlog: true }, ctlog: { ignoreSCT: true } } }] }] }),
        ruleIndex: 0,
        entryIndex: 0,
      };
      const [oracle, o] = await Promise.all([
        c.verifyKeyless(ref(k.image), { certificate: leafFiles[k.image], certificateChain: chainFile, identityRegexp: '.*', issuerRegexp: '.*' }),
        ours(ref(k.image), spec),
      ]);
      const cosignPass = oracle.code === 0;
      const oursPass = o.verdict === 'verified';
      rows.push({ name: k.name, cosign: `${cosignPass ? 'pass' : 'fail'} (exit ${oracle.code})`, ours: `${o.verdict.padEnd(20)}  ${'—'.padEnd(16)}`, agree: oursPass === cosignPass });
      assert.equal(cosignPass, k.expected, `cosign: ${oracle.stderr.trim().split('\n').pop()}`);
      const text = [o.summary, ...o.details, ...o.findings.map((f) => f.reason ?? '')].join('\n');
      assert.equal(oursPass, k.expected, `ours: ${text}`);
      if (k.says) assert.match(text, k.says);
    });
  }

  it('keyless Sigstore bundles from a private CA: not expressible with cosign 2.5.0 offline', function () {
    console.log('  private-CA keyless bundle cases skipped: cosign 2.5.0 verify-attestation --new-bundle-format refuses --certificate-chain and --ca-roots ("must be provided using --trusted-root") and still fetches the Fulcio roots through TUF for keyless, which needs the network; the sigstore-go issuer reading for bundles is tested offline in keylessChain.test.ts');
    this.skip();
  });

  for (const k of checks) {
    it(`${k.name}: ${k.expected ? 'verifies' : 'fails'} in cosign, as a Kyverno entry and with the CLI flags`, async () => {
      const chainFile = file(`roots-${k.roots.join('-')}.pem`, pems(k.roots));
      const [oracle, kyverno, flags] = await Promise.all([
        c.verifyKeyless(ref(k.image), { identity: k.identity, identityRegexp: k.identityRegexp, issuer: k.issuer, issuerRegexp: k.issuerRegexp, certificateChain: chainFile }),
        ours(ref(k.image), kyvernoSpec(k)),
        cliVerify(k),
      ]);
      const cosignPass = oracle.code === 0;
      const pass = (o: { verdict: string }) => o.verdict === 'verified';
      rows.push({
        name: k.name,
        cosign: `${cosignPass ? 'pass' : 'fail'} (exit ${oracle.code})`,
        ours: `${kyverno.verdict.padEnd(20)}  ${flags.verdict.padEnd(16)}`,
        agree: pass(kyverno) === cosignPass && pass(flags) === cosignPass,
      });
      assert.equal(cosignPass, k.expected, `cosign: ${oracle.stderr.trim().split('\n').pop()}`);
      for (const [what, o] of [['Kyverno entry', kyverno], ['CLI flags', flags]] as const) {
        const text = [o.summary, ...o.details, ...o.findings.map((f) => f.reason ?? '')].join('\n');
        assert.equal(pass(o), k.expected, `ours (${what}): ${text}`);
        if (k.says) assert.match(text, k.says, `ours (${what})`);
      }
    });
  }
});

/** Adds annotations to the first layer of the image's `.sig` manifest and pushes it back under the same tag. */
async function annotateSignature(host: string, repository: string, digest: string, annotations: Record<string, string>): Promise<void> {
  const url = `http://${host}/v2/${repository}/manifests/${digest.replace(':', '-')}.sig`;
  const accept = 'application/vnd.oci.image.manifest.v1+json';
  const got = await request('GET', url, { Accept: accept });
  assert.equal(got.status, 200, `GET ${url}: ${got.status}`);
  const manifest = JSON.parse(got.body.toString('utf8'));
  manifest.layers[0].annotations = { ...manifest.layers[0].annotations, ...annotations };
  const put = await request('PUT', url, { 'Content-Type': manifest.mediaType ?? accept }, Buffer.from(JSON.stringify(manifest)));
  assert.equal(put.status, 201, `PUT ${url}: ${put.status} ${put.body.toString('utf8')}`);
}

function request(method: string, url: string, headers: Record<string, string>, body?: Buffer): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
