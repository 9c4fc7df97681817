import type { Rule } from '../rule';
import { Severity } from '../../types';
import { describeRule, workloadImages } from './workloadImages';

/**
 * After a live verification (code lens, command, or verify-on-open) found that an image fails a verifyImages
 * rule that enforces, Kyverno would reject the workload. Reads only results the host recorded: this rule
 * never verifies anything itself, so it costs nothing on the typing path, and a result stops applying as soon
 * as the image text changes (results are keyed by the image as written).
 */
export const imageSignatureFailed: Rule = {
  id: 'image-signature-failed',
  severity: Severity.Error,
  summary: 'A live signature verification of this image failed under an Enforce rule.',
  docs: 'A verification run from the editor (the "Verify signature" code lens, "Verify N matching workspace images", or `imageTrust.verify.onOpen`) checked this image against the verifyImages rules that cover it, and a rule whose failure action is Enforce did not accept any signature. Kyverno would block the workload at admission. Sign the image with a key or identity the rule trusts, point the manifest at a signed image (ideally by digest), or fix the rule\'s attestors. The diagnostic reflects the last run only; it disappears when the image is edited, and a new run refreshes it. Failures under Audit rules are shown on the code lens only.',
  appliesTo: ['manifest'],
  check(ctx) {
    const results = ctx.workspace?.verificationOf;
    if (!results) return;
    for (const { occurrence } of workloadImages(ctx.doc)) {
      const recorded = ctx.workspace!.verificationOf!(ctx.file.uri, occurrence.image);
      const failed = recorded?.rules.filter((r) => r.action === 'Enforce' && r.verdict === 'failed') ?? [];
      if (failed.length === 0) continue;
      const which = failed.map((r) => `${describeRule(r.policyName, r.ruleName)}: ${r.summary.replace(/^✗\s*/, '')}`).join('; ');
      ctx.report({
        node: occurrence.node,
        message: `Signature verification of "${occurrence.image}" failed under an Enforce rule, so Kyverno would reject this workload (${which}). Sign the image with a key or identity the rule trusts, use a signed image, or fix the rule's attestors; run "Verify signature" again afterwards.`,
        data: { image: occurrence.image },
      });
    }
  },
};
