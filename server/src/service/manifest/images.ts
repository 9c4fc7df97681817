// Finds every container image in workload manifests (all pod-bearing kinds, every container list) and the
// `images:` overrides of kustomization files, keeping the YAML nodes so diagnostics get exact ranges.
import { isScalar, Node, Scalar, YAMLMap } from 'yaml';
import type { YamlDoc, YamlFile } from '../document/yamlFile';
import { asMap, nodeAt, scalarValue, seqItems } from '../document/yamlFile';
import { POD_BEARING_KINDS } from '../document/classify';

export type Path = (string | number)[];

export const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;
export type ContainerList = (typeof CONTAINER_LISTS)[number];

export interface ImageOccurrence {
  /** The image string as written. */
  image: string;
  /** The scalar holding the image, for exact ranges. */
  node: Scalar;
  doc: YamlDoc;
  /** The workload's kind (`Deployment`, `CronJob`, …). */
  resourceKind: string;
  apiVersion?: string;
  resourceName?: string;
  /** `metadata.namespace` as written; undefined means the namespace it is applied in (usually `default`). */
  namespace?: string;
  list: ContainerList;
  containerIndex: number;
  containerName?: string;
  container: YAMLMap<Scalar, Node | null>;
  /** Path from the document root to the image value, e.g. `['spec','template','spec','containers',0,'image']`. */
  path: Path;
  pullPolicy?: string;
  pullPolicyNode?: Scalar;
  /** The value is a template placeholder (`{{ .Values.image }}`, `${IMAGE}`), not an image yet. */
  templated: boolean;
}

/** Where the pod spec sits in each pod-bearing kind. */
export function podSpecPath(kind: string | undefined): Path | undefined {
  switch (kind) {
    case 'Pod': return ['spec'];
    case 'CronJob': return ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
    case 'PodTemplate': return ['template', 'spec'];
    default: return kind && POD_BEARING_KINDS.has(kind) ? ['spec', 'template', 'spec'] : undefined;
  }
}

const TEMPLATE_MARKERS = /\{\{|\$\{|\$\(/;

export function isTemplated(image: string): boolean {
  return TEMPLATE_MARKERS.test(image);
}

/** Images of one pod-bearing document, in document order per list (init, regular, ephemeral). */
export function imagesInDoc(doc: YamlDoc): ImageOccurrence[] {
  const root = asMap(doc.doc.contents);
  const specPath = podSpecPath(doc.kindName);
  if (!root || !specPath) return [];
  const podSpec = asMap(nodeAt(root, specPath));
  if (!podSpec) return [];
  const metadata = asMap(root.get('metadata', true));
  const name = scalarValue(metadata, 'name');
  const namespace = scalarValue(metadata, 'namespace');
  const out: ImageOccurrence[] = [];
  for (const list of CONTAINER_LISTS) {
    seqItems(podSpec.get(list, true)).forEach((item, containerIndex) => {
      const container = asMap(item);
      const node = container?.get('image', true);
      const image: unknown = isScalar(node) ? node.value : undefined;
      if (!container || !isScalar(node) || typeof image !== 'string' || image.trim() === '') return;
      const containerName = scalarValue(container, 'name');
      const pullPolicyNode = container.get('imagePullPolicy', true);
      const occurrence: ImageOccurrence = {
        image,
        node,
        doc,
        resourceKind: doc.kindName!,
        apiVersion: doc.apiVersion,
        resourceName: typeof name === 'string' ? name : undefined,
        namespace: typeof namespace === 'string' ? namespace : undefined,
        list,
        containerIndex,
        containerName: typeof containerName === 'string' ? containerName : undefined,
        container,
        path: [...specPath, list, containerIndex, 'image'],
        templated: isTemplated(image),
      };
      if (isScalar(pullPolicyNode) && typeof pullPolicyNode.value === 'string') {
        occurrence.pullPolicy = pullPolicyNode.value;
        occurrence.pullPolicyNode = pullPolicyNode;
      }
      out.push(occurrence);
    });
  }
  return out;
}

/** Every image of every pod-bearing document of a file. */
export function imagesInFile(file: YamlFile): ImageOccurrence[] {
  return file.docs.filter((d) => d.kind === 'manifest').flatMap(imagesInDoc);
}

export interface KustomizeImageEntry {
  doc: YamlDoc;
  node: YAMLMap<Scalar, Node | null>;
  index: number;
  path: Path;
  /** The image name the override applies to (matched without tag). */
  name?: string;
  nameNode?: Scalar;
  newName?: string;
  newNameNode?: Scalar;
  newTag?: string;
  newTagNode?: Scalar;
  digest?: string;
  digestNode?: Scalar;
  /**
   * The image the override produces, when it sets the tag or digest: `(newName ?? name)` plus `@digest`
   * (kustomize prefers the digest) or `:newTag`. Undefined when the original tag is kept.
   */
  result?: string;
  templated: boolean;
}

/** The `images:` overrides of a kustomization document. */
export function kustomizeImages(doc: YamlDoc): KustomizeImageEntry[] {
  const root = asMap(doc.doc.contents);
  const out: KustomizeImageEntry[] = [];
  seqItems(root?.get('images', true)).forEach((item, index) => {
    const node = asMap(item);
    if (!node) return;
    const entry: KustomizeImageEntry = { doc, node, index, path: ['images', index], templated: false };
    for (const key of ['name', 'newName', 'newTag', 'digest'] as const) {
      const v = node.get(key, true);
      // newTag is often written unquoted (`newTag: 1.25`), which YAML reads as a number.
      if (isScalar(v) && (typeof v.value === 'string' || typeof v.value === 'number')) {
        const text = typeof v.value === 'string' ? v.value : (v.source ?? String(v.value));
        if (text.trim() === '') continue;
        entry[key] = text;
        entry[`${key}Node`] = v;
      }
    }
    const base = entry.newName ?? entry.name;
    if (base !== undefined && (entry.digest !== undefined || entry.newTag !== undefined)) {
      entry.result = entry.digest !== undefined ? `${base}@${entry.digest}` : `${base}:${entry.newTag}`;
    }
    entry.templated = [entry.name, entry.newName, entry.newTag, entry.digest].some((v) => v !== undefined && isTemplated(v));
    if (entry.name !== undefined || entry.newName !== undefined || entry.newTag !== undefined || entry.digest !== undefined) out.push(entry);
  });
  return out;
}
