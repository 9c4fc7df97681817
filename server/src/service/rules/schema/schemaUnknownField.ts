import type { Rule } from '../rule';
import { Severity } from '../../types';
import { replaceWithSuggestion, reportSchemaProblems, SCHEMA_KINDS } from './schemaReport';

/** A key the CRD does not define; the API server rejects it (strict field validation) or silently drops it. */
export const schemaUnknownField: Rule = {
  id: 'schema-unknown-field',
  severity: Severity.Error,
  summary: 'A field that the policy CRD does not define.',
  docs: [
    'The key is not part of the schema of this policy kind at this place. With strict field validation the',
    'API server rejects the policy; otherwise the field is silently dropped and whatever it was meant to',
    'configure never takes effect. The usual causes are a typo (`imageReference` for `imageReferences`),',
    'wrong indentation (the key belongs one level up or down), or a field from another policy kind.',
    'The message suggests the closest valid name when there is one, and the quick fix renames the key.',
  ].join('\n'),
  appliesTo: SCHEMA_KINDS,
  check: (ctx) => reportSchemaProblems(ctx, 'schema-unknown-field'),
  fix: replaceWithSuggestion,
};
