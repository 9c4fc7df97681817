// Names a node:crypto key the way signing tools print it (ECDSA P-256, RSA, Ed25519) with its size.
import type { KeyObject } from 'node:crypto';

const CURVES: Record<string, [name: string, bits: number]> = {
  prime256v1: ['P-256', 256],
  secp384r1: ['P-384', 384],
  secp521r1: ['P-521', 521],
  secp256k1: ['secp256k1', 256],
};

export interface KeyAlgorithm {
  /** e.g. `ECDSA P-256`, `RSA`, `Ed25519`. */
  algorithm: string;
  /** Key size in bits (curve size for EC, modulus length for RSA). */
  bits?: number;
}

export function keyAlgorithm(key: KeyObject): KeyAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const curve = details.namedCurve ?? '';
      const known = CURVES[curve];
      return known ? { algorithm: `ECDSA ${known[0]}`, bits: known[1] } : { algorithm: `ECDSA ${curve || 'unknown curve'}` };
    }
    case 'rsa':
      return { algorithm: 'RSA', bits: details.modulusLength };
    case 'rsa-pss':
      return { algorithm: 'RSA-PSS', bits: details.modulusLength };
    case 'ed25519':
      return { algorithm: 'Ed25519', bits: 256 };
    case 'ed448':
      return { algorithm: 'Ed448', bits: 456 };
    default:
      return { algorithm: key.asymmetricKeyType ?? 'unknown' };
  }
}
