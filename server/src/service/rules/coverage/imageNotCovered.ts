import type { Rule } from '../rule';
import { Severity } from '../../types';
import { imageRuleMatches, normalizedImageOf } from '../../manifest/coverage';
import { coverageHint, suggestedPattern } from '../../workspace/coverageHint';
import { capitalise, describeRule, describeWorkload, workloadImages } from './workloadImages';

/**
 * Once a workspace verifies images, an image no verifyImages rule matches is admitted without any
 * signature check. Says so only when the workspace has a verification policy: without one, every image
 * would be flagged and the finding would be noise.
 */
export const imageNotCovered: Rule = {
  id: 'image-not-covered',
  severity: Severity.Information,
  summary: 'No verifyImages rule of the workspace verifies this image.',
  docs: 'The workspace has Kyverno verifyImages policies, but none of their rules both selects this workload and matches this image (after Kyverno\'s normalisation: `nginx` is matched as `docker.io/nginx:latest`), or a `skipImageReferences` pattern exempts it. The image is admitted without a signature check. Add a pattern that matches it to a rule whose `match` selects the workload, or skip it deliberately.',
  appliesTo: ['manifest'],
  check(ctx) {
    const workspace = ctx.workspace;
    if (!workspace || !workspace.hasVerificationPolicy()) return;
    const policies = workspace.policies();
    for (const { occurrence, subject } of workloadImages(ctx.doc)) {
      const normalized = normalizedImageOf(subject.image);
      if (normalized === undefined) continue; // invalid references are the image family's business
      const matches = imageRuleMatches(policies, subject);
      if (matches.some((m) => !m.skippedBy)) continue;
      const skipped = matches.find((m) => m.skippedBy);
      let advice: string;
      if (skipped) {
        advice = `It is exempted: skipImageReferences "${skipped.skippedBy!.pattern}" of ${describeRule(skipped.policyName, skipped.rule.name)} skips it. Remove it from skipImageReferences if it should be verified.`;
      } else {
        const hint = coverageHint(policies, subject);
        const pattern = suggestedPattern(subject.image);
        if (hint?.kind === 'not-selected') {
          advice = `${capitalise(describeRule(hint.policyName, hint.ruleName))} matches it with "${hint.pattern}" but its match/exclude does not select this ${describeWorkload(subject)}: widen that rule's match, or add a rule that selects this workload.`;
        } else if (hint) {
          advice = `${capitalise(describeRule(hint.policyName, hint.ruleName))} verifies other images of the same registry ("${hint.pattern}"): add a pattern such as "${pattern}" to its imageReferences.`;
        } else {
          advice = `Add a verifyImages rule whose imageReferences match it (e.g. "${pattern}"), or list it in skipImageReferences if it is deliberately unverified.`;
        }
      }
      ctx.report({
        node: occurrence.node,
        message: `No verifyImages rule in the workspace verifies "${normalized}"${normalized === subject.image ? '' : ` (Kyverno's form of "${subject.image}")`}, so it is admitted without a signature check. ${advice}`,
        data: { image: subject.image, normalized },
      });
    }
  },
};
