// A tiny X.509 issuer for verifier tests: a CA and Fulcio-style leaf certificates built with node:crypto and a
// minimal DER encoder, optionally carrying an embedded SCT signed by a CT log key made here (RFC 6962 §3.2).
import * as crypto from 'node:crypto';

// ---- DER ------------------------------------------------------------------------------------------------------

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, ...content: Buffer[]) => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const seq = (...items: Buffer[]) => tlv(0x30, ...items);
const set = (...items: Buffer[]) => tlv(0x31, ...items);
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer) => tlv(0x03, Buffer.from([0]), b);
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const explicit = (n: number, inner: Buffer) => tlv(0xa0 + n, inner);

function integer(n: number | Buffer): Buffer {
  let b = typeof n === 'number' ? Buffer.from([n]) : n;
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const v of rest) {
    const chunk = [v & 0x7f];
    for (let x = v >>> 7; x > 0; x >>>= 7) chunk.unshift((x & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

/** An O + CN name; empty for Fulcio-style leaves, whose identity is in the SAN. */
const name = (cn: string) => (cn === '' ? seq() : seq(set(seq(oid('2.5.4.10'), utf8('image-trust test'))), set(seq(oid('2.5.4.3'), utf8(cn)))));
const extension = (id: string, value: Buffer, critical = false) => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const spki = (key: crypto.KeyObject) => key.export({ format: 'der', type: 'spki' });
const keyId = (key: crypto.KeyObject) => crypto.createHash('sha1').update(spki(key)).digest();

export const OID_SCT_LIST = '1.3.6.1.4.1.11129.2.4.2';

function tbs(opts: { serial: number; issuer: string; subject: string; notBefore: Date; notAfter: Date; key: crypto.KeyObject; extensions: Buffer[] }): Buffer {
  return seq(
    explicit(0, integer(2)),
    integer(opts.serial),
    ECDSA_SHA256,
    name(opts.issuer),
    seq(time(opts.notBefore), time(opts.notAfter)),
    name(opts.subject),
    spki(opts.key),
    explicit(3, seq(...opts.extensions)),
  );
}

function signed(tbsBytes: Buffer, signer: crypto.KeyObject): Buffer {
  return seq(tbsBytes, ECDSA_SHA256, bits(crypto.sign('sha256', tbsBytes, signer)));
}

export function toPem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}

// ---- issuing ----------------------------------------------------------------------------------------------------

const p256 = () => crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

export interface TestCA {
  der: Buffer;
  pem: string;
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
  name: string;
}

export interface CAOptions {
  /** The CA that issues this one (an intermediate); default: self-signed root. */
  issuer?: TestCA;
  /** Default: ten years after notBefore. */
  notAfter?: Date;
  /** basicConstraints pathLenConstraint. */
  pathLen?: number;
  /** `false`: basicConstraints cA=false (not a CA, whatever it signs). */
  isCA?: boolean;
  /** Extended key usages (dotted OIDs); default: none (unrestricted). */
  eku?: string[];
  /** Reuse a key pair (several certificates of one CA); default: a fresh P-256 pair. */
  keys?: { privateKey: crypto.KeyObject; publicKey: crypto.KeyObject };
}

/** A CA valid from `notBefore` (for ten years unless `notAfter`): a self-signed root, or an intermediate of `issuer`. */
export function makeCA(cn = 'image-trust test CA', notBefore = new Date('2025-01-01T00:00:00Z'), opts: CAOptions = {}): TestCA {
  const { privateKey, publicKey } = opts.keys ?? p256();
  const notAfter = opts.notAfter ?? new Date(notBefore.getTime() + 10 * 365 * 86_400_000);
  const parent = opts.issuer;
  const der = signed(tbs({
    serial: crypto.randomInt(2, 2 ** 31), issuer: parent?.name ?? cn, subject: cn, notBefore, notAfter, key: publicKey,
    extensions: [
      extension('2.5.29.15', bits(Buffer.from([0x06])), true), // keyCertSign, cRLSign
      extension('2.5.29.19', opts.isCA === false ? seq() : seq(bool(true), ...(opts.pathLen === undefined ? [] : [integer(opts.pathLen)])), true),
      extension('2.5.29.14', octets(keyId(publicKey))),
      ...(parent ? [extension('2.5.29.35', seq(tlv(0x80, keyId(parent.publicKey))))] : []),
      ...(opts.eku ? [extension('2.5.29.37', seq(...opts.eku.map(oid)))] : []),
    ],
  }), parent?.privateKey ?? privateKey);
  return { der, pem: toPem(der), privateKey, publicKey, name: cn };
}

/** A CT log: its key and its RFC 6962 log ID (the SHA-256 of its public key). */
export function makeCTLog(): { privateKey: crypto.KeyObject; publicKey: crypto.KeyObject; publicPem: string; logID: Buffer } {
  const { privateKey, publicKey } = p256();
  return { privateKey, publicKey, publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(), logID: crypto.createHash('sha256').update(spki(publicKey)).digest() };
}

/** A subject alternative name; a Buffer value is written as is (to build names Go's x509 rejects). */
export type SanSpec = { kind: 'uri' | 'email' | 'dns' | 'ip'; value: string | Buffer };

export interface LeafOptions {
  ca: TestCA;
  /** The URI SAN, unless `sans` is given. */
  subjectUri?: string;
  sans?: SanSpec[];
  /** Written to Fulcio's original issuer extension 1.1 (raw bytes), unless `issuers` is given. */
  oidcIssuer?: string;
  /** Fulcio's issuer extensions: `v1` (1.1, raw), `v2` (1.8, DER UTF8String), in this order unless `v2First`. */
  issuers?: IssuerExtensions;
  notBefore: Date;
  notAfter: Date;
  /** Embed an SCT from this CT log, signed over the precertificate as a real log would. */
  sctFrom?: { privateKey: crypto.KeyObject; logID: Buffer };
}

/** A Fulcio-style code-signing leaf (URI SAN, Fulcio issuer extension), with or without an embedded SCT. */
export function makeLeaf(opts: LeafOptions): { der: Buffer; pem: string; privateKey: crypto.KeyObject; publicKey: crypto.KeyObject } {
  const { privateKey, publicKey } = p256();
  const base = {
    serial: crypto.randomInt(2, 2 ** 31), issuer: opts.ca.name, subject: '', notBefore: opts.notBefore, notAfter: opts.notAfter, key: publicKey,
  };
  const extensions = [
    extension('2.5.29.15', bits(Buffer.from([0x80])), true), // digitalSignature
    extension('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.3'))), // codeSigning
    extension('2.5.29.14', octets(keyId(publicKey))),
    extension('2.5.29.35', seq(tlv(0x80, keyId(opts.ca.publicKey)))),
    extension('2.5.29.17', seq(...(opts.sans ?? [{ kind: 'uri', value: opts.subjectUri ?? '' }]).map(sanName)), true),
    ...issuerExtensions(opts.issuers ?? { v1: opts.oidcIssuer }),
  ];
  if (opts.sctFrom) {
    // The SCT signs the certificate without its SCT extension; appended last, removing it restores those bytes.
    const preTbs = tbs({ ...base, extensions });
    const timestamp = Buffer.alloc(8);
    timestamp.writeBigUInt64BE(BigInt(opts.notBefore.getTime()));
    const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
    const u24 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);
    const issuerKeyHash = crypto.createHash('sha256').update(spki(opts.ca.publicKey)).digest();
    const signedData = Buffer.concat([Buffer.from([0, 0]), timestamp, u16(1), issuerKeyHash, u24(preTbs.length), preTbs, u16(0)]);
    const signature = crypto.sign('sha256', signedData, opts.sctFrom.privateKey);
    const sct = Buffer.concat([Buffer.from([0]), opts.sctFrom.logID, timestamp, u16(0), Buffer.from([4, 3]), u16(signature.length), signature]);
    const list = Buffer.concat([u16(sct.length + 2), u16(sct.length), sct]);
    extensions.push(extension(OID_SCT_LIST, octets(list)));
  }
  const der = signed(tbs({ ...base, extensions }), opts.ca.privateKey);
  return { der, pem: toPem(der), privateKey, publicKey };
}

/** `v2Raw` writes 1.8 as raw bytes, not DER (a malformed certificate). */
export type IssuerExtensions = { v1?: string; v2?: string; v2Raw?: string; v2First?: boolean };

const SAN_TAGS = { email: 0x81, dns: 0x82, uri: 0x86, ip: 0x87 } as const;
const sanName = (san: SanSpec) => tlv(SAN_TAGS[san.kind], typeof san.value === 'string' ? Buffer.from(san.value, 'utf8') : san.value);

function issuerExtensions(issuers: IssuerExtensions): Buffer[] {
  const v1 = issuers.v1 === undefined ? [] : [extension('1.3.6.1.4.1.57264.1.1', Buffer.from(issuers.v1))];
  const v2 = issuers.v2 !== undefined ? [extension('1.3.6.1.4.1.57264.1.8', utf8(issuers.v2))]
    : issuers.v2Raw !== undefined ? [extension('1.3.6.1.4.1.57264.1.8', Buffer.from(issuers.v2Raw))] : [];
  return issuers.v2First ? [...v2, ...v1] : [...v1, ...v2];
}
