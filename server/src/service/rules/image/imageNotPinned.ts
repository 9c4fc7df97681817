import type { Rule } from '../rule';
import { Severity } from '../../types';
import { imageSites, pinnedExample } from './sites';
import { pinDigestFix } from './pinDigestFix';

/**
 * A version tag without a digest. `latest` and tag-less images are left to their own, louder rules so one
 * image gets one finding.
 */
export const imageNotPinned: Rule = {
  id: 'image-not-pinned',
  severity: Severity.Hint,
  summary: 'The image is referenced by tag only, not pinned to a digest.',
  docs: 'Tags are mutable: the same `repo:1.2.3` can be re-pushed with different content, and signature policies verify the digest the tag pointed to at admission time. Appending the digest (`repo:1.2.3@sha256:…`) makes every node run exactly the image that was reviewed and verified. Raise this rule\'s severity in settings to enforce pinning.',
  appliesTo: ['manifest', 'kustomization'],
  check(ctx) {
    for (const site of imageSites(ctx.doc)) {
      if (!site.ref.ok || !site.tagKnown || site.ref.digest !== undefined) continue;
      if (site.ref.tag === undefined || site.ref.tag === 'latest') continue;
      ctx.report({
        node: site.node,
        message: `"${site.text}" is not pinned to a digest; the tag "${site.ref.tag}" can be re-pushed to point at different content. Append its digest: ${pinnedExample(site, site.ref.tag)}.`,
        data: { image: site.text },
      });
    }
  },
  fix: pinDigestFix,
};
