import type { DocKind } from '../../document/classify';

/** The documents whose YAML this service answers for; other YAML is left to other tools. */
export const OWNED_KINDS: readonly DocKind[] = ['kyverno-policy', 'image-validating-policy', 'cluster-image-policy', 'manifest', 'kustomization'];
