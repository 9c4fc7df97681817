import type { Rule } from '../rule';
import { Severity } from '../../types';
import { attestorEntries, verifyImagesEntries } from '../../policy/kyvernoPolicy';
import { admissionChecked, anchor, setPair } from './facts';

const KINDS = ['keys', 'certificates', 'keyless', 'attestor'] as const;

export const attestorEntryKind: Rule = {
  id: 'policy-attestor-entry-kind',
  severity: Severity.Error,
  summary: 'Kyverno rejects an attestor entry that sets none, or more than one, of keys / certificates / keyless / attestor.',
  docs: [
    'An attestor entry describes exactly one way to verify a signature: `keys`, `certificates`, `keyless` or a nested',
    '`attestor` set. Kyverno refuses an entry with none of them or with several ("keys, certificates, keyless, or a nested',
    'attestor is required"). Split an entry with several into separate entries of the same set (and use `count` for OR).',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    for (const entry of verifyImagesEntries(ctx.doc)) {
      for (const att of attestorEntries(entry)) {
        const present = KINDS.map((k) => setPair(att.node, k)).filter((p) => p !== undefined);
        if (present.length === 1) continue;
        if (present.length === 0) {
          ctx.report({
            ...anchor(att.node),
            message: 'Kyverno rejects this policy: the attestor entry sets none of keys, certificates, keyless or attestor. ' +
              'Add exactly one of them, e.g. keys.publicKeys with your cosign public key.',
          });
          continue;
        }
        const names = present.map((p) => String(p.key.value));
        ctx.report({
          keyOf: present[1],
          message: `Kyverno rejects this policy: the attestor entry sets ${names.join(' and ')}, but an entry may set only one of keys, certificates, keyless or attestor. ` +
            'Move each into its own entry of the same attestor set (with count: 1 if any one of them is enough).',
        });
      }
    }
  },
};
