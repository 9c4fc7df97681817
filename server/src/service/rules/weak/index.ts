// Weak-pattern rules: policies that Kyverno accepts but that let unverified or mutable images through.
import type { Rule } from '../rule';
import { evadableImageReference } from './evadableImageReference';
import { referenceMissesDigest } from './referenceMissesDigest';
import { referenceNeverMatches } from './referenceNeverMatches';
import { broadSkip } from './broadSkip';
import { permissiveImagePattern } from './permissiveImagePattern';
import { keylessNoIdentity } from './keylessNoIdentity';
import { identityFieldIgnored } from './identityFieldIgnored';
import { tlogDisabled } from './tlogDisabled';
import { sctDisabled } from './sctDisabled';
import { noAttestors } from './noAttestors';
import { verificationNotRequired } from './verificationNotRequired';
import { digestNotVerified } from './digestNotVerified';

export const weakRules: readonly Rule[] = [
  evadableImageReference,
  referenceMissesDigest,
  referenceNeverMatches,
  broadSkip,
  permissiveImagePattern,
  keylessNoIdentity,
  identityFieldIgnored,
  tlogDisabled,
  sctDisabled,
  noAttestors,
  verificationNotRequired,
  digestNotVerified,
];
