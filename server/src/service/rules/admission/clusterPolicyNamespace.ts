import type { Rule } from '../rule';
import { Severity } from '../../types';
import { asMap } from '../../document/yamlFile';
import { admissionChecked, setPair, stringField } from './facts';

export const clusterPolicyNamespace: Rule = {
  id: 'policy-clusterpolicy-namespace',
  severity: Severity.Warning,
  summary: 'A ClusterPolicy is cluster-scoped; `metadata.namespace` is ignored by the API server and rejected by the Kyverno CLI.',
  docs: [
    'A ClusterPolicy applies to the whole cluster and has no namespace. Kyverno\'s policy validation refuses one with',
    '`metadata.namespace` ("A clusterpolicy should not have the namespace defined") — `kyverno apply`/`kyverno test` fail on',
    'it — while the API server silently drops the field for cluster-scoped objects before the webhook sees it. Remove the',
    'namespace, or use kind Policy for a namespaced policy.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc) || ctx.doc.kindName !== 'ClusterPolicy') return;
    const metadata = asMap(asMap(ctx.doc.doc.contents)?.get('metadata', true));
    const ns = setPair(metadata, 'namespace');
    if (!ns || stringField(metadata, 'namespace') === '') return;
    ctx.report({
      keyOf: ns,
      message: 'A ClusterPolicy is cluster-wide and cannot have a namespace: the Kyverno CLI rejects this policy, and the API server drops the field. ' +
        'Remove metadata.namespace, or change kind to Policy to limit the policy to that namespace.',
    });
  },
};
