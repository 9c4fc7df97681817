// Rules that judge a manifest against the policies of the workspace (they need the workspace index).
import type { Rule } from '../rule';
import { imageNotCovered } from './imageNotCovered';
import { imageRegistryNotAllowed } from './imageRegistryNotAllowed';
import { imageSignatureFailed } from './imageSignatureFailed';

export const coverageRules: readonly Rule[] = [imageNotCovered, imageRegistryNotAllowed, imageSignatureFailed];
