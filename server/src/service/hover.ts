// Hover inside policy documents: our field docs on keys; key / certificate details on PEM values;
// what an image pattern matches on imageReferences entries.
import { isScalar } from 'yaml';
import type { YamlDoc, YamlFile } from './document/yamlFile';
import { nodeRange, offsetAt } from './document/yamlFile';
import { isPolicyKind } from './document/classify';
import { docContaining, nodeAtOffset, NodeHit, PathStep } from './document/cursor';
import type { Hover, Position } from './types';
import { schemaForDoc } from './schema/schemaStore';
import { docFor, DocFamily } from './schema/fieldDocs';
import { resolveSchema } from './completion/schemaPath';
import { kyvernoModel, materialSiteOf } from './policy/model';
import { fieldMarkdown } from './hover/fieldMarkdown';
import { certificatesMarkdown, publicKeysMarkdown } from './hover/pemMarkdown';
import { explainImagePattern } from './hover/imagePattern';
import { imageHover, patternMatchesMarkdown } from './hover/imageHover';
import type { WorkspaceView } from './workspace/policyIndex';

export function doHover(file: YamlFile, position: Position, now: Date = new Date(), workspace?: WorkspaceView): Hover | null {
  const offset = offsetAt(file, position);
  const doc = docContaining(file, offset);
  if (doc?.kind === 'manifest') return imageHover(file, doc, offset, workspace);
  if (!doc || !isPolicyKind(doc.kind)) return null;
  const hit = nodeAtOffset(doc.doc.contents, offset);
  if (!hit) return null;
  const family = doc.kind as DocFamily;
  const markdown = hit.onKey ? fieldHover(family, doc, hit.path) : valueHover(doc, hit, now, workspace);
  if (!markdown) return null;
  return { contents: { kind: 'markdown', value: markdown }, range: nodeRange(file, hit.node) };
}

function fieldHover(family: DocFamily, doc: Parameters<typeof schemaForDoc>[0], path: PathStep[]): string | undefined {
  const entry = schemaForDoc(doc);
  const schema = entry ? resolveSchema(entry.schema, path) : undefined;
  const fieldDoc = docFor(family, path);
  if (!schema && !fieldDoc) return undefined;
  return fieldMarkdown(String(path[path.length - 1]), path, schema, fieldDoc);
}

function valueHover(doc: YamlDoc, hit: NodeHit, now: Date, workspace?: WorkspaceView): string | undefined {
  if (!isScalar(hit.node) || typeof hit.node.value !== 'string') return undefined;
  const text = hit.node.value;
  const site = text.includes('-----BEGIN') ? materialSiteOf(doc, hit.node) : undefined;
  if (site?.kind === 'public-key') return publicKeysMarkdown(text);
  if (site?.kind === 'certificate') return certificatesMarkdown(text, now);
  const listKey = imagePatternListOf(doc, hit.node);
  if (!listKey) return undefined;
  const matches = patternMatchesMarkdown(text, listKey, workspace);
  return matches ? `${explainImagePattern(text, listKey)}\n\n${matches}` : explainImagePattern(text, listKey);
}

/** Which list of a Kyverno verifyImages entry holds this pattern node, if any (the deprecated `image` has no hover). */
function imagePatternListOf(doc: YamlDoc, node: unknown): 'imageReferences' | 'skipImageReferences' | undefined {
  for (const entry of kyvernoModel(doc)?.entries ?? []) {
    if (entry.imageReferences.some((m) => m.node === node && !m.legacy)) return 'imageReferences';
    if (entry.skipImageReferences.some((m) => m.node === node)) return 'skipImageReferences';
  }
  return undefined;
}
