import type { Rule } from '../rule';
import { Severity } from '../../types';
import { imageSites, pinnedExample } from './sites';
import { pinDigestFix } from './pinDigestFix';

/** `:latest` names whatever was pushed last; the digest, if any, wins, so a pinned `latest` is fine. */
export const imageLatestTag: Rule = {
  id: 'image-latest-tag',
  severity: Severity.Warning,
  summary: 'The image uses the mutable `latest` tag.',
  docs: '`latest` points at whatever was pushed last, so the image that runs can change without any change to the manifest, different nodes can run different images, and a rollback does not roll the image back. Pin a version tag and its digest (`repo:1.2.3@sha256:…`).',
  appliesTo: ['manifest', 'kustomization'],
  check(ctx) {
    for (const site of imageSites(ctx.doc)) {
      if (!site.ref.ok || !site.tagKnown || site.ref.tag !== 'latest' || site.ref.digest) continue;
      ctx.report({
        node: site.nodeFor('tag'),
        message: `"${site.text}" uses the "latest" tag, which moves whenever a new image is pushed: what runs can change with no change here. Pin a version and its digest, e.g. ${pinnedExample(site)}.`,
        data: { image: site.text },
      });
    }
  },
  fix: pinDigestFix,
};
