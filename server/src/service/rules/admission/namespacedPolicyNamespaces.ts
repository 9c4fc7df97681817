import type { Rule } from '../rule';
import { Severity } from '../../types';
import { seqItems } from '../../document/yamlFile';
import { policyRules } from '../../policy/kyvernoPolicy';
import { admissionChecked, filterBlocks, setPair } from './facts';

export const namespacedPolicyNamespaces: Rule = {
  id: 'policy-namespaced-namespaces',
  severity: Severity.Error,
  summary: 'Kyverno rejects `namespaces` filters in a namespaced Policy.',
  docs: [
    'A `Policy` (namespaced, unlike `ClusterPolicy`) only ever applies to resources of its own namespace, so Kyverno',
    'refuses `namespaces` in its `match`/`exclude` resource filters ("Filtering namespaces not allowed in namespaced',
    'policies"). Remove the filter, or use a ClusterPolicy to select namespaces.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc) || ctx.doc.kindName !== 'Policy') return;
    for (const rule of policyRules(ctx.doc)) {
      for (const section of ['match', 'exclude'] as const) {
        for (const block of filterBlocks(rule, section)) {
          const pair = setPair(block.resources, 'namespaces');
          if (!pair || seqItems(pair.value).length === 0) continue;
          ctx.report({
            keyOf: pair,
            message: 'Kyverno rejects this policy: a namespaced Policy cannot filter namespaces; it only applies to its own namespace. ' +
              'Remove namespaces, or make it a ClusterPolicy.',
          });
        }
      }
    }
  },
};
