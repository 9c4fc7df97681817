import type { Rule } from '../rule';
import { Severity } from '../../types';
import { reportSchemaProblems, SCHEMA_KINDS } from './schemaReport';

/** A value of the wrong YAML type (a string where a list is expected, a quoted boolean, …). */
export const schemaType: Rule = {
  id: 'schema-type',
  severity: Severity.Error,
  summary: 'A value has the wrong type for its field.',
  docs: [
    'The field expects another kind of value than the one written: for example `imageReferences` takes a',
    'list of strings, so `imageReferences: ghcr.io/org/*` must be written `imageReferences: ["ghcr.io/org/*"]`;',
    'a boolean written in quotes (`"false"`) is a string. The API server rejects the policy.',
    'The message names the expected and the actual type and shows the corrected YAML.',
  ].join('\n'),
  appliesTo: SCHEMA_KINDS,
  check: (ctx) => reportSchemaProblems(ctx, 'schema-type'),
};
