import type { Rule } from '../rule';
import { imageInvalidReference } from './imageInvalidReference';
import { imageLatestTag } from './imageLatestTag';
import { imageNoTag } from './imageNoTag';
import { imageNotPinned } from './imageNotPinned';
import { imagePullPolicyHidesUpdates } from './imagePullPolicyHidesUpdates';

export const imageRules: readonly Rule[] = [
  imageInvalidReference,
  imageLatestTag,
  imageNoTag,
  imageNotPinned,
  imagePullPolicyHidesUpdates,
];
