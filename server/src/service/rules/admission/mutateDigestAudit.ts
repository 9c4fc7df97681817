import { isScalar, Scalar } from 'yaml';
import type { CodeAction } from '../../types';
import { Severity } from '../../types';
import type { Rule, Report } from '../rule';
import { mapItems, nodeAt, pairOf } from '../../document/yamlFile';
import type { Path } from '../../policy/kyvernoPolicy';
import { KyvernoEntry, kyvernoModel } from '../../policy/model';
import { admissionChecked, isNullNode } from './facts';
import { setScalarEdit } from './edits';

interface FixData {
  entryPath: Path;
}

/** Why Kyverno validates an entry as Audit (it keeps the last `failureAction` it saw while walking the entries). */
type AuditSource = KyvernoEntry['admissionActionSource'];

const WHY_AUDIT: Record<AuditSource, string> = {
  'entry': 'this entry sets failureAction: Audit',
  'earlier-entry': 'an earlier entry of this rule sets failureAction: Audit and Kyverno carries that value over to entries without their own failureAction',
  'spec': 'spec.validationFailureAction is Audit and the entry sets no failureAction',
  'spec-default': 'no failure action is set, so it defaults to Audit (spec.validationFailureAction)',
};

export const mutateDigestAudit: Rule = {
  id: 'policy-mutate-digest-audit',
  severity: Severity.Error,
  summary: 'Kyverno rejects a verifyImages entry that mutates digests (the default) while its failure action is Audit.',
  docs: [
    'Since Kyverno 1.10 a verifyImages entry validated as Audit must set `mutateDigest: false`; Kyverno only rewrites tags',
    'to digests for entries that enforce. `mutateDigest` defaults to `true` and',
    '`spec.validationFailureAction` to `Audit`, so an entry that sets neither `failureAction: Enforce` nor `mutateDigest: false`',
    'is rejected when the policy is created. Kyverno also carries an entry\'s `failureAction` over to the following entries',
    'of the same rule. Fix: add `mutateDigest: false` (keep auditing) or `failureAction: Enforce` (block unverified images).',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    for (const entry of kyvernoModel(ctx.doc)?.entries ?? []) {
      const node = entry.view.node;
      if (!entry.admissionAudit) continue;
      const source = entry.admissionActionSource;
      const mutatePair = pairOf(node, 'mutateDigest');
      const writtenTrue = mutatePair && isScalar(mutatePair.value) && mutatePair.value.value === true ? mutatePair.value : undefined;
      // `false` passes; any other written value is a schema error. Absent or null takes the CRD default, true.
      if (mutatePair && !writtenTrue && !isNullNode(mutatePair.value)) continue;
      const spot = reportSpot(node, writtenTrue, source);
      if (!spot) continue;
      const why = WHY_AUDIT[source];
      const mutate = writtenTrue ? 'mutateDigest is true' : 'mutateDigest is not set and defaults to true';
      ctx.report({
        ...spot,
        message: `Kyverno rejects this policy: mutateDigest must be false when the failure action is Audit. Here ${mutate} and ${why}. ` +
          'Set mutateDigest: false to keep auditing, or failureAction: Enforce to block images that fail verification.',
        data: { entryPath: entry.view.path } satisfies FixData,
      });
    }
  },
  fix(ctx) {
    const data = ctx.diagnostic.data as Partial<FixData> | undefined;
    if (!ctx.doc || !Array.isArray(data?.entryPath)) return [];
    const entry = nodeAt(ctx.doc.doc.contents, data.entryPath);
    const actions: CodeAction[] = [];
    const add = (title: string, key: string, value: string, isPreferred: boolean) => {
      const edit = setScalarEdit(ctx.file, entry, key, value);
      if (!edit) return;
      actions.push({ title, kind: 'quickfix', diagnostics: [ctx.diagnostic], isPreferred, edit: { changes: { [ctx.file.uri]: [edit] } } });
    };
    add('Set mutateDigest: false', 'mutateDigest', 'false', true);
    add('Set failureAction: Enforce', 'failureAction', 'Enforce', false);
    return actions;
  },
};

/** The written `mutateDigest: true`, else the entry's own `failureAction: Audit`, else the entry's first key. */
function reportSpot(entry: unknown, writtenTrue: Scalar | undefined, source: AuditSource): Pick<Report, 'node' | 'keyOf'> | undefined {
  if (writtenTrue) return { node: writtenTrue };
  if (source === 'entry') {
    const fa = pairOf(entry, 'failureAction');
    if (fa && isScalar(fa.value)) return { node: fa.value };
  }
  const first = mapItems(entry)[0];
  return first ? { keyOf: first } : undefined;
}
