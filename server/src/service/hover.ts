// Hover inside policy documents: our field docs on keys; key / certificate details on PEM values;
// what an image pattern matches on imageReferences entries.
import { isScalar } from 'yaml';
import type { YamlFile } from './document/yamlFile';
import { nodeRange, offsetAt } from './document/yamlFile';
import { isPolicyKind } from './document/classify';
import { docContaining, nodeAtOffset, NodeHit, PathStep } from './document/cursor';
import type { Hover, Position } from './types';
import { schemaForDoc } from './schema/schemaStore';
import { docFor, DocFamily } from './schema/fieldDocs';
import { resolveSchema } from './completion/schemaPath';
import { isPublicKeyField } from './completion/publicKeys';
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
  const markdown = hit.onKey ? fieldHover(family, doc, hit.path) : valueHover(family, doc, hit, now, workspace);
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

/** Fields whose value is PEM certificate text. */
function isCertificateField(family: DocFamily, path: readonly PathStep[]): boolean {
  const [last, parent, grand] = [path[path.length - 1], path[path.length - 2], path[path.length - 3]];
  if (family === 'kyverno-policy') return last === 'cert' || last === 'certChain' || last === 'roots';
  if (family === 'image-validating-policy') {
    return (last === 'value' && (parent === 'cert' || parent === 'certChain' || parent === 'certs' || parent === 'tsaCerts')) || (last === 'roots' && parent === 'keyless');
  }
  return last === 'data' && parent === 'ca-cert' && grand === 'keyless';
}

function valueHover(family: DocFamily, doc: Parameters<typeof schemaForDoc>[0], hit: NodeHit, now: Date, workspace?: WorkspaceView): string | undefined {
  if (!isScalar(hit.node) || typeof hit.node.value !== 'string') return undefined;
  const text = hit.node.value;
  const path = hit.path;
  const isPem = text.includes('-----BEGIN');
  if (isPublicKeyField(path) && isPem) return publicKeysMarkdown(text);
  if (isCertificateField(family, path) && isPem) return certificatesMarkdown(text, now);
  const listKey = path[path.length - 2];
  if (family === 'kyverno-policy' && typeof path[path.length - 1] === 'number' && (listKey === 'imageReferences' || listKey === 'skipImageReferences')) {
    const matches = patternMatchesMarkdown(text, listKey, workspace);
    return matches ? `${explainImagePattern(text, listKey)}\n\n${matches}` : explainImagePattern(text, listKey);
  }
  return undefined;
}
