// Pure text work for pinning: the pinned form of an image and the edit that writes it in place.
import type { Scalar } from 'yaml';
import { parseImageReference } from '../service/image/reference';
import type { KustomizeImageEntry } from '../service/manifest/images';

/**
 * `name:tag@digest`, keeping the tag (as Renovate's pinDigests does) so readers and update tools still see
 * which tag the digest came from. An image without a tag was pulled as `latest`, so it gets `:latest`
 * written out: the digest is the one `latest` pointed at, and saying so keeps the pin honest.
 */
export function pinnedImage(image: string, digest: string): string {
  const ref = parseImageReference(image);
  if (!ref.ok) throw new Error(`"${image}" is not a valid image reference`);
  const name = ref.domain ? `${ref.domain}/${ref.repository}` : ref.repository;
  return `${name}:${ref.tag ?? 'latest'}@${digest}`;
}

export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

/**
 * Replaces `image` inside the value that spans [start, end) of `text`, leaving any quotes around it as
 * they were. Undefined when the value no longer holds that image (the document changed meanwhile).
 */
export function pinEditAt(text: string, start: number, end: number, image: string, digest: string): OffsetEdit | undefined {
  const value = text.slice(start, end);
  const at = value.indexOf(image);
  if (at < 0) return undefined;
  // The image must be the whole value, bar quotes: `nginx` must not match inside `nginx-exporter`.
  const before = value.slice(0, at);
  const after = value.slice(at + image.length);
  if (!/^["']?$/.test(before) || after !== before) return undefined;
  return { start: start + at, end: start + at + image.length, newText: pinnedImage(image, digest) };
}

/**
 * For a kustomize `images:` entry: writes the digest into its `digest` field, which kustomize uses instead of
 * `newTag` (the tag stays, for readers and update tools). Block-style entries only; undefined otherwise.
 */
export function kustomizeDigestEdit(text: string, entry: KustomizeImageEntry, digest: string): OffsetEdit | undefined {
  if (entry.node.flow || entry.node.items.length === 0) return undefined;
  if (entry.digestNode?.range) return { start: entry.digestNode.range[0], end: entry.digestNode.range[1], newText: digest };
  const firstKey = entry.node.items[0].key as Scalar;
  const last = entry.node.items[entry.node.items.length - 1];
  const lastEnd = (last.value ?? last.key)?.range?.[1];
  if (!firstKey.range || lastEnd === undefined) return undefined;
  const column = firstKey.range[0] - (text.lastIndexOf('\n', firstKey.range[0] - 1) + 1);
  // After the end of the last field's line, so a trailing comment stays where it was.
  const lineEnd = text.indexOf('\n', lastEnd);
  const at = lineEnd < 0 ? text.length : lineEnd;
  return { start: at, end: at, newText: `\n${' '.repeat(column)}digest: ${digest}` };
}
