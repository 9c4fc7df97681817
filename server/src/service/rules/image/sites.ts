// The image strings the `image` rule family checks, in one shape for both origins: container `image:`
// fields of workloads and `images:` overrides of kustomizations (which spread one reference over fields).
import type { Scalar } from 'yaml';
import type { YamlDoc } from '../../document/yamlFile';
import { imagesInDoc, kustomizeImages, KustomizeImageEntry } from '../../manifest/images';
import { parseImageReference, ParsedReference } from '../../image/reference';

export type ReferencePart = 'name' | 'tag' | 'digest';

export interface ImageSite {
  /** The reference the rules evaluate. */
  text: string;
  ref: ParsedReference;
  /** Where findings about the whole reference go. */
  node: Scalar;
  /** Where a finding about one part of the reference goes (differs from `node` only in kustomizations). */
  nodeFor(part: ReferencePart): Scalar;
  /** False when the site renames an image but keeps whatever tag it had (kustomize `newName` only). */
  tagKnown: boolean;
  pullPolicy?: string;
  pullPolicyNode?: Scalar;
  origin: 'container' | 'kustomize';
}

export function imageSites(doc: YamlDoc): ImageSite[] {
  if (doc.kind === 'manifest') {
    return imagesInDoc(doc)
      .filter((o) => !o.templated)
      .map((o) => ({
        text: o.image,
        ref: parseImageReference(o.image),
        node: o.node,
        nodeFor: () => o.node,
        tagKnown: true,
        pullPolicy: o.pullPolicy,
        pullPolicyNode: o.pullPolicyNode,
        origin: 'container' as const,
      }));
  }
  if (doc.kind === 'kustomization') return kustomizeImages(doc).flatMap(kustomizeSite);
  return [];
}

function kustomizeSite(entry: KustomizeImageEntry): ImageSite[] {
  if (entry.templated) return [];
  const nameNode = entry.newNameNode ?? entry.nameNode;
  const text = entry.result ?? entry.newName;
  const node = nameNode ?? entry.digestNode ?? entry.newTagNode;
  if (text === undefined || !node) return [];
  const nodeFor = (part: ReferencePart): Scalar => {
    if (part === 'digest') return entry.digestNode ?? node;
    if (part === 'tag') return entry.newTagNode ?? node;
    return nameNode ?? node;
  };
  return [{ text, ref: parseImageReference(text), node, nodeFor, tagKnown: entry.result !== undefined, origin: 'kustomize' }];
}

/** Which part of the reference an error offset falls in. */
export function partAt(site: ImageSite, offset: number | undefined): ReferencePart {
  if (offset === undefined) return 'name';
  const at = site.text.indexOf('@');
  if (at >= 0 && offset >= at) return 'digest';
  const lastSlash = site.text.lastIndexOf('/', at >= 0 ? at : undefined);
  const colon = site.text.indexOf(':', lastSlash + 1);
  return colon >= 0 && offset >= colon && (at < 0 || colon < at) ? 'tag' : 'name';
}

/** `repo:<tag>@sha256:<digest>` with the site's own repository, for fix-it hints in messages. */
export function pinnedExample(site: ImageSite, tag?: string): string {
  if (!site.ref.ok) return 'repository:<version>@sha256:<digest>';
  const name = site.ref.domain ? `${site.ref.domain}/${site.ref.repository}` : site.ref.repository;
  return `${name}:${tag ?? '<version>'}@sha256:<digest>`;
}
