// Admission rules: the checks Kyverno's policy webhook (1.19) runs when a kyverno.io ClusterPolicy/Policy is created,
// so a policy the cluster would refuse is flagged while it is written.
import type { Rule } from '../rule';
import { clusterPolicyNamespace } from './clusterPolicyNamespace';
import { nameTooLong } from './nameTooLong';
import { autogenAll } from './autogenAll';
import { duplicateRuleName } from './duplicateRuleName';
import { ruleOperation } from './ruleOperation';
import { imageExtractorsWithoutVerifyImages } from './imageExtractorsWithoutVerifyImages';
import { matchAnyAll } from './matchAnyAll';
import { admissionDisabled } from './admissionDisabled';
import { wildcardKind } from './wildcardKind';
import { imageReferenceVariable } from './imageReferenceVariable';
import { extractorJmespathMutate } from './extractorJmespathMutate';
import { matchKindsRequired } from './matchKindsRequired';
import { mutateDigestAudit } from './mutateDigestAudit';
import { imageReferenceRequired } from './imageReferenceRequired';
import { countExceedsEntries } from './countExceedsEntries';
import { attestorEntriesRequired } from './attestorEntriesRequired';
import { attestorEntryKind } from './attestorEntryKind';
import { keyRequired } from './keyRequired';
import { signatureAlgorithm } from './signatureAlgorithm';
import { certificateRequired } from './certificateRequired';
import { keylessRekorOrRoots } from './keylessRekorOrRoots';
import { rekorUrlRequired } from './rekorUrlRequired';
import { notaryAttestor } from './notaryAttestor';
import { matchVariables } from './matchVariables';
import { matchExcludeEmptySet } from './matchExcludeEmptySet';
import { namespacedPolicyNamespaces } from './namespacedPolicyNamespaces';
import { failureActionOverridesNamespaced } from './failureActionOverridesNamespaced';
import { webhookTimeout } from './webhookTimeout';

/** Roughly in the order Kyverno checks them: metadata, rule shape, spec flags, match blocks, then verifyImages entries. */
export const admissionRules: readonly Rule[] = [
  clusterPolicyNamespace,
  nameTooLong,
  autogenAll,
  matchVariables,
  webhookTimeout,
  failureActionOverridesNamespaced,
  duplicateRuleName,
  ruleOperation,
  imageExtractorsWithoutVerifyImages,
  matchExcludeEmptySet,
  matchAnyAll,
  namespacedPolicyNamespaces,
  admissionDisabled,
  wildcardKind,
  imageReferenceVariable,
  extractorJmespathMutate,
  matchKindsRequired,
  mutateDigestAudit,
  imageReferenceRequired,
  countExceedsEntries,
  attestorEntriesRequired,
  attestorEntryKind,
  keyRequired,
  signatureAlgorithm,
  certificateRequired,
  keylessRekorOrRoots,
  rekorUrlRequired,
  notaryAttestor,
];
