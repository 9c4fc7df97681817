// Public keys and raw signature checks with node:crypto, with the hash choices cosign makes.
//
// `cosign verify --key` loads the key with `signature.LoadVerifier(pub, sha256)` unless
// `--signature-digest-algorithm` says otherwise (Kyverno: `signatureAlgorithm`, default sha256): ECDSA on any
// curve with that hash over the payload (ASN.1 DER signature), RSA PKCS#1 v1.5 with that hash, Ed25519 pure
// (no pre-hash). RSA-PSS and Ed25519ph are not what `cosign verify` checks, so neither is accepted here.
import { createHash, createPublicKey, KeyObject, verify as nodeVerify } from 'node:crypto';
import { keyAlgorithm } from '../service/crypto/keyAlgorithm';
import { splitPemBlocks } from '../service/crypto/pem';
import { abort } from './result';

export type HashAlgorithm = 'sha224' | 'sha256' | 'sha384' | 'sha512';
export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['sha224', 'sha256', 'sha384', 'sha512'];

/** The policy's key as a KeyObject; `invalid-policy` when it is not exactly one usable PEM public key. */
export function policyPublicKey(key: string | KeyObject): KeyObject {
  if (typeof key !== 'string') return supported(key, 'The policy key');
  const blocks = splitPemBlocks(key);
  const usable = blocks.filter((b) => b.label === 'PUBLIC KEY');
  if (usable.length !== 1 || blocks.length !== 1) {
    abort('invalid-policy', `The policy key must be exactly one PEM "PUBLIC KEY" block; found ${blocks.length ? blocks.map((b) => b.label || 'stray text').join(', ') : 'none'}.`);
  }
  const [block] = usable;
  if (!block.der) abort('invalid-policy', `The policy key cannot be decoded: ${block.framingError}.`);
  try {
    return supported(createPublicKey({ key: Buffer.from(block.der), format: 'der', type: 'spki' }), 'The policy key');
  } catch (e) {
    return abort('invalid-policy', `The policy key cannot be parsed: ${(e as Error).message}.`);
  }
}

function supported(key: KeyObject, what: string): KeyObject {
  if (key.type !== 'public') abort('invalid-policy', `${what} must be a public key, not a ${key.type} key.`);
  const type = key.asymmetricKeyType;
  if (type !== 'ec' && type !== 'rsa' && type !== 'ed25519') {
    abort('unsupported', `${what} is ${describeKey(key)}; cosign verifies ECDSA, RSA and Ed25519 keys only.`);
  }
  return key;
}

export function describeKey(key: KeyObject): string {
  const { algorithm, bits } = keyAlgorithm(key);
  return algorithm === 'RSA' && bits ? `RSA ${bits}` : algorithm;
}

export function spkiDer(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' });
}

export function sameKey(a: KeyObject, b: KeyObject): boolean {
  return spkiDer(a).equals(spkiDer(b));
}

/** The hash node:crypto must be given for this key: none for Ed25519, else the policy's (default sha256). */
export function signatureHash(key: KeyObject, hash: HashAlgorithm | undefined): string | null {
  return key.asymmetricKeyType === 'ed25519' ? null : (hash ?? 'sha256');
}

/** The hash sigstore clients pair with a key by default (DSSE carries no digest algorithm). */
export function naturalHash(key: KeyObject): HashAlgorithm {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === 'secp384r1') return 'sha384';
  if (curve === 'secp521r1') return 'sha512';
  return 'sha256';
}

/** Verifies `signature` over `data` the way cosign's LoadVerifier(pub, hash) does; never throws. */
export function verifyRaw(key: KeyObject, data: Buffer, signature: Buffer, hash: HashAlgorithm | undefined): boolean {
  try {
    const algorithm = signatureHash(key, hash);
    if (key.asymmetricKeyType === 'rsa') {
      return nodeVerify(algorithm, data, { key, padding: 1 /* RSA_PKCS1_PADDING */ }, signature);
    }
    return nodeVerify(algorithm, data, key, signature);
  } catch {
    return false;
  }
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
