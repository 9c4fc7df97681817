// Fulcio's certificate extensions (OID arc 1.3.6.1.4.1.57264.1.N) and which of them each reader knows. A pure leaf:
// the policy checks (what Kyverno will fail on) and the verifier (what it matches) read the same table.

export const FULCIO_ARC = '1.3.6.1.4.1.57264.1.';

/**
 * Fulcio certificate extensions by the names cosign, Kyverno (`additionalExtensions`) and sigstore-go use.
 * Arcs 1–6 hold the raw string; 8 and later a DER UTF8String (Fulcio docs/oid-info.md).
 */
export const FULCIO_EXTENSIONS: Record<string, number> = {
  oidcIssuer: 1,
  githubWorkflowTrigger: 2,
  githubWorkflowSha: 3,
  githubWorkflowName: 4,
  githubWorkflowRepository: 5,
  githubWorkflowRef: 6,
  issuer: 8,
  buildSignerURI: 9,
  buildSignerDigest: 10,
  runnerEnvironment: 11,
  sourceRepositoryURI: 12,
  sourceRepositoryDigest: 13,
  sourceRepositoryRef: 14,
  sourceRepositoryIdentifier: 15,
  sourceRepositoryOwnerURI: 16,
  sourceRepositoryOwnerIdentifier: 17,
  buildConfigURI: 18,
  buildConfigDigest: 19,
  buildTrigger: 20,
  runInvocationURI: 21,
  sourceRepositoryVisibilityAtSigning: 22,
};

/**
 * The keys Kyverno's ClusterPolicy `additionalExtensions` can read: cosign's CertExtensions getters cover only the
 * original extensions 1–6, by these names or by their exact OIDs; any other key fails verification there.
 */
export const KYVERNO_READABLE_EXTENSIONS: readonly string[] = Object.keys(FULCIO_EXTENSIONS).filter((name) => FULCIO_EXTENSIONS[name] <= 6);

export function kyvernoReadsExtension(key: string): boolean {
  return KYVERNO_READABLE_EXTENSIONS.some((name) => key === name || key === `${FULCIO_ARC}${FULCIO_EXTENSIONS[name]}`);
}
