import type { Rule } from '../rule';
import { Severity } from '../../types';
import { reportSchemaProblems, SCHEMA_KINDS } from './schemaReport';

/** A value outside the CRD's limits (a `count` below 1, a name longer than allowed, …). */
export const schemaValue: Rule = {
  id: 'schema-value',
  severity: Severity.Error,
  summary: 'A value is outside the limits the CRD sets.',
  docs: [
    'The CRD bounds this value (a minimum or maximum, a length, a number of items), for example an',
    'attestor set `count` must be at least 1. The API server rejects the policy; the message names the limit.',
  ].join('\n'),
  appliesTo: SCHEMA_KINDS,
  check: (ctx) => reportSchemaProblems(ctx, 'schema-value'),
};
