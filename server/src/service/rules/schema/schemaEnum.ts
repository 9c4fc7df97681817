import type { Rule } from '../rule';
import { Severity } from '../../types';
import { replaceWithSuggestion, reportSchemaProblems, SCHEMA_KINDS } from './schemaReport';

/** A value outside the field's fixed set (`enforce` instead of `Enforce`, an unknown `type`, …). */
export const schemaEnum: Rule = {
  id: 'schema-enum',
  severity: Severity.Error,
  summary: 'A value that is not one of the values the field allows.',
  docs: [
    'The field accepts only a fixed set of values and these are case-sensitive: `failureAction: enforce`',
    'is rejected, `Enforce` is accepted. The message lists the allowed values and, when the written value',
    'differs only in case or by a typo, suggests the intended one; the quick fix replaces it.',
  ].join('\n'),
  appliesTo: SCHEMA_KINDS,
  check: (ctx) => reportSchemaProblems(ctx, 'schema-enum'),
  fix: replaceWithSuggestion,
};
