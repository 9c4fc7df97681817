import type { Rule } from '../rule';
import { Severity } from '../../types';
import { aliasFacts } from '../../document/aliases';
import { OWNED_KINDS } from './ownedKinds';

/** `*name` with no `&name` before it: the YAML parser accepts it, Kubernetes' reader does not. */
export const yamlUnknownAlias: Rule = {
  id: 'yaml-unknown-alias',
  severity: Severity.Error,
  summary: 'An alias names no anchor defined before it.',
  docs: [
    'An alias `*name` stands for the node marked `&name` earlier in the same document. Kubernetes\' YAML reader refuses',
    'an alias whose anchor is missing, comes later, sits in another document (`---` starts a new one) or contains',
    'the alias itself, so `kubectl apply` fails. Define the anchor before the alias, or write the value out.',
  ].join(' '),
  appliesTo: OWNED_KINDS,
  check(ctx) {
    for (const alias of aliasFacts(ctx.doc.doc).unknown) {
      ctx.report({
        node: alias,
        message: `Kubernetes refuses this document: no anchor \`&${alias.source}\` comes before the alias \`*${alias.source}\` in this document (or it contains the alias). Define the anchor first, or write the value out.`,
      });
    }
  },
};
