import type { Rule } from '../rule';
import { Severity } from '../../types';
import { asMap } from '../../document/yamlFile';
import { scalarChild } from './imagePatterns';
import { attestorEntries, verifyImagesEntries } from '../../policy/kyvernoPolicy';

export const tlogDisabled: Rule = {
  id: 'policy-tlog-disabled',
  severity: Severity.Warning,
  summary: '`rekor.ignoreTlog: true` accepts signatures that were never recorded in the Rekor transparency log.',
  docs: [
    'With `ignoreTlog: true` Kyverno does not require a Rekor inclusion proof. A signature made with a stolen key, or outside your',
    'pipeline, leaves no public record to detect it by, and for keyless signing the log entry is what proves the short-lived',
    'certificate was valid when the signature was made. Remove `ignoreTlog` (it defaults to false) unless the images are signed',
    'in an air-gapped setup, and then prefer your own Rekor instance (`rekor.url`).',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    for (const entry of verifyImagesEntries(ctx.doc)) {
      for (const attestor of attestorEntries(entry)) {
        for (const kind of ['keys', 'certificates', 'keyless']) {
          const field = scalarChild(asMap(attestor.node.get(kind, true))?.get('rekor', true), 'ignoreTlog');
          if (!field || field.value !== true) continue;
          const { node } = field;
          ctx.report({
            node,
            message: `ignoreTlog: true accepts ${kind} signatures that were never recorded in the Rekor transparency log, so a signature made with a leaked key or outside your pipeline leaves no public trace. ` +
              'Remove it (the default is false), or point rekor.url at your own Rekor instance.',
          });
        }
      }
    }
  },
};
