// One-line explanations of Kyverno imageReferences / skipImageReferences patterns. Kyverno normalises the
// image (adds `docker.io/` when there is no registry, `:latest` when there is no tag or digest, drops the tag
// when a digest is present) and then matches the whole string against the pattern as written, where `*`
// matches any characters, including `/`, and `?` exactly one.

export type PatternField = 'imageReferences' | 'skipImageReferences';

const hasWildcard = (p: string) => /[*?]/.test(p);

function firstSegmentIsRegistry(p: string): boolean {
  const slash = p.indexOf('/');
  if (slash < 0) return false;
  const first = p.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost';
}

/** What Kyverno would match an image written `image` against (its normalised form). */
export function normaliseKyvernoImage(image: string): string {
  let ref = firstSegmentIsRegistry(image) ? image : `docker.io/${image}`;
  const at = ref.indexOf('@');
  if (at >= 0) {
    const name = ref.slice(0, at);
    const lastSlash = name.lastIndexOf('/');
    const colon = name.lastIndexOf(':');
    return (colon > lastSlash ? name.slice(0, colon) : name) + ref.slice(at);
  }
  const lastSlash = ref.lastIndexOf('/');
  if (ref.lastIndexOf(':') <= lastSlash) ref += ':latest';
  return ref;
}

/** Markdown explaining what the pattern matches. */
export function explainImagePattern(pattern: string, field: PatternField): string {
  if (pattern === '*' || pattern === '**') {
    return field === 'imageReferences'
      ? '**`*` matches every image.** This is strict — every container image of a matched resource must be signed by your attestors — ' +
          'but it also covers public images your keys never signed: `docker.io/nginx` from Docker Hub would be rejected unless signed. ' +
          'Narrow the pattern to your own registry (e.g. `ghcr.io/my-org/*`), or list third-party images in `skipImageReferences`.'
      : '**`*` skips every image**, so this entry verifies nothing.';
  }
  if (pattern.includes('{{')) return 'Variables are not allowed in image patterns; Kyverno rejects the policy.';
  const verb = field === 'imageReferences' ? 'Verifies' : 'Skips';
  if (!hasWildcard(pattern.split('/')[0]) && !firstSegmentIsRegistry(pattern)) {
    return `${verb} nothing as written: images are compared in normalised form (\`nginx\` → \`docker.io/nginx:latest\`) and this pattern has no registry. Use \`${normaliseKyvernoImage(pattern.replace(/[*?].*$/, ''))}\`-style names, e.g. \`docker.io/${pattern}\`.`;
  }
  if (pattern.startsWith('docker.io/library/')) {
    return `${verb} only images written with \`library/\`: Kyverno does not add it (\`nginx\` → \`docker.io/nginx:latest\`), so \`nginx\` does not match \`${pattern}\`.`;
  }
  if (/:\*$/.test(pattern)) {
    const repo = pattern.slice(0, -2);
    return `${verb} tagged images of \`${repo}\` (\`*\` also crosses \`/\`). Digest-pinned images are normalised to \`${repo}@sha256:…\` without their tag and are not matched — use \`${repo}*\` to cover both.`;
  }
  if (hasWildcard(pattern)) {
    const example = pattern.endsWith('/*') ? `${pattern.slice(0, -1)}team/app:v1` : pattern.replace(/\*/g, 'x/y').replace(/\?/g, '1');
    return `${verb} images whose normalised name (\`registry/path:tag\` or \`registry/path@sha256:…\`) fits the pattern; \`*\` matches any characters including \`/\` (e.g. \`${example}\`), \`?\` exactly one.`;
  }
  const lastSlash = pattern.lastIndexOf('/');
  if (!pattern.includes('@') && pattern.lastIndexOf(':') <= lastSlash) {
    return `${verb} nothing as written: untagged images are normalised to \`${pattern}:latest\` and tagged ones keep their tag, so an exact pattern needs a tag or digest — use \`${pattern}*\` or \`${pattern}:<tag>\`.`;
  }
  return `${verb} exactly the image normalised to \`${pattern}\`.`;
}
