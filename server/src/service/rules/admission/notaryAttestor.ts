import type { Rule } from '../rule';
import { Severity } from '../../types';
import { asMap, seqItems } from '../../document/yamlFile';
import { verifyImagesEntries } from '../../policy/kyvernoPolicy';
import { admissionChecked, setPair, stringField } from './facts';

export const notaryAttestor: Rule = {
  id: 'policy-notary-attestor',
  severity: Severity.Error,
  summary: 'Kyverno rejects keys or keyless attestors in a verifyImages entry of type Notary.',
  docs: [
    'Notary signatures are verified with X.509 certificates only. In an entry with `type: Notary`, Kyverno refuses attestor',
    'entries that use `keys` or `keyless` ("Keys/Keyless field is not allowed for type notary"); use',
    '`certificates.cert` / `certificates.certChain` instead. Only the entry\'s own `attestors` are checked.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    for (const entry of verifyImagesEntries(ctx.doc)) {
      if (stringField(entry.node, 'type') !== 'Notary') continue;
      for (const set of seqItems(entry.node.get('attestors', true))) {
        for (const item of seqItems(asMap(set)?.get('entries', true))) {
          for (const kind of ['keys', 'keyless'] as const) {
            const pair = setPair(item, kind);
            if (!pair) continue;
            ctx.report({
              keyOf: pair,
              message: `Kyverno rejects this policy: ${kind} attestors cannot verify Notary signatures. ` +
                'Use a certificates attestor (cert and/or certChain with the Notary signing certificate), or change type to Cosign.',
            });
          }
        }
      }
    }
  },
};
