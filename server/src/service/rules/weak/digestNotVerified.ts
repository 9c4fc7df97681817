import type { Rule } from '../rule';
import { Severity } from '../../types';
import { kyvernoModel } from '../../policy/model';

export const digestNotVerified: Rule = {
  id: 'policy-digest-not-verified',
  severity: Severity.Warning,
  summary: '`verifyDigest: false` in an enforcing rule admits images by tag, which can later point at other content.',
  docs: [
    'A tag is mutable: the image verified at admission and the one the node pulls later can differ. `verifyDigest: true` (the',
    'default) rejects matched images without a digest. With `verifyDigest: false` and `mutateDigest: false` the Pod runs by tag;',
    'with `mutateDigest: true` Kyverno still pins the digest, so only images it did not mutate slip through (reported as',
    'information). Only reported when the rule enforces.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    for (const entry of kyvernoModel(ctx.doc)?.entries ?? []) {
      const { value, node } = entry.verifyDigest;
      if (!node || value !== false) continue;
      if (entry.ruleAction !== 'Enforce') continue;
      const mutates = entry.mutateDigest.value;
      ctx.report({
        node,
        severity: mutates ? Severity.Information : Severity.Warning,
        message: mutates
          ? 'verifyDigest: false: images that reach the cluster without a digest (where mutateDigest did not apply) are admitted by tag, and a tag can later point at unverified content. Remove it (the default is true).'
          : 'verifyDigest: false with mutateDigest: false admits verified images by tag only, and the tag can be moved to unverified content before the node pulls it. Remove verifyDigest: false (the default is true) or let Kyverno pin digests with mutateDigest: true.',
      });
    }
  },
};
