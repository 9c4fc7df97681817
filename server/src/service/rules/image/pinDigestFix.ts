// Pinning needs the registry, so these code actions carry a command the server runs (never an edit):
// the quick-fix for one image and the "pin all images in this file" source action.
import type { YamlDoc, YamlFile } from '../../document/yamlFile';
import { nodeRange, offsetAt } from '../../document/yamlFile';
import { kustomizeImages } from '../../manifest/images';
import type { FixContext } from '../rule';
import type { CodeAction, Diagnostic } from '../../types';
import { imageSites, ImageSite } from './sites';

export const PIN_DIGEST_COMMAND = 'imageTrust.pinDigest';
export const PIN_ALL_DIGESTS_COMMAND = 'imageTrust.pinAllDigests';
export const PIN_DIGESTS_KIND = 'source.pinDigests';

/** Container images whose text can be rewritten in place to `name:tag@sha256:…` ("pin all"; kustomize overrides get their own quick-fix, which adds a `digest:` field). */
export function pinnableSites(file: YamlFile): ImageSite[] {
  return file.docs
    .filter((d) => d.kind === 'manifest')
    .flatMap(imageSites)
    .filter((s) => s.origin === 'container' && s.ref.ok && s.ref.digest === undefined);
}

/** The quick-fix for a tag-only image diagnostic: arguments are [uri, range of the image value, image]. */
export function pinDigestFix({ file, doc, diagnostic }: FixContext): CodeAction[] {
  const image = (diagnostic.data as { image?: unknown } | undefined)?.image;
  if (typeof image !== 'string') return [];
  if (doc?.kind === 'kustomization') return kustomizePinFix(file, doc, diagnostic, image);
  if (doc?.kind !== 'manifest') return [];
  const site = imageSites(doc).find((s) => s.origin === 'container' && s.text === image && sameRange(nodeRange(file, s.node), diagnostic.range));
  if (!site) return [];
  const title = `Pin ${image} to its current digest (asks the registry)`;
  return [{
    title,
    kind: 'quickfix',
    diagnostics: [diagnostic],
    command: { title, command: PIN_DIGEST_COMMAND, arguments: [file.uri, diagnostic.range, image] },
  }];
}

/**
 * A kustomize override spreads the reference over fields, so the fix writes a `digest:` field into the entry
 * (the server finds the entry again from the range); arguments are [uri, range, image, 'kustomize'].
 */
function kustomizePinFix(file: YamlFile, doc: YamlDoc, diagnostic: Diagnostic, image: string): CodeAction[] {
  const offset = offsetAt(file, diagnostic.range.start);
  const entry = kustomizeImages(doc).find((e) => e.result === image && e.newTag !== undefined && e.digest === undefined && contains(e.node.range, offset));
  if (!entry) return [];
  const title = `Pin ${image} to its current digest (adds a digest field; asks the registry)`;
  return [{
    title,
    kind: 'quickfix',
    diagnostics: [diagnostic],
    command: { title, command: PIN_DIGEST_COMMAND, arguments: [file.uri, diagnostic.range, image, 'kustomize'] },
  }];
}

export function contains(range: [number, number, number] | undefined | null, offset: number): boolean {
  return !!range && offset >= range[0] && offset <= range[2];
}

/** "Pin all images in this file", offered when the file has at least one unpinned container image. */
export function pinAllDigestsAction(file: YamlFile): CodeAction[] {
  if (pinnableSites(file).length === 0) return [];
  const title = 'Pin all images in this file to their digests';
  return [{ title, kind: PIN_DIGESTS_KIND, command: { title, command: PIN_ALL_DIGESTS_COMMAND, arguments: [file.uri] } }];
}

function sameRange(a: { start: { line: number; character: number }; end: { line: number; character: number } }, b: typeof a): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
