import { isScalar } from 'yaml';
import type { Rule } from '../rule';
import { Severity } from '../../types';
import { mapItems, pairOf, seqItems } from '../../document/yamlFile';
import { child, kyvernoModel } from '../../policy/model';
import { admissionChecked } from './facts';

export const extractorJmespathMutate: Rule = {
  id: 'policy-extractor-jmespath-mutate',
  severity: Severity.Error,
  summary: 'Kyverno rejects an imageExtractors jmesPath in a rule whose verifyImages entries mutate digests (the default).',
  docs: [
    'A `jmesPath` in `imageExtractors` rewrites the extracted image string (e.g. trims `docker://`), so Kyverno could not',
    'write a digest back to the original field. It refuses the rule when any of its verifyImages entries has',
    '`mutateDigest: true` — which is the default ("jmespath may not be used in an image extractor when mutating digests with',
    'verify images"). Set `mutateDigest: false` on every entry of the rule, or drop the jmesPath.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    for (const rule of kyvernoModel(ctx.doc)?.rules ?? []) {
      if (!rule.entries.some((e) => e.mutateDigest.value)) continue;
      for (const kind of mapItems(child(rule.view.node, 'imageExtractors'))) {
        for (const extractor of seqItems(kind.value)) {
          const jmes = pairOf(extractor, 'jmesPath');
          if (!jmes || !isScalar(jmes.value) || typeof jmes.value.value !== 'string' || jmes.value.value === '') continue;
          ctx.report({
            keyOf: jmes,
            message: 'Kyverno rejects this policy: an image extractor with jmesPath cannot be combined with digest mutation, and mutateDigest defaults to true. ' +
              'Set mutateDigest: false on every verifyImages entry of this rule, or remove the jmesPath.',
          });
        }
      }
    }
  },
};
