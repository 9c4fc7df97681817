import type { Rule } from '../rule';
import { Severity } from '../../types';
import { imageSites, partAt } from './sites';

/** Image strings the kubelet cannot parse: the pod never starts (InvalidImageName). */
export const imageInvalidReference: Rule = {
  id: 'image-invalid-reference',
  severity: Severity.Error,
  summary: 'The image is not a valid OCI image reference.',
  docs: 'The kubelet parses every image as `[registry[:port]/]repository[:tag][@algorithm:hex]`: a lowercase repository, a tag of at most 128 letters, digits, `_`, `.` or `-` (not starting with `.` or `-`), and a digest such as `sha256:` followed by 64 lowercase hex characters. A reference that does not parse leaves the pod in `InvalidImageName`, and policies that match on the image never see a valid name. Fix the part the message names.',
  appliesTo: ['manifest', 'kustomization'],
  check(ctx) {
    for (const site of imageSites(ctx.doc)) {
      if (site.ref.ok) continue;
      const what = site.origin === 'kustomize' ? 'The kustomize image override produces the invalid reference' : 'Invalid image reference';
      ctx.report({
        node: site.nodeFor(partAt(site, site.ref.offset)),
        message: `${what} "${site.text}": ${site.ref.error}. The kubelet would refuse it (InvalidImageName); write it as registry/repository:tag@sha256:<digest>.`,
        data: { reason: site.ref.code },
      });
    }
  },
};
