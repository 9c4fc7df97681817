// All sigstore-conformance `bundle-verify` cases through our API: `*_fail` must fail, the rest must pass.
// @sigstore/verify 4.1.3 alone agrees on 69/70 (it accepts trust-root-tlog-missing-validity-start_fail);
// our trusted-root validation rejects that root, and our own rule rejects bundle-with-root-cert_fail for the
// reason the case names (the library only fails it by tripping over the entry's missing checkpoint).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { conformanceCases, runCase, CaseResult, CONFORMANCE_DIR } from './conformanceCases';

/** Cases where we knowingly disagree with the suite, with why. Empty: every case agrees. */
const KNOWN_DISAGREEMENTS: Record<string, string> = {};

describe('verify: sigstore-conformance bundle-verify', function () {
  this.timeout(60000);
  let results: CaseResult[] = [];

  before(() => {
    results = conformanceCases().map(runCase);
  });

  it('has all 70 cases', () => {
    assert.equal(results.length, 70);
  });

  it('agrees with the expected verdict of every case (count table printed; VERIFY_CONFORMANCE_TABLE=1 lists cases)', () => {
    const rows = results.map((r) => ({
      name: r.name,
      expectPass: r.expectPass,
      passed: r.outcome.ok,
      agrees: r.outcome.ok === r.expectPass,
      verdict: r.outcome.ok ? 'pass' : `fail ${r.outcome.code}`,
      reason: r.outcome.ok ? '' : r.outcome.reason,
    }));
    const count = (expectPass: boolean, passed: boolean) => rows.filter((r) => r.expectPass === expectPass && r.passed === passed).length;
    const agreeing = rows.filter((r) => r.agrees).length;
    const lines = [
      `      sigstore-conformance bundle-verify: ${agreeing}/${rows.length} agree`,
      '                     expected pass   expected fail',
      `        we pass      ${String(count(true, true)).padStart(13)}   ${String(count(false, true)).padStart(13)}`,
      `        we fail      ${String(count(true, false)).padStart(13)}   ${String(count(false, false)).padStart(13)}`,
    ];
    const disagreeing = rows.filter((r) => !r.agrees);
    for (const r of disagreeing) lines.push(`      DISAGREES ${r.name}: got ${r.verdict}. ${KNOWN_DISAGREEMENTS[r.name] ?? 'UNEXPLAINED'} ${r.reason}`);
    if (process.env.VERIFY_CONFORMANCE_TABLE === '1') {
      for (const r of rows) lines.push(`        ${r.agrees ? 'ok  ' : 'DIFF'} ${r.name.padEnd(58)} expected ${r.expectPass ? 'pass' : 'fail'}, got ${r.verdict}`);
    }
    console.log(lines.join('\n'));
    assert.deepEqual(disagreeing.map((r) => r.name), Object.keys(KNOWN_DISAGREEMENTS));
  });

  it('fails for the reason each notable case is about', () => {
    const code = (name: string) => {
      const r = results.find((x) => x.name === name)!;
      return r.outcome.ok ? 'pass' : r.outcome.code;
    };
    assert.equal(code('trust-root-tlog-missing-validity-start_fail'), 'trusted-root-invalid');
    assert.equal(code('bundle-with-root-cert_fail'), 'malformed-signature');
    assert.equal(code('bundle-from-wrong-instance_fail'), 'certificate-untrusted');
    assert.equal(code('set-invalid-signature_fail'), 'tlog-invalid');
    assert.equal(code('signature-mismatch_fail'), 'tlog-invalid');
    assert.equal(code('integrated-time-in-future_fail'), 'certificate-expired');
    assert.equal(code('intoto-expired-certificate_fail'), 'certificate-expired');
    assert.equal(code('invalid-ct-key_fail'), 'sct-invalid');
    assert.equal(code('rekor2-no-timestamp_fail'), 'timestamp-invalid');
    assert.equal(code('wrong-material_fail'), 'digest-mismatch');
    assert.equal(code('managed-key-no-key_fail'), 'key-mismatch');
    assert.equal(code('managed-key-wrong-key_fail'), 'invalid-policy');
  });

  it('documents why we need our own trusted-root check: @sigstore/verify 4.1.3 alone accepts the malformed root', () => {
    const dir = path.join(CONFORMANCE_DIR, 'trust-root-tlog-missing-validity-start_fail');
    const read = (f: string) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    const trust = toTrustMaterial(TrustedRoot.fromJSON(read('trusted_root.json')));
    const entity = toSignedEntity(bundleFromJSON(read('bundle.sigstore.json')), fs.readFileSync(path.join(CONFORMANCE_DIR, 'a.txt')));
    // If a future version starts rejecting it, this fails: then our check can go.
    assert.doesNotThrow(() => new Verifier(trust).verify(entity));
  });
});
