// Helpers for verifier tests: fixtures under test/fixtures/sigstore and cosign-style signing with node:crypto.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { json } from '@sigstore/core';
import type { LegacyLayer } from '../../server/src/verify';

export const SIGSTORE_FIXTURES = path.join(__dirname, '..', 'fixtures', 'sigstore');

export function sigstoreFixture(name: string): string {
  return fs.readFileSync(path.join(SIGSTORE_FIXTURES, name), 'utf8');
}

/** The exact bytes `cosign sign` writes (field order and `"optional":null` included). */
export function simpleSigningPayload(digest: string, reference = 'registry.test/demo/app', optional: Record<string, string> | null = null): string {
  return JSON.stringify({
    critical: { identity: { 'docker-reference': reference }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' },
    optional,
  });
}

export function publicPem(key: crypto.KeyObject): string {
  return key.export({ format: 'pem', type: 'spki' }).toString();
}

/** Signs like cosign: ECDSA/RSA over the payload with `hash` (ASN.1 DER ECDSA, PKCS#1 v1.5 RSA), Ed25519 pure. */
export function cosignSign(privateKey: crypto.KeyObject, payload: string | Buffer, hash: string | null = 'sha256'): string {
  const alg = privateKey.asymmetricKeyType === 'ed25519' ? null : hash;
  return crypto.sign(alg, Buffer.from(payload), privateKey).toString('base64');
}

export function legacyLayer(payload: string, signature: string, extra: Record<string, string> = {}): LegacyLayer {
  return { payload, annotations: { 'dev.cosignproject.cosign/signature': signature, ...extra } };
}

/**
 * A `dev.sigstore.cosign/bundle` annotation made by our own "Rekor": a hashedrekord 0.0.1 entry recording
 * `entryKeyPem`, signed (SET) with `rekorKey`.
 */
export function makeSetAnnotation(opts: { payload: string; signature: string; entryKeyPem: string; rekorKey: crypto.KeyObject; integratedTime?: number; logIndex?: number }): string {
  const body = {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: crypto.createHash('sha256').update(opts.payload).digest('hex') } },
      signature: { content: opts.signature, publicKey: { content: Buffer.from(opts.entryKeyPem).toString('base64') } },
    },
  };
  const rekorPublic = crypto.createPublicKey(opts.rekorKey);
  const logID = crypto.createHash('sha256').update(rekorPublic.export({ format: 'der', type: 'spki' })).digest('hex');
  const payload = {
    body: Buffer.from(json.canonicalize(body)).toString('base64'),
    integratedTime: opts.integratedTime ?? 1700000000,
    logIndex: opts.logIndex ?? 42,
    logID,
  };
  const set = crypto.sign('sha256', Buffer.from(json.canonicalize(payload)), opts.rekorKey).toString('base64');
  return JSON.stringify({ SignedEntryTimestamp: set, Payload: payload });
}
