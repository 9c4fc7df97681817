import type { Rule } from '../rule';
import { Severity } from '../../types';
import { registryRestrictions, RegistryRestriction } from '../../manifest/coverage';
import { capitalise, describeRule, workloadImages } from './workloadImages';

/**
 * A Kyverno validate rule of the workspace constrains the `image` of this container (allowed registries,
 * `!*:latest`, …) and the image does not satisfy it: the workload will be rejected (Enforce) or reported
 * (Audit) when it is applied. Only certain failures are reported, never "maybe".
 */
export const imageRegistryNotAllowed: Rule = {
  id: 'image-registry-not-allowed',
  severity: Severity.Warning,
  summary: 'A validate rule of the workspace does not allow this image.',
  docs: 'A Kyverno ClusterPolicy/Policy of the workspace restricts container images with a `validate.pattern` or `anyPattern` (typically an allowed-registry list such as `registry.example.com/*`, or a constraint such as `!*:latest`), and this image does not satisfy it. With `Enforce` the API server rejects the workload; with `Audit` it is admitted and reported. Change the image to one the pattern accepts, or change the policy.',
  appliesTo: ['manifest'],
  check(ctx) {
    const workspace = ctx.workspace;
    if (!workspace) return;
    const policies = workspace.policies();
    if (!policies.some((p) => p.kind === 'kyverno-policy')) return;
    for (const { occurrence, subject } of workloadImages(ctx.doc)) {
      for (const r of registryRestrictions(policies, subject)) {
        if (r.passes !== 'no') continue;
        ctx.report({
          node: occurrence.node,
          message: restrictionMessage(r, subject.image),
          data: { image: subject.image, policy: r.policyName, rule: r.rule.name },
        });
      }
    }
  },
};

function restrictionMessage(r: RegistryRestriction, image: string): string {
  const who = describeRule(r.policyName, r.rule.name);
  const failing = r.patterns.filter((p) => p.passes === 'no').map((p) => `"${p.pattern}"`);
  const patterns = r.source === 'anyPattern' && failing.length > 1
    ? `none of its anyPattern image patterns (${failing.join(', ')}) accepts it`
    : `its image pattern ${failing[0] ?? `"${r.patterns[0]?.pattern}"`} does not accept it`;
  const effect = r.action === 'Enforce'
    ? 'Enforce: the workload is rejected at admission'
    : 'Audit: the workload is admitted but reported as a violation';
  const when = r.applies === 'yes' ? '' : ` if the rule applies (${r.caveats.join('; ')})`;
  const quoted = r.message ? `; the policy says: "${r.message}"` : '';
  return `${capitalise(who)} does not allow "${image}": ${patterns} (${effect}${when}${quoted}). Use an image that satisfies the pattern, or change the policy.`;
}
