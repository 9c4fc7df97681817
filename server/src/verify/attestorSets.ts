// Kyverno's attestor semantics (pkg/engine/internal/imageverifier.go, utils.go ExpandStaticKeys) as data, and
// their evaluation: every attestor set must pass; a set passes when `count` of its entries do (all of them when
// `count` is absent), counted after a multi-key `publicKeys` is split into one entry per key; a nested
// `attestor` is a set of its own. What the editor cannot check (k8s:// secrets, KMS, variables) is
// `unchecked`: reported, never counted as passed. The decision itself is decide.ts's, pure and synchronous.
import { splitPemBlocks } from '../service/crypto/pem';
import type { HashAlgorithm } from './keys';
import { decideSet, gatherLeafResults, LeafCheck, SetVerdict } from './decide';

/** Transparency-log / CT settings of an entry, with Kyverno's runtime defaults already applied. */
export interface LogSettings {
  /** Omitted `rekor` means public Rekor with verification ON: false unless `rekor.ignoreTlog: true`. */
  ignoreTlog: boolean;
  /** Omitted `ctlog` means SCT verification ON. */
  ignoreSCT: boolean;
  rekorPublicKeys?: string;
  ctlogPublicKeys?: string;
  tsaCertChain?: string;
}

interface Common {
  /** Where the entry is in the policy (`attestors[0].entries[1]`, `…keys[2]` after expansion). */
  path: string;
  logs: LogSettings;
  /** Annotations the signature payload must carry (Kyverno `annotations`, cosign `-a`). */
  annotations?: Record<string, string>;
  /** Repository holding this entry's signatures (entry `repository`, else the verifyImages `repository`). */
  repository?: string;
  signatureAlgorithm?: HashAlgorithm;
}

export interface KeyAttestor extends Common {
  kind: 'key';
  /** Exactly one PEM public key (multi-key values are expanded before). */
  publicKeyPem: string;
}

export interface CertificateAttestor extends Common {
  kind: 'certificate';
  certificate?: string;
  certificateChain?: string;
}

export interface KeylessAttestor extends Common {
  kind: 'keyless';
  subject?: string;
  subjectRegExp?: string;
  issuer?: string;
  issuerRegExp?: string;
  additionalExtensions?: Record<string, string>;
  /** PEM roots replacing the Fulcio CAs of the trusted root. */
  roots?: string;
  /**
   * `kyverno`: `subject`/`issuer` are go-wildcard patterns (ClusterPolicy). `exact`: plain string equality
   * (cosign `--certificate-identity`, ImageValidatingPolicy). `sigstore-bundle`: a ClusterPolicy entry of
   * `type: SigstoreBundle`, matched by sigstore-go (see identity.ts sigstoreBundleRequirement).
   */
  matching: 'kyverno' | 'exact' | 'sigstore-bundle';
}

export interface NestedAttestor {
  kind: 'nested';
  path: string;
  set: AttestorSet;
}

export interface UncheckedAttestor {
  kind: 'unchecked';
  path: string;
  reason: string;
}

export type LeafAttestor = KeyAttestor | CertificateAttestor | KeylessAttestor;
export type AttestorEntry = LeafAttestor | NestedAttestor | UncheckedAttestor;

export interface AttestorSet {
  path: string;
  /** Kyverno `count`; undefined (or 0) = every entry. */
  count?: number;
  entries: AttestorEntry[];
}

// ---- building entries ---------------------------------------------------------------------------------

/**
 * Kyverno's ExpandStaticKeys: a `publicKeys` value holding several PEM keys becomes one entry per key; a
 * value that is not PEM is a key reference cosign resolves itself (k8s://, awskms://, …) or a variable.
 */
export function expandPublicKeys(value: string, base: Omit<KeyAttestor, 'kind' | 'publicKeyPem'>): AttestorEntry[] {
  const trimmed = value.trim();
  if (/\{\{.*\}\}/s.test(trimmed)) {
    return [{ kind: 'unchecked', path: base.path, reason: `the key is a Kyverno variable (${shortValue(trimmed)}), only known inside the cluster` }];
  }
  if (!trimmed.startsWith('-----BEGIN')) {
    const scheme = /^([a-z0-9]+):\/\//i.exec(trimmed)?.[1];
    const what = scheme === 'k8s' ? 'a Kubernetes secret' : scheme ? `a ${scheme} KMS key` : 'not a PEM public key';
    return [{ kind: 'unchecked', path: base.path, reason: `publicKeys is ${what} (${shortValue(trimmed)}); it cannot be read from the editor` }];
  }
  const blocks = splitPemBlocks(trimmed).filter((b) => b.label !== '' || b.text.trim());
  if (blocks.length <= 1) return [{ ...base, kind: 'key', publicKeyPem: trimmed }];
  return blocks.map((b, i) => ({ ...base, kind: 'key' as const, path: `${base.path}.publicKeys[${i}]`, publicKeyPem: b.text }));
}

function shortValue(v: string): string {
  return v.length > 60 ? `${v.slice(0, 59)}…` : v;
}

// ---- evaluation ---------------------------------------------------------------------------------------

export type { EntryStatus, EntryVerdict, LeafCheck, SetVerdict } from './decide';
export { requiredCount } from './decide';

/** Gathers the leaf results through `check`, then decides the set (see decide.ts). */
export async function evaluateSet(set: AttestorSet, check: LeafCheck, signal?: AbortSignal): Promise<SetVerdict> {
  return decideSet(set, await gatherLeafResults(set, check, signal));
}

/** A stable hash input for caching: the structure without functions. */
export function describeSets(sets: AttestorSet[]): string {
  return JSON.stringify(sets);
}
