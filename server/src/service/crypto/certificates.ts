// Describes the PEM certificates of a `cert` / `certChain` / `roots` value: one result per block, errors as values.
import { X509Certificate } from 'node:crypto';
import { splitPemBlocks } from './pem';
import { memoizeByText } from './memo';
import { keyAlgorithm } from './keyAlgorithm';
import { cryptoMessage } from './publicKeys';

export type CertificateErrorCode = 'no-pem' | 'framing' | 'wrong-type' | 'unparsable';

interface BlockPosition {
  label: string;
  /** Offsets of the block in the described text. */
  start: number;
  end: number;
  text: string;
}

export interface CertificateInfo extends BlockPosition {
  ok: true;
  /** Distinguished names on one line, e.g. `CN=Root, O=Example`. */
  subject: string;
  issuer: string;
  validFrom: Date;
  validTo: Date;
  /** Relative to the `now` passed in. */
  expired: boolean;
  notYetValid: boolean;
  /** Subject alternative names as node prints them, e.g. `email:a@b.c`, `URI:https://…`. */
  subjectAltNames: string[];
  isCA: boolean;
  selfSigned: boolean;
  /** Algorithm of the certified key, e.g. `ECDSA P-256`. */
  keyAlgorithm: string;
  keyBits?: number;
  /** SHA-256 of the certificate DER, colon-separated hex as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprint256: string;
}

export interface CertificateError extends BlockPosition {
  ok: false;
  code: CertificateErrorCode;
  error: string;
}

export type CertificateDescription = CertificateInfo | CertificateError;

/** Expiry is judged against `now` on every call; the parse itself is cached per text. */
export function describeCertificates(pemText: string, now: Date = new Date()): CertificateDescription[] {
  return parseCached(pemText).map((c) =>
    c.ok ? { ...c, expired: now.getTime() > c.validTo.getTime(), notYetValid: now.getTime() < c.validFrom.getTime() } : c,
  );
}

const parseCached = memoizeByText((pemText: string) => parse(pemText, new Date(0)));

function parse(pemText: string, now: Date): CertificateDescription[] {
  const blocks = splitPemBlocks(pemText);
  if (blocks.every((b) => b.label === '')) {
    const start = pemText.length - pemText.trimStart().length;
    const text = pemText.trim();
    return [{ ok: false, code: 'no-pem', label: '', start, end: start + text.length, text, error: 'no PEM block found: expected -----BEGIN CERTIFICATE-----' }];
  }
  return blocks.map((block): CertificateDescription => {
    const pos: BlockPosition = { label: block.label, start: block.start, end: block.end, text: block.text };
    if (block.label !== 'CERTIFICATE' && block.label !== '') {
      return { ...pos, ok: false, code: 'wrong-type', error: `a ${block.label} block where a CERTIFICATE is expected` };
    }
    if (block.framingError || !block.der) return { ...pos, ok: false, code: 'framing', error: block.framingError ?? 'the block is empty' };
    try {
      return { ...pos, ok: true, ...certificateFields(new X509Certificate(block.der), now) };
    } catch (e) {
      return { ...pos, ok: false, code: 'unparsable', error: `the CERTIFICATE block does not decode as an X.509 certificate: its bytes are corrupt or cut short (OpenSSL: ${cryptoMessage(e)})` };
    }
  });
}

function certificateFields(cert: X509Certificate, now: Date): Omit<CertificateInfo, keyof BlockPosition | 'ok'> {
  const validFrom = new Date(cert.validFrom);
  const validTo = new Date(cert.validTo);
  const key = keyAlgorithm(cert.publicKey);
  return {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    validFrom,
    validTo,
    expired: validTo.getTime() < now.getTime(),
    notYetValid: validFrom.getTime() > now.getTime(),
    subjectAltNames: splitAltNames(cert.subjectAltName),
    isCA: cert.ca,
    selfSigned: cert.checkIssued(cert),
    keyAlgorithm: key.algorithm,
    keyBits: key.bits,
    fingerprint256: cert.fingerprint256,
  };
}

/** node prints distinguished names one attribute per line; one line reads better in messages and hovers. */
function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}

/** node joins SANs with ", " and quotes entries that themselves contain commas. */
function splitAltNames(san: string | undefined): string[] {
  if (!san) return [];
  return [...san.matchAll(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g)].map((m) => m[0].trim()).filter(Boolean);
}
