// The verification messages shared with the language server (server/src/commands/verify.ts). The names are
// repeated here rather than imported so the client bundle does not pull in server code; types are type-only.
import type { VerifyOutcome, VerifySpec } from '../../server/src/verify/api';

export type { VerifyOutcome, VerifySpec };

export const VERIFY_REQUEST = 'imageTrust/verify';
export const LIST_RULES_REQUEST = 'imageTrust/listRules';
export const VERIFICATION_RESULT_NOTIFICATION = 'imageTrust/verificationResult';
export const WORKSPACE_TRUST_NOTIFICATION = 'imageTrust/workspaceTrust';
export const VERIFY_IMAGE_PROMPT_COMMAND = 'imageTrust.verifyImagePrompt';
export const SHOW_OUTPUT_COMMAND = 'imageTrust.showOutput';

export interface VerifyEntryRef {
  uri: string;
  docIndex: number;
  ruleIndex: number;
  entryIndex: number;
}

export interface RuleChoice {
  ref: VerifyEntryRef;
  label: string;
  description: string;
  detail: string;
}

export interface VerifyRequestParams {
  image: string;
  spec: VerifySpec | { kind: 'workspace-rule'; ref: VerifyEntryRef };
  trustedRootJson?: string;
}

export interface VerificationResultParams {
  image: string;
  uri?: string;
  against: string;
  outcome: VerifyOutcome;
}
