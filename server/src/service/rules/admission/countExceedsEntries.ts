import { isScalar } from 'yaml';
import type { Rule } from '../rule';
import { Severity } from '../../types';
import { asMap, seqItems } from '../../document/yamlFile';
import { attestorSets, verifyImagesEntries } from '../../policy/kyvernoPolicy';
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
    for (const entry of verifyImagesEntries(ctx.doc)) {
      for (const set of attestorSets(entry)) {
        const count = set.node.get('count', true);
        if (!isScalar(count) || typeof count.value !== 'number') continue;
        const written = seqItems(set.node.get('entries', true)).length;
        if (count.value <= written) continue;
        const multiKey = written === 1 && pemKeyCount(set.entries[0]?.node) > 1;
        ctx.report({
          node: count,
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
  const text = stringField(asMap(entry)?.get('keys', true), 'publicKeys');
  return (text.match(/-----END PUBLIC KEY-----/g) ?? []).length;
}
