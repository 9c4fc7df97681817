// Image references read from a plain list (one per line, `#` comments — the seed's `images.txt`) or from an SPDX
// SBOM (JSON or tag-value) that lists container images, each with the exact range it was read from so results can
// be shown on its line and pinned digests written back. Pure: text in, references out.
import { parseImageReference } from '../image/reference';

export interface ListedImage {
  /** The reference as written (a list line) or as derived (an SBOM package). */
  reference: string;
  /** 0-based line and character range of the reference in the text. */
  line: number;
  start: number;
  end: number;
  /** Why it cannot be verified, when it does not parse. */
  invalid?: string;
}

export type ImageListKind = 'list' | 'spdx-json' | 'spdx-tag-value';

export interface ImageList {
  kind: ImageListKind;
  images: ListedImage[];
}

/** SPDX tag-value starts with `SPDXVersion:`; SPDX JSON has a top-level `spdxVersion`. */
export function detectKind(text: string): ImageListKind {
  const head = text.slice(0, 4096);
  if (/^\s*\{/.test(head) && /"spdxVersion"\s*:/.test(text)) return 'spdx-json';
  if (/^SPDXVersion:\s*SPDX-/m.test(head)) return 'spdx-tag-value';
  return 'list';
}

/** Whether a file name announces an image list the editor should offer verification for. */
export function isImageListName(fileName: string): boolean {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  return /(^|[-_.])images?(\.txt|\.list|\.lst)$/i.test(base) || /^images?$/i.test(base);
}

/** Whether a file name announces an SPDX document. */
export function isSpdxName(fileName: string): boolean {
  return /\.spdx(\.json)?$/i.test(fileName);
}

export function readImageList(text: string, kind: ImageListKind = detectKind(text)): ImageList {
  if (kind === 'spdx-json') return { kind, images: dedupe(spdxJsonImages(text)) };
  if (kind === 'spdx-tag-value') return { kind, images: dedupe(spdxTagValueImages(text)) };
  return { kind, images: plainListImages(text) };
}

function plainListImages(text: string): ListedImage[] {
  const out: ListedImage[] = [];
  text.split('\n').forEach((raw, line) => {
    const content = raw.replace(/\r$/, '');
    const hash = content.search(/(^|\s)#/);
    const kept = hash >= 0 ? content.slice(0, hash) : content;
    const start = kept.length - kept.trimStart().length;
    const reference = kept.trim();
    if (!reference) return;
    const item: ListedImage = { reference, line, start, end: start + reference.length };
    const parsed = parseImageReference(reference);
    if (!parsed.ok) item.invalid = parsed.error;
    out.push(item);
  });
  return out;
}

// ---- SPDX ---------------------------------------------------------------------------------------------------

/**
 * The container image a package stands for: a `pkg:oci` package URL (repository_url and tag), else a package name
 * that is a full image reference (registry, repository and tag or digest: Kubernetes' release SBOM names each image
 * package `registry.k8s.io/kube-apiserver-amd64:v1.29.0`), else the seed's reading of the SPDX ID
 * (`SPDXRef-Package-registry.k8s.io-kube-apiserver-amd64-v1.29.0`, not the `sha256` layer packages).
 */
export function packageImage(pkg: { name?: string; spdxId?: string; purls: string[] }): string | undefined {
  for (const purl of pkg.purls) {
    const ref = ociPurlImage(purl);
    if (ref) return ref;
  }
  if (pkg.name && isFullImageReference(pkg.name)) return pkg.name;
  // Names with a path (`github.com/org/mod`) are other ecosystems' packages, whatever their SPDX ID looks like.
  if (pkg.spdxId && !pkg.name?.includes('/')) return spdxIdImage(pkg.spdxId);
  return undefined;
}

function isFullImageReference(text: string): boolean {
  const parsed = parseImageReference(text);
  return parsed.ok && !!parsed.domain && /[.:]|^localhost$/.test(parsed.domain) && !!(parsed.tag || parsed.digest);
}

/** `pkg:oci/NAME@sha256:…?repository_url=REGISTRY/PATH&tag=TAG` → `REGISTRY/PATH:TAG@sha256:…`. */
export function ociPurlImage(purl: string): string | undefined {
  const m = /^pkg:oci\/([^@?#]+)(?:@([^?#]+))?(?:\?([^#]*))?/.exec(purl.trim());
  if (!m) return undefined;
  const name = decodeURIComponent(m[1]);
  const version = m[2] ? decodeURIComponent(m[2]) : undefined;
  const params = new URLSearchParams(m[3] ?? '');
  const repoUrl = params.get('repository_url')?.replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '');
  if (!repoUrl) return undefined;
  const repository = repoUrl.split('/').pop() === name ? repoUrl : `${repoUrl}/${name}`;
  const tag = params.get('tag');
  const ref = `${repository}${tag ? `:${tag}` : ''}${version && /^sha256:[0-9a-f]{64}$/.test(version) ? `@${version}` : ''}`;
  return isFullImageReference(ref) ? ref : undefined;
}

/** The seed's pipeline: `cut -d- -f3- | sed 's/-/\//' | sed 's/-v1/:v1/'`, for registry packages without a digest. */
export function spdxIdImage(spdxId: string): string | undefined {
  const m = /^SPDXRef-Package-(.+)$/.exec(spdxId);
  if (!m || /sha256/.test(m[1])) return undefined;
  const slashed = m[1].replace('-', '/');
  const tagged = slashed.replace(/-(v\d[^-/]*)$/, ':$1');
  return tagged !== slashed && isFullImageReference(tagged) ? tagged : undefined;
}

function spdxTagValueImages(text: string): ListedImage[] {
  const out: ListedImage[] = [];
  const lines = text.split('\n');
  let pkg: { name?: string; nameAt?: [number, number, number]; spdxId?: string; idAt?: [number, number, number]; purls: string[] } | undefined;
  const flush = () => {
    if (!pkg) return;
    const reference = packageImage(pkg);
    // Point at what the reference was read from: the SPDX ID when the name is not the reference.
    const fromId = reference !== undefined && reference !== pkg.name && pkg.spdxId !== undefined && reference === spdxIdImage(pkg.spdxId);
    const at = fromId ? pkg.idAt : (pkg.nameAt ?? pkg.idAt);
    if (reference && at) out.push({ reference, line: at[0], start: at[1], end: at[2] });
    pkg = undefined;
  };
  lines.forEach((raw, line) => {
    const text_ = raw.replace(/\r$/, '');
    const m = /^(\w+):\s*(.*?)\s*$/.exec(text_);
    if (!m) return;
    const [, tag, value] = m;
    const valueStart = text_.indexOf(value, tag.length + 1);
    const at: [number, number, number] = [line, valueStart, valueStart + value.length];
    if (tag === 'PackageName') {
      flush();
      pkg = { name: value, nameAt: at, purls: [] };
    } else if (tag === 'SPDXID' && pkg) {
      pkg.spdxId = value;
      pkg.idAt = at;
    } else if (tag === 'ExternalRef' && pkg) {
      const ref = /PACKAGE[-_]MANAGER\s+purl\s+(\S+)/.exec(value);
      if (ref) pkg.purls.push(ref[1]);
    } else if (tag === 'FileName' || tag === 'SnippetSPDXID' || tag === 'LicenseID') {
      flush();
    }
  });
  flush();
  return out;
}

function spdxJsonImages(text: string): ListedImage[] {
  let doc: { packages?: { name?: string; SPDXID?: string; externalRefs?: { referenceType?: string; referenceLocator?: string }[] }[] };
  try {
    doc = JSON.parse(text);
  } catch {
    return [];
  }
  const out: ListedImage[] = [];
  let searchFrom = 0;
  for (const p of Array.isArray(doc.packages) ? doc.packages : []) {
    const purls = (p.externalRefs ?? []).filter((r) => r.referenceType === 'purl' && typeof r.referenceLocator === 'string').map((r) => r.referenceLocator!);
    const reference = packageImage({ name: typeof p.name === 'string' ? p.name : undefined, spdxId: p.SPDXID, purls });
    // Point at the package's "name" value (or its SPDXID), found in document order.
    const anchor = typeof p.name === 'string' ? JSON.stringify(p.name) : JSON.stringify(p.SPDXID ?? '');
    const offset = text.indexOf(anchor, searchFrom);
    if (offset >= 0) searchFrom = offset + anchor.length;
    if (!reference) continue;
    const pos = offset >= 0 ? position(text, offset + 1) : { line: 0, character: 0 };
    out.push({ reference, line: pos.line, start: pos.character, end: pos.character + Math.max(0, anchor.length - 2) });
  }
  return out;
}

function position(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let last = -1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, character: offset - last - 1 };
}

/** An SBOM lists an image once per architecture package at most once per reference. */
function dedupe(images: ListedImage[]): ListedImage[] {
  const seen = new Set<string>();
  return images.filter((i) => (seen.has(i.reference) ? false : (seen.add(i.reference), true)));
}

/** `name:tag` → `name:tag@digest` for a pinned write-back (an existing digest is replaced). */
export function pinnedReference(reference: string, digest: string): string {
  const at = reference.indexOf('@');
  return `${at >= 0 ? reference.slice(0, at) : reference}@${digest}`;
}
