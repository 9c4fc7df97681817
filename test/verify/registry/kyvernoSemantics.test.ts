// Kyverno's attestor-set semantics, the policy-entry reader and attestation conditions, without a registry.
import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import { AttestorSet, evaluateSet, expandPublicKeys, LeafAttestor } from '../../../server/src/verify/attestorSets';
import { evaluateConditions } from '../../../server/src/verify/kyvernoConditions';
import { matchImage, planFromEntry, planFromPolicy } from '../../../server/src/verify/policySpec';
import { policyText } from '../../support/cosign';

const pem = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
const logs = { ignoreTlog: false, ignoreSCT: false };

/** A check that passes exactly the keys listed. */
const passing = (...keys: string[]) => async (e: LeafAttestor) => ({ ok: e.kind === 'key' && keys.includes(e.publicKeyPem), reason: 'x' });

describe('verify: Kyverno attestor sets', () => {
  const [k1, k2, k3] = [pem(), pem(), pem()];
  const key = (p: string, path: string) => ({ kind: 'key' as const, path, publicKeyPem: p, logs });

  it('without count every entry must pass; with count N at least N', async () => {
    const set: AttestorSet = { path: 's', entries: [key(k1, 'a'), key(k2, 'b')] };
    assert.equal((await evaluateSet(set, passing(k1))).ok, false);
    assert.equal((await evaluateSet(set, passing(k1, k2))).ok, true);
    const one = await evaluateSet({ ...set, count: 1 }, passing(k2));
    assert.deepEqual([one.ok, one.passed, one.required], [true, 1, 1]);
    assert.equal((await evaluateSet({ ...set, count: 3 }, passing(k1, k2))).ok, false, 'count above the entries can never pass');
  });

  it('a nested attestor is one entry whose verdict is its own set\'s', async () => {
    const set: AttestorSet = { path: 's', entries: [key(k1, 'a'), { kind: 'nested', path: 'n', set: { path: 'n', count: 1, entries: [key(k2, 'b'), key(k3, 'c')] } }] };
    assert.equal((await evaluateSet(set, passing(k1, k3))).ok, true);
    const v = await evaluateSet(set, passing(k1));
    assert.equal(v.ok, false);
    assert.equal(v.entries[1].nested?.passed, 0);
  });

  it('several PEM keys expand to one entry each; variables, k8s:// and KMS references are unchecked', () => {
    const entries = expandPublicKeys(`${k1}\n${k2}`, { path: 'e', logs });
    assert.deepEqual(entries.map((e) => e.path), ['e.publicKeys[0]', 'e.publicKeys[1]']);
    assert.ok(entries.every((e) => e.kind === 'key'));
    assert.equal(expandPublicKeys(k1, { path: 'e', logs }).length, 1);
    for (const [value, reason] of [['k8s://ns/secret', /Kubernetes secret/], ['awskms:///alias/k', /awskms KMS key/], ['{{ request.object.key }}', /variable/]] as const) {
      const [e] = expandPublicKeys(value, { path: 'e', logs });
      assert.equal(e.kind, 'unchecked');
      assert.match((e as { reason: string }).reason, reason);
    }
  });

  it('unchecked entries never pass; the set is "undecided" only when they could make the difference', async () => {
    const set: AttestorSet = { path: 's', entries: [{ kind: 'unchecked', path: 'u', reason: 'kms' }, key(k1, 'a')] };
    const v = await evaluateSet(set, passing(k1));
    assert.deepEqual([v.ok, v.undecided, v.unchecked], [false, true, 1]);
    const hopeless = await evaluateSet(set, passing());
    assert.equal(hopeless.undecided, false);
    assert.equal((await evaluateSet({ ...set, count: 1 }, passing(k1))).ok, true);
  });
});

describe('verify: reading a verifyImages entry', () => {
  const k1 = pem();

  it('applies Kyverno defaults: omitted rekor = log verified, ignoreTlog only when set; repository inherited', () => {
    const r = planFromEntry({
      imageReferences: ['ghcr.io/acme/*'],
      repository: 'ghcr.io/acme/sigs',
      attestors: [{ entries: [{ keys: { publicKeys: k1 } }, { keys: { publicKeys: k1, rekor: { ignoreTlog: true } }, repository: 'ghcr.io/other', annotations: { team: 'blue' } }] }],
    }, 'p');
    assert.ok(r.ok);
    const [a, b] = r.plan.attestors[0].entries as LeafAttestor[];
    assert.deepEqual([a.logs.ignoreTlog, a.repository], [false, 'ghcr.io/acme/sigs']);
    assert.deepEqual([b.logs.ignoreTlog, b.repository, b.annotations], [true, 'ghcr.io/other', { team: 'blue' }]);
  });

  it('secret and kms keys are unchecked; keyless keeps Kyverno wildcard matching; nested attestor is read', () => {
    const r = planFromEntry({
      imageReferences: ['*'],
      attestors: [{ count: 1, entries: [
        { keys: { secret: { name: 's', namespace: 'n' } } },
        { keys: { kms: 'gcpkms://x' } },
        { keyless: { subject: '*@acme.io', issuer: 'https://accounts.google.com' } },
        { attestor: { entries: [{ keys: { publicKeys: k1 } }] } },
      ] }],
    }, 'p');
    assert.ok(r.ok);
    const kinds = r.plan.attestors[0].entries.map((e) => e.kind);
    assert.deepEqual(kinds, ['unchecked', 'unchecked', 'keyless', 'nested']);
    assert.equal((r.plan.attestors[0].entries[2] as { matching: string }).matching, 'kyverno');
  });

  it('type: SigstoreBundle keyless entries, nested and in attestations too, are matched the sigstore-go way', () => {
    const keyless = { keyless: { subject: 'a@acme.io', issuer: 'https://accounts.google.com' } };
    const r = planFromEntry({
      imageReferences: ['*'],
      type: 'SigstoreBundle',
      attestors: [{ entries: [keyless, { attestor: { entries: [keyless] } }] }],
      attestations: [{ type: 'https://slsa.dev/provenance/v1', attestors: [{ entries: [keyless] }] }],
    }, 'p');
    assert.ok(r.ok);
    const [direct, nested] = r.plan.attestors[0].entries;
    assert.equal((direct as { matching: string }).matching, 'sigstore-bundle');
    assert.equal(nested.kind === 'nested' && (nested.set.entries[0] as { matching: string }).matching, 'sigstore-bundle');
    assert.equal((r.plan.attestations[0].attestors[0].entries[0] as { matching: string }).matching, 'sigstore-bundle');
  });

  it('attestations without attestors mean any keyless public-good signer; the deprecated top-level key is converted', () => {
    const r = planFromEntry({ image: 'ghcr.io/x/*', key: k1, attestations: [{ predicateType: 'https://slsa.dev/provenance/v1' }, { type: 'https://t/v1' }] }, 'p');
    assert.ok(r.ok);
    assert.deepEqual(r.plan.imageReferences, ['ghcr.io/x/*']);
    assert.equal(r.plan.attestors.length, 0, 'with attestations, Convert() adds the key to each attestation instead');
    assert.equal(r.plan.attestations[0].type, 'https://slsa.dev/provenance/v1');
    assert.equal(r.plan.attestations[0].anySigner, false);
    const plain = planFromEntry({ imageReferences: ['*'], attestations: [{ type: 'https://t/v1' }] }, 'p');
    assert.ok(plain.ok);
    assert.equal(plain.plan.attestations[0].anySigner, true);
    assert.equal(plain.plan.attestations[0].attestors[0].entries[0].kind, 'keyless');
  });

  it('reads the entry from policy text, with the rule name', () => {
    const text = policyText({ attestors: [{ entries: [{ keys: { publicKeys: k1 } }] }] }, 'my-rule');
    const r = planFromPolicy('file:///p.yaml', text, 0, 0);
    assert.ok(r.ok);
    assert.equal(r.plan.ruleName, 'my-rule');
    assert.equal(r.plan.path, 'spec.rules[0].verifyImages[0]');
    const missing = planFromPolicy('file:///p.yaml', text, 0, 3);
    assert.ok(!missing.ok);
    assert.match(missing.reason, /no verifyImages entry at index 3/);
  });

  it('matches images the Kyverno way (normalised, anchored wildcard, skipImageReferences)', () => {
    const plan = { imageReferences: ['docker.io/nginx*', 'ghcr.io/acme/*'], skipImageReferences: ['ghcr.io/acme/skip*'] };
    assert.ok(matchImage(plan, 'nginx').applies);
    assert.ok(matchImage(plan, 'ghcr.io/acme/app:v1').applies);
    const library = matchImage({ imageReferences: ['docker.io/library/nginx*'], skipImageReferences: [] }, 'nginx');
    assert.ok(!library.applies);
    assert.match(library.reason, /rule does not apply to this image: docker\.io\/nginx:latest/);
    const skipped = matchImage(plan, 'ghcr.io/acme/skip-me:v1');
    assert.ok(!skipped.applies && /skipImageReferences/.test(skipped.reason));
  });
});

describe('verify: attestation conditions', () => {
  const statement = { _type: 'x', predicateType: 't', subject: [], predicate: { builder: { id: 'ci' }, score: 7, tags: ['a', 'b'], age: '2h' } };
  const run = (c: unknown) => evaluateConditions([c as never], statement as never);

  it('evaluates simple dotted keys against the predicate (Kyverno\'s root) or the statement', () => {
    assert.equal(run({ all: [{ key: '{{ builder.id }}', operator: 'Equals', value: 'ci' }] }).ok, true);
    assert.equal(run({ all: [{ key: '{{ predicate.builder.id }}', operator: 'Equals', value: 'ci' }] }).ok, true);
    assert.equal(run({ all: [{ key: '{{ builder.id }}', operator: 'NotEquals', value: 'ci' }] }).ok, false);
    assert.equal(run({ all: [{ key: '{{ score }}', operator: 'GreaterThan', value: '5' }] }).ok, true);
    assert.equal(run({ all: [{ key: '{{ age }}', operator: 'DurationLessThan', value: '168h' }] }).ok, true);
    assert.equal(run({ all: [{ key: '{{ tags }}', operator: 'AllIn', value: ['a', 'b', 'c'] }] }).ok, true);
    assert.equal(run({ all: [{ key: '{{ tags }}', operator: 'AnyNotIn', value: ['a'] }] }).ok, true);
    assert.equal(run({ all: [{ key: 'x', operator: 'In', value: ['y'] }] }).ok, false);
  });

  it('any needs one true condition; all needs every one', () => {
    assert.equal(run({ any: [{ key: '{{ score }}', operator: 'LessThan', value: 1 }, { key: '{{ builder.id }}', operator: 'Equals', value: 'ci' }] }).ok, true);
    const failed = run({ any: [{ key: '{{ score }}', operator: 'LessThan', value: 1 }] });
    assert.equal(failed.ok, false);
    assert.match(failed.notes.join(), /none holds/);
  });

  it('says plainly what it does not evaluate, instead of guessing', () => {
    const r = run({ all: [{ key: "{{ length(tags) }}", operator: 'Equals', value: 2 }] });
    assert.equal(r.ok, undefined);
    assert.match(r.notes[0], /^condition not evaluated: .*not a simple/);
    assert.equal(run({ all: [{ key: '{{ score }}', operator: 'Frobnicates', value: 1 }] }).ok, undefined);
    assert.equal(run({ all: [{ key: '{{ builder.id }}', operator: 'GreaterThan', value: 1 }] }).ok, undefined);
  });
});
