import type { Rule } from '../rule';
import { Severity } from '../../types';
import { attestorEntries, verifyImagesEntries } from '../../policy/kyvernoPolicy';
import { admissionChecked, setPair, stringField } from './facts';

export const keyRequired: Rule = {
  id: 'policy-key-required',
  severity: Severity.Error,
  summary: 'Kyverno rejects a keys attestor without publicKeys, kms or secret.',
  docs: [
    'A `keys` attestor must say where the public key comes from: `publicKeys` (PEM, a variable or `k8s://ns/secret`), `kms`',
    '(a KMS URI) or `secret` (a Secret with `cosign.pub`). Kyverno refuses a `keys` block with none of them ("A public key,',
    'kms key or secret is required"). Empty strings count as missing.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    for (const entry of verifyImagesEntries(ctx.doc)) {
      for (const att of attestorEntries(entry)) {
        const keys = setPair(att.node, 'keys');
        if (!keys) continue;
        if (stringField(keys.value, 'publicKeys') !== '' || stringField(keys.value, 'kms') !== '' || setPair(keys.value, 'secret')) continue;
        ctx.report({
          keyOf: keys,
          message: 'Kyverno rejects this policy: the keys attestor has no key source. ' +
            'Set publicKeys (the PEM from cosign.pub), kms (e.g. awskms:///alias/my-key) or secret (name and namespace of a Secret holding cosign.pub).',
        });
      }
    }
  },
};
