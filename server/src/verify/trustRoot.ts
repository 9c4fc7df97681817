// Trust material built offline: a trusted_root.json (the public-good one shipped inside @sigstore/tuf's seeds,
// or a user's file) and/or PEM roots and keys from a policy (Kyverno `roots`, `rekor.pubkey`, `ctlog.pubkey`).
// Never fetched: TUF refresh is a network step that belongs to the caller.
import { createHash, createPublicKey, KeyObject } from 'node:crypto';
import { X509Certificate } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, TrustMaterial } from '@sigstore/verify';
import { splitPemBlocks } from '../service/crypto/pem';
import type { PolicyCertAuthority } from './cosignChain';
import { abort, capture, VerifyOutcome } from './result';

export type TrustParts = Omit<TrustMaterial, 'publicKey'>;

export interface TrustRoot {
  /** Where it came from, for messages: "Sigstore public-good trusted root", "policy roots", a file name. */
  source: string;
  parts: TrustParts;
}

const PUBLIC_GOOD_TUF = 'https://tuf-repo-cdn.sigstore.dev';
let publicGood: TrustRoot | undefined;

/** The Sigstore public-good trusted root embedded in the installed @sigstore/tuf (no download). */
export function publicGoodTrustRoot(): TrustRoot {
  if (!publicGood) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const seeds = require('@sigstore/tuf/seeds.json') as Record<string, { targets: Record<string, string> }>;
    const json = Buffer.from(seeds[PUBLIC_GOOD_TUF].targets['trusted_root.json'], 'base64').toString('utf8');
    const loaded = loadTrustedRoot(json, 'Sigstore public-good trusted root');
    if (!loaded.ok) throw new Error(`embedded trusted root is unusable: ${loaded.reason}`);
    publicGood = loaded.root;
  }
  return publicGood;
}

/**
 * Parses a trusted_root.json (text or parsed JSON). Rejects roots whose authorities lack a validity start: the
 * spec requires it and treating it as "since forever" would widen trust (sigstore-conformance
 * trust-root-tlog-missing-validity-start_fail).
 */
export function loadTrustedRoot(json: string | unknown, source = 'trusted root'): VerifyOutcome<{ root: TrustRoot }> {
  return capture(() => {
    let obj: unknown = json;
    if (typeof json === 'string') {
      try {
        obj = JSON.parse(json);
      } catch (e) {
        abort('trusted-root-invalid', `${source} is not JSON: ${(e as Error).message}.`);
      }
    }
    if (!obj || typeof obj !== 'object') abort('trusted-root-invalid', `${source} is not a JSON object.`);
    const raw = obj as Record<string, unknown>;
    requireStarts(raw, source);
    let parts: TrustParts;
    try {
      const { publicKey: _unused, ...rest } = toTrustMaterial(TrustedRoot.fromJSON(raw));
      parts = rest;
    } catch (e) {
      return abort('trusted-root-invalid', `${source} cannot be used: ${(e as Error).message}.`);
    }
    return { ok: true, root: { source, parts } };
  });
}

function requireStarts(raw: Record<string, unknown>, source: string): void {
  const list = (key: string) => (Array.isArray(raw[key]) ? (raw[key] as Record<string, any>[]) : []);
  const missing: string[] = [];
  for (const key of ['tlogs', 'ctlogs']) {
    list(key).forEach((log, i) => {
      if (!log?.publicKey?.validFor?.start) missing.push(`${key}[${i}] (${log?.baseUrl ?? 'no baseUrl'}) publicKey.validFor.start`);
    });
  }
  for (const key of ['certificateAuthorities', 'timestampAuthorities']) {
    list(key).forEach((ca, i) => {
      if (!ca?.validFor?.start) missing.push(`${key}[${i}] (${ca?.uri ?? 'no uri'}) validFor.start`);
    });
  }
  if (missing.length) abort('trusted-root-invalid', `${source} is malformed: ${missing.join(', ')} is missing; every authority needs the start of its validity.`);
}

export interface PolicyTrustOverrides {
  /** PEM certificates that replace the certificate authorities (Kyverno keyless `roots`, certificate `certChain`). */
  certificateAuthorities?: string;
  /** PEM public keys that replace the transparency logs (Kyverno `rekor.pubkey`). */
  rekorPublicKeys?: string;
  /** PEM public keys that replace the CT logs (Kyverno `ctlog.pubkey`). */
  ctlogPublicKeys?: string;
  /** PEM TSA chain (leaf…root) that replaces the timestamp authorities (Kyverno `ctlog.tsaCertChain`). */
  tsaCertChain?: string;
}

/** `base` with the parts a policy supplies replaced; each supplied part is trusted for all time. */
export function withPolicyTrust(base: TrustRoot, overrides: PolicyTrustOverrides): VerifyOutcome<{ root: TrustRoot }> {
  return capture(() => {
    const parts: TrustParts = { ...base.parts };
    const replaced: string[] = [];
    if (overrides.certificateAuthorities?.trim()) {
      // Kyverno loads every certificate of `roots` into cosign's root pool: each one is a trust anchor.
      const policyRoots: PolicyCertAuthority = { certChain: certificatesFromPem(overrides.certificateAuthorities, 'roots'), validFor: ALWAYS, everyCertificateIsRoot: true };
      parts.certificateAuthorities = [policyRoots];
      replaced.push('certificate roots');
    }
    if (overrides.tsaCertChain?.trim()) {
      parts.timestampAuthorities = [{ certChain: certificatesFromPem(overrides.tsaCertChain, 'TSA chain'), validFor: ALWAYS }];
      replaced.push('TSA chain');
    }
    if (overrides.rekorPublicKeys?.trim()) {
      parts.tlogs = keysFromPem(overrides.rekorPublicKeys, 'Rekor public key').map((k) => logAuthority(k, 'policy Rekor key'));
      replaced.push('Rekor keys');
    }
    if (overrides.ctlogPublicKeys?.trim()) {
      parts.ctlogs = keysFromPem(overrides.ctlogPublicKeys, 'CT log public key').map((k) => logAuthority(k, 'policy CT log key'));
      replaced.push('CT log keys');
    }
    const source = replaced.length ? `${base.source} with the policy's ${replaced.join(', ')}` : base.source;
    return { ok: true, root: { source, parts } };
  });
}

const ALWAYS = { start: new Date(0), end: new Date(8640000000000000) };

function logAuthority(key: KeyObject, name: string): TrustParts['tlogs'][number] {
  const der = key.export({ format: 'der', type: 'spki' });
  // Rekor and CT log IDs are the SHA-256 of the DER public key.
  return { logID: createHash('sha256').update(der).digest(), baseURL: name, publicKey: key, validFor: ALWAYS };
}

export function certificatesFromPem(pem: string, what: string): X509Certificate[] {
  const blocks = splitPemBlocks(pem);
  const certs: X509Certificate[] = [];
  for (const block of blocks) {
    if (block.label !== 'CERTIFICATE' || !block.der) {
      abort('invalid-policy', `The ${what} must be PEM certificates; found ${block.label ? `a ${block.label} block` : 'text outside a PEM block'}${block.framingError ? ` (${block.framingError})` : ''}.`);
    }
    try {
      certs.push(X509Certificate.parse(Buffer.from(block.der)));
    } catch (e) {
      abort('invalid-policy', `A certificate in the ${what} cannot be parsed: ${(e as Error).message}.`);
    }
  }
  if (certs.length === 0) abort('invalid-policy', `The ${what} holds no PEM certificate.`);
  return certs;
}

function keysFromPem(pem: string, what: string): KeyObject[] {
  const blocks = splitPemBlocks(pem);
  const keys: KeyObject[] = [];
  for (const block of blocks) {
    if (block.label !== 'PUBLIC KEY' || !block.der) abort('invalid-policy', `The ${what} must be a PEM PUBLIC KEY block.`);
    try {
      keys.push(createPublicKey({ key: Buffer.from(block.der), format: 'der', type: 'spki' }));
    } catch (e) {
      abort('invalid-policy', `The ${what} cannot be parsed: ${(e as Error).message}.`);
    }
  }
  if (keys.length === 0) abort('invalid-policy', `The ${what} holds no PEM public key.`);
  return keys;
}
