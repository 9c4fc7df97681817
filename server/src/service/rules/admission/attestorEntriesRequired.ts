import type { Rule } from '../rule';
import { Severity } from '../../types';
import { pairOf, seqItems } from '../../document/yamlFile';
import { attestorSets, verifyImagesEntries } from '../../policy/kyvernoPolicy';
import { admissionChecked, anchor } from './facts';

export const attestorEntriesRequired: Rule = {
  id: 'policy-attestor-entries-required',
  severity: Severity.Error,
  summary: 'Kyverno rejects an attestor set without entries.',
  docs: [
    'Each item of `attestors` (and of `attestations[].attestors`, and a nested `attestor`) must list at least one entry',
    '(`keys`, `certificates`, `keyless` or a nested `attestor`); Kyverno refuses an empty set ("An entry is required").',
    'An empty `attestors: []` list itself is accepted.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    for (const entry of verifyImagesEntries(ctx.doc)) {
      for (const set of attestorSets(entry)) {
        if (seqItems(set.node.get('entries', true)).length > 0) continue;
        const written = pairOf(set.node, 'entries');
        ctx.report({
          ...(written ? { keyOf: written } : anchor(set.node)),
          message: 'Kyverno rejects this policy: the attestor set has no entries. ' +
            'Add an entries list with at least one keys, certificates or keyless attestor, or remove the empty set.',
        });
      }
    }
  },
};
