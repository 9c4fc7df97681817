// The network step of a verification: everything the decision needs from the registry, fetched before any
// verdict is worked out (verifyImage.ts then decides synchronously from it).
import type { RegistryClient } from '../registry/client';
import type { AttestorSet } from './attestorSets';
import { leafAttestors } from './decide';
import { discover, Discovered } from './discovery';
import type { EntryPlan } from './policySpec';

/** What is attached to the image's digest, per repository the plan's attestors look in. */
export interface Material {
  digest: string;
  /** In the order the attestors first ask for each repository (the explanation lists them in that order). */
  byRepository: ReadonlyMap<string, Discovered>;
}

/** The sets whose leaves will be checked: signature sets, and those of attestations that name a type. */
function checkedSets(plan: EntryPlan): AttestorSet[] {
  return [...plan.attestors, ...plan.attestations.filter((a) => a.type).flatMap((a) => a.attestors)];
}

/** The repositories to look in, in first-use order: an entry's own `repository`, else the image's. */
export function repositoriesOf(plan: EntryPlan, imageRepository: string): string[] {
  const repos: string[] = [];
  for (const set of checkedSets(plan)) {
    for (const leaf of leafAttestors(set)) {
      const repo = leaf.repository ?? imageRepository;
      if (!repos.includes(repo)) repos.push(repo);
    }
  }
  return repos;
}

/**
 * Discovers the signatures, attestations and bundles of `digest` in every repository the plan needs. Only what
 * the plan can use is fetched: no `.att` objects when it checks no attestations, no `.sig` when no signatures.
 * Throws the DiscoveryError of the first repository that cannot be read.
 */
export async function fetchMaterial(registry: RegistryClient, plan: EntryPlan, imageRepository: string, digest: string, signal?: AbortSignal): Promise<Material> {
  const wanted = { signatures: plan.attestors.length > 0, attestations: plan.attestations.length > 0 };
  const byRepository = new Map<string, Discovered>();
  for (const repo of repositoriesOf(plan, imageRepository)) {
    if (signal?.aborted) throw new Error('Cancelled.');
    byRepository.set(repo, await discover(registry, repo, digest, signal, wanted));
  }
  return { digest, byRepository };
}
