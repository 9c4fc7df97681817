// Kyverno's attestor-set, count and entry-verdict rules decided from gathered results: no registry, no network.
import { strict as assert } from 'node:assert';
import type { AttestorSet, KeyAttestor, LeafAttestor } from '../../server/src/verify/attestorSets';
import { decideEntry, decideSet, gatherLeafResults, leafAttestors, LeafResult, SetVerdict } from '../../server/src/verify/decide';

const logs = { ignoreTlog: false, ignoreSCT: false };
const key = (path: string): KeyAttestor => ({ kind: 'key', path, publicKeyPem: `pem-${path}`, logs });
const results = (pass: LeafAttestor[], fail: LeafAttestor[] = []) =>
  new Map<LeafAttestor, LeafResult>([...pass.map((l) => [l, { ok: true, reason: 'verified' }] as const), ...fail.map((l) => [l, { ok: false, reason: 'signed by another key' }] as const)]);

describe('verify: deciding attestor sets from gathered results', () => {
  const [a, b, c] = [key('a'), key('b'), key('c')];

  it('without count every entry must pass; count N needs N; a count above the entries never passes', () => {
    const set: AttestorSet = { path: 's', entries: [a, b] };
    assert.equal(decideSet(set, results([a], [b])).ok, false);
    assert.equal(decideSet(set, results([a, b])).ok, true);
    const one = decideSet({ ...set, count: 1 }, results([b], [a]));
    assert.deepEqual([one.ok, one.passed, one.required, one.total], [true, 1, 1, 2]);
    assert.equal(decideSet({ ...set, count: 3 }, results([a, b])).ok, false);
    assert.equal(decideSet({ ...set, count: 0 }, results([a], [b])).ok, false, 'count 0 means every entry');
  });

  it('an empty set never passes, and a leaf without a result counts as failed', () => {
    assert.equal(decideSet({ path: 'e', entries: [] }, results([])).ok, false);
    const v = decideSet({ path: 's', entries: [a] }, results([]));
    assert.deepEqual([v.ok, v.entries[0].status, v.entries[0].reason], [false, 'failed', 'not verified']);
  });

  it('a nested set is one entry with its own count; an undecided nested set makes its entry unchecked', () => {
    const nested: AttestorSet = { path: 'n', count: 1, entries: [b, c] };
    const set: AttestorSet = { path: 's', entries: [a, { kind: 'nested', path: 'n', set: nested }] };
    assert.equal(decideSet(set, results([a, c], [b])).ok, true);
    const failing = decideSet(set, results([a], [b, c]));
    assert.deepEqual([failing.ok, failing.entries[1].status, failing.entries[1].nested?.passed], [false, 'failed', 0]);
    const withUnknown: AttestorSet = { path: 's', entries: [a, { kind: 'nested', path: 'n', set: { path: 'n', entries: [{ kind: 'unchecked', path: 'u', reason: 'kms' }] } }] };
    const undecided = decideSet(withUnknown, results([a]));
    assert.deepEqual([undecided.ok, undecided.undecided, undecided.entries[1].status], [false, true, 'unchecked']);
  });

  it('unchecked entries never pass; the set is undecided only when they could make the difference', () => {
    const set: AttestorSet = { path: 's', entries: [{ kind: 'unchecked', path: 'u', reason: 'k8s secret' }, a] };
    assert.deepEqual([decideSet(set, results([a])).undecided, decideSet(set, results([], [a])).undecided], [true, false]);
    assert.equal(decideSet({ ...set, count: 1 }, results([a])).ok, true);
  });

  it('decides an entry: every set must pass; unsupported when only unchecked entries or conditions stand in the way', () => {
    const pass: SetVerdict = decideSet({ path: 'p', entries: [a] }, results([a]));
    const fail: SetVerdict = decideSet({ path: 'f', entries: [b] }, results([], [b]));
    const undecided: SetVerdict = decideSet({ path: 'u', entries: [{ kind: 'unchecked', path: 'u', reason: 'kms' }] }, results([]));
    assert.equal(decideEntry([pass, pass]), 'verified');
    assert.equal(decideEntry([pass, fail]), 'failed');
    assert.equal(decideEntry([pass, undecided]), 'unsupported');
    assert.equal(decideEntry([fail, undecided]), 'failed', 'a definite failure is not hidden by an unknown');
    assert.equal(decideEntry([pass], true), 'verified');
    assert.equal(decideEntry([fail], true), 'unsupported', 'an unevaluated attestation condition leaves the answer open');
    assert.equal(decideEntry([]), 'failed', 'nothing to satisfy is not a verification');
  });

  it('gathers leaf results depth first, one check per leaf, and stops when cancelled', async () => {
    const set: AttestorSet = { path: 's', entries: [a, { kind: 'unchecked', path: 'u', reason: 'x' }, { kind: 'nested', path: 'n', set: { path: 'n', entries: [b, c] } }] };
    assert.deepEqual(leafAttestors(set).map((l) => l.path), ['a', 'b', 'c']);
    const asked: string[] = [];
    const gathered = await gatherLeafResults(set, async (l) => (asked.push(l.path), { ok: l.path !== 'b', reason: l.path }));
    assert.deepEqual(asked, ['a', 'b', 'c']);
    assert.deepEqual([decideSet(set, gathered).ok, decideSet(set, gathered).entries[2].status], [false, 'failed']);
    const abort = new AbortController();
    await assert.rejects(gatherLeafResults(set, async () => (abort.abort(), { ok: true, reason: '' }), abort.signal), /Cancelled/);
  });
});

describe('verify: what is fetched before deciding', () => {
  // Imported here: fetch.ts is the network step; only its pure planning part is tested without a registry.
  const { repositoriesOf } = require('../../server/src/verify/fetch') as typeof import('../../server/src/verify/fetch');
  const leaf = (path: string, repository?: string): KeyAttestor => ({ ...key(path), repository });

  it('looks in each repository once, in the order the attestors first need it, skipping attestations without a type', () => {
    const plan = {
      path: 'p', verifierType: 'Cosign' as const, imageReferences: ['*'], skipImageReferences: [], notes: [],
      attestors: [{ path: 's', entries: [leaf('a'), { kind: 'nested' as const, path: 'n', set: { path: 'n', entries: [leaf('b', 'ghcr.io/sigs/app')] } }, leaf('c')] }],
      attestations: [
        { path: 't0', anySigner: false, conditions: [], attestors: [{ path: 'x', entries: [leaf('d', 'quay.io/never')] }] },
        { path: 't1', type: 'https://slsa.dev/provenance/v1', anySigner: false, conditions: [], attestors: [{ path: 'y', entries: [leaf('e', 'quay.io/atts/app')] }] },
      ],
    };
    assert.deepEqual(repositoriesOf(plan, 'ghcr.io/acme/app'), ['ghcr.io/acme/app', 'ghcr.io/sigs/app', 'quay.io/atts/app']);
  });
});
