// Rekor v1 log entries as its REST API returns them (`GET /api/v1/log/entries/{uuid}`), turned into the
// transparency-log entries of a Sigstore bundle so @sigstore/verify checks the signed entry timestamp (SET), the
// inclusion proof (RFC 6962 Merkle path) and the signed checkpoint against the trusted root. Pure: no network.
import { createHash } from 'node:crypto';
import { abort } from '../result';

/** One entry of Rekor's `LogEntry` map (the value under its UUID). */
export interface RekorEntry {
  /** The UUID Rekor files it under (optional 16-hex tree ID + the 64-hex RFC 6962 leaf hash). */
  uuid?: string;
  /** base64 of the canonical entry JSON (e.g. a hashedrekord 0.0.1). */
  body: string;
  integratedTime: number;
  logIndex: number;
  /** hex SHA-256 of the log's public key. */
  logID: string;
  verification?: {
    signedEntryTimestamp?: string;
    inclusionProof?: {
      logIndex: number;
      rootHash: string;
      treeSize: number;
      hashes: string[];
      checkpoint?: string;
    };
  };
}

/** Reads Rekor's `{uuid: entry}` map (or an array of such maps, as `entries/retrieve` answers). */
export function entriesFromResponse(json: unknown): RekorEntry[] {
  const maps = Array.isArray(json) ? json : [json];
  const out: RekorEntry[] = [];
  for (const map of maps) {
    if (!map || typeof map !== 'object') abort('tlog-invalid', 'The transparency log answered with something that is not a log entry.');
    for (const [uuid, raw] of Object.entries(map as Record<string, any>)) {
      if (!raw || typeof raw.body !== 'string' || typeof raw.logID !== 'string') abort('tlog-invalid', `The transparency-log entry ${uuid} has no body or logID.`);
      out.push({ uuid, body: raw.body, integratedTime: Number(raw.integratedTime), logIndex: Number(raw.logIndex), logID: raw.logID, verification: raw.verification });
    }
  }
  return out;
}

/** The RFC 6962 leaf hash of the entry body, hex: the last 64 hex digits of its UUID. */
export function leafHashHex(entry: RekorEntry): string {
  return createHash('sha256').update(Buffer.from([0])).update(Buffer.from(entry.body, 'base64')).digest('hex');
}

/** Rekor names an entry by its leaf hash: an entry served under another UUID is not the entry that was asked for. */
export function checkUuid(entry: RekorEntry): void {
  if (!entry.uuid) return;
  const leaf = leafHashHex(entry);
  if (!entry.uuid.toLowerCase().endsWith(leaf)) {
    abort('tlog-invalid', `The transparency-log entry served as ${entry.uuid} has a body whose leaf hash is ${leaf}: the log served another entry than the one it names.`);
  }
}

/** What the entry body records: the artifact hash, the signature and the key or certificate (hashedrekord 0.0.1). */
export interface EntryClaims {
  kind: string;
  apiVersion: string;
  hash?: { algorithm: string; value: string };
  signature?: string;
  publicKey?: string;
}

export function entryClaims(entry: RekorEntry): EntryClaims {
  let body: any;
  try {
    body = JSON.parse(Buffer.from(entry.body, 'base64').toString('utf8'));
  } catch {
    return abort('tlog-invalid', `The transparency-log entry (index ${entry.logIndex}) has a body that is not JSON.`);
  }
  const spec = body?.spec ?? {};
  return {
    kind: String(body?.kind ?? ''),
    apiVersion: String(body?.apiVersion ?? ''),
    hash: spec.data?.hash,
    signature: spec.signature?.content,
    publicKey: spec.signature?.publicKey?.content,
  };
}

/** The entry in the protobuf-JSON form of a bundle's `verificationMaterial.tlogEntries[]`. */
export function toBundleTlogEntry(entry: RekorEntry): Record<string, unknown> {
  if (!/^[0-9a-f]{64}$/i.test(entry.logID)) abort('tlog-invalid', `The transparency-log entry (index ${entry.logIndex}) has no hex logID.`);
  if (!Number.isSafeInteger(entry.integratedTime) || !Number.isSafeInteger(entry.logIndex)) abort('tlog-invalid', 'The transparency-log entry has no integrated time or log index.');
  const claims = entryClaims(entry);
  const out: Record<string, unknown> = {
    logIndex: String(entry.logIndex),
    logId: { keyId: Buffer.from(entry.logID, 'hex').toString('base64') },
    kindVersion: { kind: claims.kind, version: claims.apiVersion },
    integratedTime: String(entry.integratedTime),
    canonicalizedBody: entry.body,
  };
  const v = entry.verification ?? {};
  if (v.signedEntryTimestamp) out.inclusionPromise = { signedEntryTimestamp: v.signedEntryTimestamp };
  const proof = v.inclusionProof;
  if (proof) {
    if (!proof.checkpoint) abort('tlog-invalid', `The inclusion proof of transparency-log entry ${entry.logIndex} has no signed checkpoint.`);
    const hex = (h: string, what: string) => {
      if (!/^[0-9a-f]{64}$/i.test(h)) abort('tlog-invalid', `The inclusion proof of transparency-log entry ${entry.logIndex} has a malformed ${what}.`);
      return Buffer.from(h, 'hex').toString('base64');
    };
    out.inclusionProof = {
      logIndex: String(proof.logIndex),
      rootHash: hex(proof.rootHash, 'root hash'),
      treeSize: String(proof.treeSize),
      hashes: (proof.hashes ?? []).map((h) => hex(h, 'hash')),
      checkpoint: { envelope: proof.checkpoint },
    };
  }
  return out;
}

/**
 * The proof's root hash and tree size must be the ones the signed checkpoint states (the library computes the
 * root from the path and compares it with the checkpoint only).
 */
export function checkProofMatchesCheckpoint(entry: RekorEntry): void {
  const proof = entry.verification?.inclusionProof;
  if (!proof?.checkpoint) return;
  const lines = proof.checkpoint.split('\n');
  const size = lines[1];
  const root = lines[2] ? Buffer.from(lines[2], 'base64').toString('hex') : '';
  if (size !== String(proof.treeSize) || root !== proof.rootHash.toLowerCase()) {
    abort('tlog-invalid', `The inclusion proof of transparency-log entry ${entry.logIndex} states tree size ${proof.treeSize} and root ${proof.rootHash.slice(0, 16)}…, its signed checkpoint ${size} and ${root.slice(0, 16)}…: the proof is not for the checkpoint.`);
  }
}
