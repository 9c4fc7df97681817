// The ImageValidatingPolicy (policies.kyverno.io, cluster-wide or Namespaced…) part of the policy model.
import { isScalar } from 'yaml';
import type { YamlDoc } from '../document/yamlFile';
import { asMap, scalarValue, seqItems } from '../document/yamlFile';
import { MATERIAL_FIELDS, SiteCollector } from './materials';
import type { ImageMatcher, ImageValidatingPolicyModel, IvpAttestor } from './model';
import { boolFact, child, childMap, matchers, metadataName } from './read';
import { specOf } from './kyvernoPolicy';

export function buildIvp(doc: YamlDoc): ImageValidatingPolicyModel {
  const spec = specOf(doc);
  const sites = new SiteCollector();
  const matchImageReferences: ImageMatcher[] = [];
  for (const item of seqItems(child(spec, 'matchImageReferences'))) {
    matchImageReferences.push(...matchers(item, 'glob', 'ivp-glob'), ...matchers(item, 'expression', 'ivp-cel'));
  }
  const attestors: IvpAttestor[] = [];
  for (const item of seqItems(child(spec, 'attestors'))) {
    const node = asMap(item);
    if (!node) continue;
    const name = scalarValue(node, 'name');
    const cosign = childMap(node, 'cosign');
    const notary = childMap(node, 'notary');
    const method = (['key', 'keyless', 'certificate'] as const).find((m) => childMap(cosign, m));
    attestors.push({ name: typeof name === 'string' ? name : undefined, kind: cosign ? 'cosign' : notary ? 'notary' : 'unknown', method, node });
    sites.materialsOf(node, MATERIAL_FIELDS['image-validating-policy']);
    for (const id of seqItems(child(childMap(cosign, 'keyless'), 'identities'))) sites.regExpsOf(asMap(id), 'cosign.keyless.identities[]');
  }
  const actionsNode = child(spec, 'validationActions');
  const actions = seqItems(actionsNode).flatMap((n) => (isScalar(n) && typeof n.value === 'string' ? [n.value] : []));
  // The image-verification defaults of `spec.validationConfigurations` (all true in the CRD).
  const config = childMap(spec, 'validationConfigurations');
  return {
    kind: 'image-validating-policy',
    doc,
    name: metadataName(doc),
    namespaced: doc.kindName?.startsWith('Namespaced') ?? false,
    matchImageReferences,
    attestors,
    validationActions: { value: actions, node: actionsNode },
    matchConstraints: childMap(spec, 'matchConstraints'),
    mutateDigest: boolFact(config, 'mutateDigest', true),
    verifyDigest: boolFact(config, 'verifyDigest', true),
    required: boolFact(config, 'required', true),
    materials: sites.materials,
    regExps: sites.regExps,
  };
}
