import type { Rule } from '../rule';
import { Severity } from '../../types';
import { imageSites } from './sites';

const KEEPS_LOCAL_COPY = new Set(['IfNotPresent', 'Never']);

/**
 * `IfNotPresent`/`Never` with a tag: a node that already holds an image under that tag keeps running it
 * after the tag moves. Loud for `latest` (it is meant to move), quieter for version tags.
 */
export const imagePullPolicyHidesUpdates: Rule = {
  id: 'image-pull-policy-hides-updates',
  severity: Severity.Warning,
  summary: '`imagePullPolicy: IfNotPresent` or `Never` with a mutable tag lets nodes keep a stale image.',
  docs: 'With `IfNotPresent` (or `Never`) the kubelet reuses any image it already has under the same tag. When the tag is re-pushed, nodes that pulled it before keep the old content while new nodes get the new one, so replicas silently differ. Pin the image to a digest (then `IfNotPresent` is safe and saves pulls), or use `imagePullPolicy: Always`.',
  appliesTo: ['manifest'],
  check(ctx) {
    for (const site of imageSites(ctx.doc)) {
      if (!site.ref.ok || site.ref.digest !== undefined || !site.pullPolicyNode || !KEEPS_LOCAL_COPY.has(site.pullPolicy ?? '')) continue;
      const tag = site.ref.tag ?? 'latest';
      const floating = tag === 'latest';
      ctx.report({
        node: site.pullPolicyNode,
        severity: floating ? Severity.Warning : Severity.Information,
        message: `imagePullPolicy: ${site.pullPolicy} with the mutable tag "${tag}" of "${site.text}": nodes that already have an image under this tag keep running it after the tag moves, so replicas can differ. Pin the image to a digest (or use imagePullPolicy: Always).`,
        data: { image: site.text },
      });
    }
  },
};
