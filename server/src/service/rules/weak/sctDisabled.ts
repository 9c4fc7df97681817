import type { Rule } from '../rule';
import { Severity } from '../../types';
import { asMap } from '../../document/yamlFile';
import { scalarChild } from './imagePatterns';
import { attestorEntries, verifyImagesEntries } from '../../policy/kyvernoPolicy';

// Key-based attestors have no certificate, so ignoreSCT changes nothing there and is not reported.
const CERTIFICATE_KINDS = ['keyless', 'certificates'];

export const sctDisabled: Rule = {
  id: 'policy-sct-disabled',
  severity: Severity.Warning,
  summary: '`ctlog.ignoreSCT: true` accepts signing certificates without proof they were logged in Certificate Transparency.',
  docs: [
    'A Signed Certificate Timestamp (SCT) proves the signing certificate was published in the Certificate Transparency log, where',
    'a mis-issued certificate for your identity can be spotted. With `ignoreSCT: true` such a certificate is accepted silently.',
    'Remove `ignoreSCT` (defaults to false); set `ctlog.pubkey` when you run a private CT log.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    for (const entry of verifyImagesEntries(ctx.doc)) {
      for (const attestor of attestorEntries(entry)) {
        for (const kind of CERTIFICATE_KINDS) {
          const field = scalarChild(asMap(attestor.node.get(kind, true))?.get('ctlog', true), 'ignoreSCT');
          if (!field || field.value !== true) continue;
          const { node } = field;
          ctx.report({
            node,
            message: `ignoreSCT: true accepts ${kind} signing certificates without a Certificate Transparency timestamp, so a mis-issued certificate for your identity would pass unnoticed. ` +
              'Remove it (the default is false); for a private CT log set ctlog.pubkey instead.',
          });
        }
      }
    }
  },
};
