// Describes the PEM public keys of a `publicKeys` / `key.data` value: one result per block, errors as values.
import { createHash, createPublicKey } from 'node:crypto';
import { splitPemBlocks } from './pem';
import { keyAlgorithm } from './keyAlgorithm';
import { memoizeByText } from './memo';

export type PublicKeyErrorCode = 'no-pem' | 'framing' | 'private-key' | 'encrypted-private-key' | 'certificate' | 'wrong-type' | 'unparsable';

interface BlockPosition {
  /** The block's label, e.g. `PUBLIC KEY` ('' for stray text). */
  label: string;
  /** Offsets of the block in the described text. */
  start: number;
  end: number;
  text: string;
}

export interface PublicKeyInfo extends BlockPosition {
  ok: true;
  /** `ECDSA P-256`, `ECDSA P-384`, `ECDSA P-521`, `RSA`, `Ed25519`, … */
  algorithm: string;
  bits?: number;
  /**
   * SHA-256 of the DER SubjectPublicKeyInfo, lowercase hex. This is how sigstore names keys: Rekor and CT
   * log IDs in a trusted root are this value, and `openssl pkey -pubin -outform DER | openssl dgst -sha256` prints it.
   */
  fingerprint: string;
  /**
   * The same digest as `SHA256:<unpadded base64>`, the shape `ssh-keygen -l` prints. Note ssh-keygen hashes
   * the SSH wire encoding, not the SPKI, so the two never match for the same key; this is only the familiar form.
   */
  fingerprintBase64: string;
}

export interface PublicKeyError extends BlockPosition {
  ok: false;
  code: PublicKeyErrorCode;
  /** What is wrong and how to get it right. */
  error: string;
}

export type PublicKeyDescription = PublicKeyInfo | PublicKeyError;

const PUBLIC_KEY_HOWTO = 'a public key is needed: export it with `cosign public-key --key cosign.key` (or `openssl pkey -pubout -in <private key>`)';

/** One entry per PEM block (and per stretch of stray text); text without any block yields one `no-pem` entry. */
export const describePublicKeys: (pemText: string) => readonly PublicKeyDescription[] = memoizeByText(describeUncached);

function describeUncached(pemText: string): PublicKeyDescription[] {
  const blocks = splitPemBlocks(pemText);
  if (blocks.every((b) => b.label === '')) {
    const start = pemText.length - pemText.trimStart().length;
    const text = pemText.trim();
    return [{ ok: false, code: 'no-pem', label: '', start, end: start + text.length, text, error: 'no PEM block found: expected -----BEGIN PUBLIC KEY-----' }];
  }
  return blocks.map((block): PublicKeyDescription => {
    const pos: BlockPosition = { label: block.label, start: block.start, end: block.end, text: block.text };
    const wrongType = wrongBlockType(block.label);
    if (wrongType) return { ...pos, ok: false, ...wrongType };
    if (block.framingError || !block.der) return { ...pos, ok: false, code: 'framing', error: block.framingError ?? 'the block is empty' };
    try {
      const key = createPublicKey({ key: block.der, format: 'der', type: 'spki' });
      const digest = createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest();
      return {
        ...pos,
        ok: true,
        ...keyAlgorithm(key),
        fingerprint: digest.toString('hex'),
        fingerprintBase64: `SHA256:${digest.toString('base64').replace(/=+$/, '')}`,
      };
    } catch (e) {
      return { ...pos, ok: false, code: 'unparsable', error: `the PUBLIC KEY block does not decode as a public key: its bytes are corrupt or cut short (OpenSSL: ${cryptoMessage(e)})` };
    }
  });
}

function wrongBlockType(label: string): { code: PublicKeyErrorCode; error: string } | undefined {
  if (label === 'PUBLIC KEY' || label === '') return undefined;
  if (label === 'ENCRYPTED SIGSTORE PRIVATE KEY' || label === 'ENCRYPTED COSIGN PRIVATE KEY') {
    return { code: 'encrypted-private-key', error: `this is cosign's encrypted private key (${label}); ${PUBLIC_KEY_HOWTO}, and keep the private key out of the policy` };
  }
  if (label.endsWith('PRIVATE KEY')) {
    return { code: 'private-key', error: `this is a private key (${label}); ${PUBLIC_KEY_HOWTO}, and keep the private key out of the policy` };
  }
  if (label === 'CERTIFICATE') {
    return { code: 'certificate', error: 'this is a certificate, not a public key: put it under a `certificates` attestor (`cert`/`certChain`), or extract its key with `openssl x509 -pubkey -noout -in cert.pem`' };
  }
  if (label === 'RSA PUBLIC KEY') {
    return { code: 'wrong-type', error: 'this is a PKCS#1 RSA PUBLIC KEY; cosign expects a PKIX `PUBLIC KEY`: convert it with `openssl rsa -RSAPublicKey_in -pubout -in key.pem`' };
  }
  return { code: 'wrong-type', error: `a ${label} block where a PUBLIC KEY is expected; ${PUBLIC_KEY_HOWTO}` };
}

/** node's OpenSSL errors start with a routine name; keep the readable part. */
export function cryptoMessage(e: unknown): string {
  const message = (e as Error)?.message ?? String(e);
  return message.replace(/^error:[0-9A-F]+:[^:]*:[^:]*:/i, '').trim();
}
