import type { Rule } from '../rule';
import { Severity } from '../../types';
import { reportSchemaProblems, SCHEMA_KINDS } from './schemaReport';

/** A field the CRD requires is missing (or written with no value). */
export const schemaRequired: Rule = {
  id: 'schema-required',
  severity: Severity.Error,
  summary: 'A required field is missing.',
  docs: [
    'The CRD marks this field as required where it is missing (for example `name` and `namespace` of a',
    'key `secret`, or `spec` itself), so the API server rejects the policy. A key written with no value',
    'counts as missing, because the API server drops null fields before validating. The diagnostic sits on',
    'the key of the map that lacks the field, or on the empty key.',
  ].join('\n'),
  appliesTo: SCHEMA_KINDS,
  check: (ctx) => reportSchemaProblems(ctx, 'schema-required'),
};
