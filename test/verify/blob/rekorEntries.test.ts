// Rekor v1 entries as the API serves them → bundle tlog entries, and the checks made before the library's: an entry
// served under another UUID, a proof for another checkpoint, a malformed answer.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { checkProofMatchesCheckpoint, checkUuid, entriesFromResponse, RekorEntry, toBundleTlogEntry } from '../../../server/src/verify/blob/rekorEntries';
import { VerifyAbort } from '../../../server/src/verify/result';

const body = Buffer.from(JSON.stringify({ apiVersion: '0.0.1', kind: 'hashedrekord', spec: { data: { hash: { algorithm: 'sha256', value: 'ab'.repeat(32) } } } }));
const leaf = createHash('sha256').update(Buffer.from([0])).update(body).digest('hex');
const root = 'cd'.repeat(32);
const entry = (over: Partial<RekorEntry> = {}): RekorEntry => ({
  uuid: `24296fb24b8ad77a${leaf}`,
  body: body.toString('base64'),
  integratedTime: 1700000000,
  logIndex: 7,
  logID: 'ef'.repeat(32),
  verification: {
    signedEntryTimestamp: 'MEUCIQ==',
    inclusionProof: { logIndex: 3, rootHash: root, treeSize: 9, hashes: ['01'.repeat(32)], checkpoint: `log - 1\n9\n${Buffer.from(root, 'hex').toString('base64')}\n\n— log AAAAAA==\n` },
  },
  ...over,
});
const code = (fn: () => void) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as VerifyAbort).failure.code + ': ' + (e as VerifyAbort).failure.reason;
  }
};

describe('verify-blob: Rekor entries', () => {
  it('reads the API map and keeps the UUID; a UUID (with or without tree ID) must be the body\'s leaf hash', () => {
    const [e] = entriesFromResponse({ [`24296fb24b8ad77a${leaf}`]: { body: body.toString('base64'), integratedTime: 1, logIndex: 2, logID: 'ef'.repeat(32) } });
    assert.equal(e.uuid, `24296fb24b8ad77a${leaf}`);
    assert.equal(code(() => checkUuid(entry())), 'ok');
    assert.equal(code(() => checkUuid(entry({ uuid: leaf }))), 'ok');
    assert.match(code(() => checkUuid(entry({ uuid: '00'.repeat(32) }))), /^tlog-invalid: .*served another entry/);
    assert.match(code(() => entriesFromResponse({ x: { logID: 'ef' } })), /^tlog-invalid/);
  });

  it('the proof must state the size and root its signed checkpoint states', () => {
    assert.equal(code(() => checkProofMatchesCheckpoint(entry())), 'ok');
    const e = entry();
    e.verification!.inclusionProof!.treeSize = 10;
    assert.match(code(() => checkProofMatchesCheckpoint(e)), /^tlog-invalid: .*not for the checkpoint/);
  });

  it('converts to the bundle form: hex → base64, SET as inclusion promise, checkpoint envelope', () => {
    const t = toBundleTlogEntry(entry()) as Record<string, any>;
    assert.deepEqual(t.kindVersion, { kind: 'hashedrekord', version: '0.0.1' });
    assert.equal(Buffer.from(t.logId.keyId, 'base64').toString('hex'), 'ef'.repeat(32));
    assert.equal(t.inclusionPromise.signedEntryTimestamp, 'MEUCIQ==');
    assert.equal(Buffer.from(t.inclusionProof.rootHash, 'base64').toString('hex'), root);
    assert.equal(t.inclusionProof.treeSize, '9');
    assert.match(t.inclusionProof.checkpoint.envelope, /^log - 1\n9\n/);
    assert.match(code(() => toBundleTlogEntry(entry({ logID: 'nothex' }))), /^tlog-invalid/);
    const noCheckpoint = entry();
    delete noCheckpoint.verification!.inclusionProof!.checkpoint;
    assert.match(code(() => toBundleTlogEntry(noCheckpoint)), /no signed checkpoint/);
  });
});
