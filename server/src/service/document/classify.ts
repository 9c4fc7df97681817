// Decides what a YAML document is from its apiVersion and kind, so rules only see documents they understand.

export type DocKind =
  | 'kyverno-policy'
  | 'image-validating-policy'
  | 'cluster-image-policy'
  | 'manifest'
  | 'kustomization'
  | 'other';

export const POD_BEARING_KINDS = new Set([
  'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'PodTemplate',
]);

export function classify(apiVersion: string | undefined, kind: string | undefined, uri = ''): DocKind {
  const group = apiVersion?.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  if (group === 'kyverno.io' && (kind === 'ClusterPolicy' || kind === 'Policy')) return 'kyverno-policy';
  if (group === 'policies.kyverno.io' && (kind === 'ImageValidatingPolicy' || kind === 'NamespacedImageValidatingPolicy')) {
    return 'image-validating-policy';
  }
  if (group === 'policy.sigstore.dev' && kind === 'ClusterImagePolicy') return 'cluster-image-policy';
  if (kind && POD_BEARING_KINDS.has(kind) && apiVersion) return 'manifest';
  if (kind === 'Kustomization' || /(^|\/)kustomization\.ya?ml$/.test(uri)) return 'kustomization';
  return 'other';
}

export function isPolicyKind(kind: DocKind): boolean {
  return kind === 'kyverno-policy' || kind === 'image-validating-policy' || kind === 'cluster-image-policy';
}
