// The ClusterImagePolicy (policy.sigstore.dev) part of the policy model.
import type { YamlDoc } from '../document/yamlFile';
import { asMap, scalarValue, seqItems } from '../document/yamlFile';
import { MATERIAL_FIELDS, SiteCollector } from './materials';
import type { CipAuthority, ClusterImagePolicyModel } from './model';
import { child, childMap, matchers, metadataName, stringFact } from './read';
import { specOf } from './kyvernoPolicy';

export function buildCip(doc: YamlDoc): ClusterImagePolicyModel {
  const spec = specOf(doc);
  const sites = new SiteCollector();
  const images = seqItems(child(spec, 'images')).flatMap((item) => matchers(item, 'glob', 'cip-glob'));
  const authorities: CipAuthority[] = [];
  for (const item of seqItems(child(spec, 'authorities'))) {
    const node = asMap(item);
    if (!node) continue;
    const name = scalarValue(node, 'name');
    const kind = (['key', 'keyless', 'static'] as const).find((k) => child(node, k) !== undefined) ?? 'unknown';
    authorities.push({ name: typeof name === 'string' ? name : undefined, kind, node });
    sites.materialsOf(node, MATERIAL_FIELDS['cluster-image-policy']);
    for (const id of seqItems(child(childMap(node, 'keyless'), 'identities'))) sites.regExpsOf(asMap(id), 'keyless.identities[]');
  }
  const mode = stringFact(spec, 'mode');
  return {
    kind: 'cluster-image-policy',
    doc,
    name: metadataName(doc),
    images,
    authorities,
    mode: mode ? { value: mode.value === 'warn' ? 'warn' : 'enforce', node: mode.node } : { value: 'enforce' },
    materials: sites.materials,
    regExps: sites.regExps,
  };
}
