import type { Rule } from '../rule';
import { Severity } from '../../types';
import { imageSites, pinnedExample } from './sites';
import { pinDigestFix } from './pinDigestFix';

/** An image with neither tag nor digest is pulled as `:latest`. */
export const imageNoTag: Rule = {
  id: 'image-no-tag',
  severity: Severity.Warning,
  summary: 'The image has no tag or digest, which means `latest`.',
  docs: 'Without a tag or digest the runtime pulls `:latest`, which points at whatever was pushed last: the image that runs can change with no change to the manifest. Name a version tag and pin its digest (`repo:1.2.3@sha256:…`).',
  appliesTo: ['manifest', 'kustomization'],
  check(ctx) {
    for (const site of imageSites(ctx.doc)) {
      if (!site.ref.ok || !site.tagKnown || site.ref.tag !== undefined || site.ref.digest !== undefined) continue;
      ctx.report({
        node: site.node,
        message: `"${site.text}" has no tag or digest, so it means "${site.text}:latest", which moves whenever a new image is pushed. Name a version and pin its digest, e.g. ${pinnedExample(site)}.`,
        data: { image: site.text },
      });
    }
  },
  fix: pinDigestFix,
};
