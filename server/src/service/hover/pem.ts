// Describes PEM public keys and certificates for hovers, with node:crypto (no network, no extra package).
// Written here because server/src/service/crypto/ did not exist yet; swap to it when it lands.
import { createHash, createPublicKey, KeyObject, X509Certificate } from 'node:crypto';

export interface PemBlock {
  label: string;
  /** Offsets of the block inside the described text. */
  start: number;
  end: number;
  text: string;
}

export interface KeyDescription extends PemBlock {
  algorithm?: string;
  /** Key size in bits. */
  bits?: number;
  /** SHA-256 of the DER SubjectPublicKeyInfo, lowercase hex. */
  fingerprint?: string;
  error?: string;
}

export interface CertificateDescription extends PemBlock {
  subject?: string;
  issuer?: string;
  subjectAltName?: string;
  notBefore?: Date;
  notAfter?: Date;
  expired?: boolean;
  notYetValid?: boolean;
  error?: string;
}

const PEM_RE = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

export function pemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(PEM_RE)].map((m) => ({ label: m[1], start: m.index!, end: m.index! + m[0].length, text: m[0] }));
}

const CURVES: Record<string, [string, number]> = {
  prime256v1: ['P-256', 256],
  secp384r1: ['P-384', 384],
  secp521r1: ['P-521', 521],
  secp256k1: ['secp256k1', 256],
};

export function keyAlgorithm(key: KeyObject): { algorithm: string; bits?: number } {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const [name, bits] = CURVES[details.namedCurve ?? ''] ?? [details.namedCurve ?? 'unknown curve', undefined];
      return { algorithm: `ECDSA ${name}`, bits };
    }
    case 'rsa':
    case 'rsa-pss':
      return { algorithm: 'RSA', bits: details.modulusLength };
    case 'ed25519':
      return { algorithm: 'Ed25519', bits: 256 };
    default:
      return { algorithm: key.asymmetricKeyType ?? 'unknown' };
  }
}

/** One entry per PEM block; a text without any block yields one entry carrying the error. */
export function describePublicKeys(text: string): KeyDescription[] {
  const blocks = pemBlocks(text);
  if (blocks.length === 0) {
    return [{ label: '', start: 0, end: text.length, text, error: 'no PEM block found (expected -----BEGIN PUBLIC KEY-----)' }];
  }
  return blocks.map((block) => {
    if (block.label !== 'PUBLIC KEY') return { ...block, error: `a ${block.label} block, not a PUBLIC KEY` };
    try {
      const key = createPublicKey(block.text);
      const der = key.export({ type: 'spki', format: 'der' });
      return { ...block, ...keyAlgorithm(key), fingerprint: createHash('sha256').update(der).digest('hex') };
    } catch (e) {
      return { ...block, error: `not a valid public key: ${(e as Error).message}` };
    }
  });
}

export function describeCertificates(text: string, now: Date = new Date()): CertificateDescription[] {
  const blocks = pemBlocks(text);
  if (blocks.length === 0) {
    return [{ label: '', start: 0, end: text.length, text, error: 'no PEM block found (expected -----BEGIN CERTIFICATE-----)' }];
  }
  return blocks.map((block) => {
    if (block.label !== 'CERTIFICATE') return { ...block, error: `a ${block.label} block, not a CERTIFICATE` };
    try {
      const cert = new X509Certificate(block.text);
      const notBefore = new Date(cert.validFrom);
      const notAfter = new Date(cert.validTo);
      return {
        ...block,
        subject: oneLine(cert.subject),
        issuer: oneLine(cert.issuer),
        subjectAltName: cert.subjectAltName,
        notBefore,
        notAfter,
        expired: notAfter.getTime() < now.getTime(),
        notYetValid: notBefore.getTime() > now.getTime(),
      };
    } catch (e) {
      return { ...block, error: `not a valid certificate: ${(e as Error).message}` };
    }
  });
}

/** node prints distinguished names one attribute per line; hovers read better with `CN=a, O=b`. */
function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}
