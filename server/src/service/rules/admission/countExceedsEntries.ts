import type { Rule } from '../rule';
import { Severity } from '../../types';
import { child, kyvernoModel } from '../../policy/model';
import { admissionChecked, stringField } from './facts';

export const countExceedsEntries: Rule = {
  id: 'policy-count-exceeds-entries',
  severity: Severity.Error,
  summary: 'Kyverno rejects an attestor set whose count is larger than its number of entries.',
  docs: [
    '`count` says how many entries of an attestor set must verify. Kyverno compares it with the number of written `entries`',
    'when the policy is created ("Count cannot exceed length of entries"), before it splits a `publicKeys` value holding several',
    'PEM keys into separate keys: `count: 2` with one `keys` entry containing two keys is rejected. Write one entry per key, or',
    'lower `count`. Applies to `attestors`, `attestations[].attestors` and nested `attestor` sets.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    for (const entry of kyvernoModel(ctx.doc)?.entries ?? []) {
      for (const set of entry.attestorSets) {
        if (!set.count) continue;
        const count = { value: set.count.value, node: set.count.node! };
        const written = set.writtenEntries;
        if (count.value <= written) continue;
        const multiKey = written === 1 && pemKeyCount(set.entries[0]?.node) > 1;
        ctx.report({
          node: count.node,
          message: `Kyverno rejects this policy: count is ${count.value} but the attestor set has ${written} ${written === 1 ? 'entry' : 'entries'}. ` +
            (multiKey
              ? 'Kyverno counts entries before splitting publicKeys into single keys, so put each public key in its own keys entry (or lower count).'
              : `Lower count to at most ${written}, or add the missing entries.`),
        });
      }
    }
  },
};

function pemKeyCount(entry: unknown): number {
  const text = stringField(child(entry, 'keys'), 'publicKeys');
  return (text.match(/-----END PUBLIC KEY-----/g) ?? []).length;
}
