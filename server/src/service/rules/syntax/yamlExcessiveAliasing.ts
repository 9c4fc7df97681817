import type { Rule } from '../rule';
import { Severity } from '../../types';
import { aliasFacts } from '../../document/aliases';
import { OWNED_KINDS } from './ownedKinds';

/** A "billion laughs" document: Kubernetes' YAML reader refuses it, and Image Trust does not follow its aliases. */
export const yamlExcessiveAliasing: Rule = {
  id: 'yaml-excessive-aliasing',
  severity: Severity.Error,
  summary: 'Kubernetes refuses the document: its aliases expand too much.',
  docs: [
    'Kubernetes reads YAML with Go\'s yaml.v2/v3, which refuses a document whose decoding is mostly alias expansion',
    '(more than 99% of the nodes it decodes, down to 10% for very large documents: "document contains excessive',
    'aliasing"), the defence against "billion laughs" bombs. `kubectl apply` fails on such a document. Image Trust',
    'reports it on the alias that expands most, does not follow any alias of the document, and checks its schema',
    'with every alias left empty. Write the repeated parts out, or alias smaller pieces.',
  ].join(' '),
  appliesTo: OWNED_KINDS,
  check(ctx) {
    const facts = aliasFacts(ctx.doc.doc);
    if (!facts.excessive || !facts.largest) return;
    const share = Math.round((facts.aliased / facts.decodes) * 1000) / 10;
    ctx.report({
      node: facts.largest,
      message:
        `Kubernetes refuses this document: its aliases expand to ${facts.aliased.toLocaleString('en-US')} nodes, ${share}% of the ` +
        `${facts.decodes.toLocaleString('en-US')} it would decode ("excessive aliasing"). Image Trust does not follow its aliases ` +
        'and checks its schema with every alias left empty; write the repeated parts out or alias smaller pieces.',
    });
  },
};
