// Kyverno's attestor-set and count semantics as a synchronous, pure decision over results gathered first.
// Verification runs in two steps, as sigstore-js does: `gatherLeafResults` asks a check (which may go to the
// registry) about every leaf attestor, then `decideSet` / `decideEntry` work out the verdict from those answers
// alone — so the set rules are tested without a registry, and no verdict logic waits on the network.
import type { AttestorSet, LeafAttestor } from './attestorSets';

export type EntryStatus = 'passed' | 'failed' | 'unchecked';

export interface EntryVerdict {
  path: string;
  status: EntryStatus;
  /** Why it failed or was not checked; for a pass, what satisfied it. */
  reason: string;
  /** For nested entries: the nested set's verdict. */
  nested?: SetVerdict;
}

export interface SetVerdict {
  path: string;
  ok: boolean;
  passed: number;
  required: number;
  /** Entries after expansion. */
  total: number;
  unchecked: number;
  entries: EntryVerdict[];
  /** True when the set failed but the unchecked entries could have made it pass. */
  undecided: boolean;
}

export interface LeafResult {
  ok: boolean;
  reason: string;
}

/** Checks one leaf attestor against the image's signatures (or attestations). */
export type LeafCheck = (entry: LeafAttestor) => Promise<LeafResult>;

/** What the check said about each leaf attestor of a set (nested sets included). */
export type LeafResults = ReadonlyMap<LeafAttestor, LeafResult>;

/** The number of passing entries a set needs, as Kyverno computes it at run time (after key expansion). */
export function requiredCount(set: AttestorSet): number {
  return set.count && set.count > 0 ? set.count : set.entries.length;
}

/** Every leaf attestor of a set, depth first, in the order Kyverno walks them. */
export function leafAttestors(set: AttestorSet): LeafAttestor[] {
  return set.entries.flatMap((e) => (e.kind === 'nested' ? leafAttestors(e.set) : e.kind === 'unchecked' ? [] : [e]));
}

/** The network step: asks `check` about each leaf, one after the other (as Kyverno does), stopping when cancelled. */
export async function gatherLeafResults(set: AttestorSet, check: LeafCheck, signal?: AbortSignal): Promise<LeafResults> {
  const results = new Map<LeafAttestor, LeafResult>();
  for (const leaf of leafAttestors(set)) {
    if (signal?.aborted) throw new Error('Cancelled.');
    results.set(leaf, await check(leaf));
  }
  if (signal?.aborted) throw new Error('Cancelled.');
  return results;
}

/**
 * Kyverno's rule for one attestor set: it passes when `count` of its entries pass (every entry when `count` is
 * absent or 0), counted after a multi-key `publicKeys` was split into one entry per key; a nested attestor is
 * one entry whose verdict is its own set's; an entry we cannot check never passes. A leaf the results do not
 * mention failed (it was not verified).
 */
export function decideSet(set: AttestorSet, results: LeafResults): SetVerdict {
  const entries: EntryVerdict[] = set.entries.map((entry): EntryVerdict => {
    if (entry.kind === 'unchecked') return { path: entry.path, status: 'unchecked', reason: entry.reason };
    if (entry.kind === 'nested') {
      const nested = decideSet(entry.set, results);
      return {
        path: entry.path,
        status: nested.ok ? 'passed' : nested.undecided ? 'unchecked' : 'failed',
        reason: `nested attestor set: ${nested.passed}/${nested.required} entries passed`,
        nested,
      };
    }
    const r = results.get(entry) ?? { ok: false, reason: 'not verified' };
    return { path: entry.path, status: r.ok ? 'passed' : 'failed', reason: r.reason };
  });
  const passed = entries.filter((e) => e.status === 'passed').length;
  const unchecked = entries.filter((e) => e.status === 'unchecked').length;
  const required = requiredCount(set);
  const ok = passed >= required && set.entries.length > 0;
  return { path: set.path, ok, passed, required, total: set.entries.length, unchecked, entries, undecided: !ok && passed + unchecked >= required };
}

export type EntryVerdictKind = 'verified' | 'failed' | 'unsupported';

/**
 * The verdict of one verifyImages entry from its sets (signature sets and every attestation's sets): every set
 * must pass. When it does not, but every failing set could still pass through entries we cannot check (or an
 * attestation condition could not be evaluated), the answer is "unsupported", not "failed".
 */
export function decideEntry(sets: readonly SetVerdict[], conditionUndecided = false): EntryVerdictKind {
  const verified = sets.length > 0 && sets.every((s) => s.ok);
  if (verified) return 'verified';
  const undecided = sets.every((s) => s.ok || s.undecided) && sets.some((s) => s.undecided);
  return undecided || conditionUndecided ? 'unsupported' : 'failed';
}
