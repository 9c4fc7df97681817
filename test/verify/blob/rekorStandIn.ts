// A Rekor STAND-IN for tests (no real Rekor can run here): an HTTP server on 127.0.0.1 that answers Rekor v1's
// searches — `POST /api/v1/index/retrieve` (by artifact hash, then `GET /api/v1/log/entries/{uuid}`, as Image Trust
// does) and `POST /api/v1/log/entries/retrieve` (by proposed entry, as cosign 2.5.0 does) — with entries in Rekor v1's real format: a canonical hashedrekord body, a signed
// entry timestamp (SET) over {body, integratedTime, logIndex, logID} made with a test log key, an RFC 6962 inclusion
// proof against the current tree, and a checkpoint (signed note) over that tree's size and root.
// Misbehaviours are switches, so tests can show each is caught.
import * as crypto from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { json } from '@sigstore/core';

const leafHash = (body: Buffer) => crypto.createHash('sha256').update(Buffer.from([0])).update(body).digest();
const nodeHash = (l: Buffer, r: Buffer) => crypto.createHash('sha256').update(Buffer.from([1])).update(l).update(r).digest();

/** RFC 6962 §2.1 Merkle tree hash of leaves [from, to). */
function treeHash(leaves: Buffer[], from: number, to: number): Buffer {
  const n = to - from;
  if (n === 1) return leaves[from];
  const k = largestPowerOfTwoBelow(n);
  return nodeHash(treeHash(leaves, from, from + k), treeHash(leaves, from + k, to));
}

/** RFC 6962 §2.1.1 PATH(m, D[from:to]): sibling hashes from the leaf level up. */
function auditPath(leaves: Buffer[], m: number, from: number, to: number): Buffer[] {
  const n = to - from;
  if (n <= 1) return [];
  const k = largestPowerOfTwoBelow(n);
  return m < k
    ? [...auditPath(leaves, m, from, from + k), treeHash(leaves, from + k, to)]
    : [...auditPath(leaves, m - k, from + k, to), treeHash(leaves, from, from + k)];
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export interface HashedRekordInput {
  artifactSha256: string;
  signatureB64: string;
  /** PEM certificate or public key recorded in the entry. */
  verifierPem: string;
}

export function hashedRekordBody(input: HashedRekordInput): Buffer {
  return Buffer.from(json.canonicalize({
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: input.artifactSha256 } },
      signature: { content: input.signatureB64, publicKey: { content: Buffer.from(input.verifierPem).toString('base64') } },
    },
  }));
}

interface StoredEntry { body: Buffer; integratedTime: number; hash: string }

export class RekorStandIn {
  readonly privateKey: crypto.KeyObject;
  readonly publicKey: crypto.KeyObject;
  readonly logID: Buffer;
  private readonly entries: StoredEntry[] = [];
  private server?: http.Server;
  url = '';
  /** Misbehaviours: answer searches for `hash` with another hash's entries; corrupt the first proof hash. */
  searchAs = new Map<string, string>();
  corruptProof = false;
  /** Like a private Rekor without its search index: `POST /api/v1/index/retrieve` answers 404. */
  indexDisabled = false;
  requests: string[] = [];

  constructor() {
    ({ privateKey: this.privateKey, publicKey: this.publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }));
    this.logID = crypto.createHash('sha256').update(this.publicKey.export({ format: 'der', type: 'spki' })).digest();
  }

  /** Appends an entry; returns its UUID (the hex leaf hash) and index. */
  add(body: Buffer, integratedTime: number, artifactSha256: string): { uuid: string; index: number } {
    this.entries.push({ body, integratedTime, hash: artifactSha256 });
    return { uuid: leafHash(body).toString('hex'), index: this.entries.length - 1 };
  }

  /** Unrelated entries, so the tree has some depth. */
  addFiller(count: number, integratedTime: number): void {
    for (let i = 0; i < count; i++) {
      const body = hashedRekordBody({ artifactSha256: crypto.randomBytes(32).toString('hex'), signatureB64: crypto.randomBytes(70).toString('base64'), verifierPem: 'filler' });
      this.add(body, integratedTime, 'filler');
    }
  }

  /** The `tlogs[]` entry of a trusted_root.json for this log. */
  trustedRootTlog(): Record<string, unknown> {
    return {
      baseUrl: this.url,
      hashAlgorithm: 'SHA2_256',
      publicKey: { rawBytes: this.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: '2020-01-01T00:00:00Z' } },
      logId: { keyId: this.logID.toString('base64') },
    };
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let data = '';
    req.on('data', (c: Buffer) => (data += c));
    req.on('end', () => {
      this.requests.push(`${req.method} ${req.url}`);
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'POST' && req.url === '/api/v1/index/retrieve' && this.indexDisabled) return send(404, { code: 404, message: 'search index not enabled' });
      if (req.method === 'POST' && req.url === '/api/v1/index/retrieve') {
        const asked = String((JSON.parse(data || '{}') as { hash?: string }).hash ?? '').replace(/^sha256:/, '');
        const hash = this.searchAs.get(asked) ?? asked;
        return send(200, this.entries.map((e) => e).filter((e) => e.hash === hash).map((e) => leafHash(e.body).toString('hex')));
      }
      if (req.method === 'POST' && req.url === '/api/v1/log/entries/retrieve') {
        // cosign's search: by proposed entries (the canonical body it would have logged) and/or UUIDs.
        const query = JSON.parse(data || '{}') as { entries?: unknown[]; entryUUIDs?: string[] };
        const wanted = new Set((query.entries ?? []).map((e) => leafHash(Buffer.from(json.canonicalize(e))).toString('hex')));
        for (const u of query.entryUUIDs ?? []) wanted.add(u.slice(-64));
        const found = this.entries.map((e, i) => ({ i, uuid: leafHash(e.body).toString('hex') })).filter((e) => wanted.has(e.uuid));
        return send(200, found.map((e) => ({ [e.uuid]: this.entryJson(e.i) })));
      }
      const m = /^\/api\/v1\/log\/entries\/([0-9a-f]{64,80})$/.exec(req.url ?? '');
      if (req.method === 'GET' && m) {
        const index = this.entries.findIndex((e) => m[1].endsWith(leafHash(e.body).toString('hex')));
        if (index < 0) return send(404, { code: 404, message: 'entry not found' });
        return send(200, { [m[1]]: this.entryJson(index) });
      }
      send(404, { code: 404, message: 'not found' });
    });
  }

  private entryJson(index: number): Record<string, unknown> {
    const e = this.entries[index];
    const leaves = this.entries.map((x) => leafHash(x.body));
    const size = leaves.length;
    const root = treeHash(leaves, 0, size);
    const hashes = auditPath(leaves, index, 0, size).map((h) => h.toString('hex'));
    if (this.corruptProof && hashes.length) hashes[0] = crypto.createHash('sha256').update('corrupt').digest('hex');
    const body = e.body.toString('base64');
    const payload = { body, integratedTime: e.integratedTime, logIndex: index, logID: this.logID.toString('hex') };
    const set = crypto.sign('sha256', Buffer.from(json.canonicalize(payload)), this.privateKey).toString('base64');
    return {
      ...payload,
      verification: {
        signedEntryTimestamp: set,
        inclusionProof: { logIndex: index, rootHash: root.toString('hex'), treeSize: size, hashes, checkpoint: this.checkpoint(size, root) },
      },
    };
  }

  /** A signed note as Rekor writes it: origin, size, base64 root; then "— <name> base64(keyhint ‖ signature)". */
  private checkpoint(size: number, root: Buffer): string {
    const note = `127.0.0.1 - 4242\n${size}\n${root.toString('base64')}\n`;
    const signature = crypto.sign('sha256', Buffer.from(note), this.privateKey);
    return `${note}\n\u2014 127.0.0.1 ${Buffer.concat([this.logID.subarray(0, 4), signature]).toString('base64')}\n`;
  }
}
