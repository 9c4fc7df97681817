import type { Rule } from '../rule';
import { DiagnosticTag, Severity } from '../../types';
import type { DeprecationChecker, DeprecationData } from './checker';
import { validationFailureAction } from './validationFailureAction';
import { lowercaseAction } from './lowercaseAction';
import { legacyVerifyImages } from './legacyVerifyImages';
import { predicateType } from './predicateType';
import { keysSignatureAlgorithm } from './keysSignatureAlgorithm';
import { webhookFields } from './webhookFields';

const checkers: readonly DeprecationChecker[] = [
  validationFailureAction,
  lowercaseAction,
  legacyVerifyImages,
  predicateType,
  keysSignatureAlgorithm,
  webhookFields,
];

/** Every deprecated Kyverno form, one code; each finding carries `data.kind` so its own fix can run. */
export const policyDeprecated: Rule = {
  id: 'policy-deprecated',
  severity: Severity.Warning,
  summary: 'The policy uses a field or value Kyverno has deprecated.',
  docs:
    'Kyverno still accepts these forms but warns about them and may drop them: `spec.validationFailureAction` (use ' +
    'per-rule `failureAction`), lowercase `audit`/`enforce`, the v1 top-level `image`/`key`/`subject`/`issuer`/`roots` ' +
    'of a verifyImages entry (use `imageReferences` and `attestors`), `attestations[].predicateType` (use `type`), ' +
    '`keys.signatureAlgorithm` (use the attestor entry\'s `signatureAlgorithm`), and `spec.failurePolicy` / ' +
    '`spec.webhookTimeoutSeconds` (use `spec.webhookConfiguration`). Each has a quick-fix that rewrites it in place. ' +
    'A deprecated webhook field set next to its `webhookConfiguration` replacement is an error: Kyverno refuses that policy.',
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    for (const checker of checkers) {
      checker.check(ctx, (r) => ctx.report({ ...r, tags: [DiagnosticTag.Deprecated] }));
    }
  },
  fix(ctx) {
    const data = ctx.diagnostic.data as Partial<DeprecationData> | undefined;
    const checker = checkers.find((c) => c.kind === data?.kind);
    if (!checker?.fix || !ctx.doc || !Array.isArray(data?.path)) return [];
    return checker.fix(ctx, data as DeprecationData);
  },
};
