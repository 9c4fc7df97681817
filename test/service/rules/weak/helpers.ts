// Builders for weak-rule tests: a ClusterPolicy around one or more verifyImages entries or a validate rule.
import { validate, withCode, textAt } from '../../../support/service';
import type { Diagnostic } from '../../../../server/src/service/types';

const KEY = [
  'attestors:',
  '  - entries:',
  '      - keys:',
  '          publicKeys: |-',
  '            -----BEGIN PUBLIC KEY-----',
  '            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8nXRh950IZbRj8Ra/N9sbqOPZrfM',
  '            -----END PUBLIC KEY-----',
].join('\n');

/** A verifyImages entry body (dedented, without the leading `- `) plus a key attestor unless `attestors` is given. */
export function entry(body: string, withKey = !/^(attestors|attestations):/m.test(body)): string {
  const text = withKey ? `${body.trimEnd()}\n${KEY}` : body.trimEnd();
  return text.split('\n').map((l, i) => (i === 0 ? `- ${l}` : `  ${l}`)).join('\n');
}

function indent(text: string, n: number): string {
  return text.split('\n').map((l) => (l.trim() ? ' '.repeat(n) + l : l)).join('\n');
}

/** A ClusterPolicy with one verifyImages rule holding `entries` (already `- ` prefixed). */
export function verifyPolicy(entries: string, action: 'Enforce' | 'Audit' = 'Enforce'): string {
  return [
    'apiVersion: kyverno.io/v1',
    'kind: ClusterPolicy',
    'metadata:',
    '  name: weak-test',
    'spec:',
    `  validationFailureAction: ${action}`,
    '  background: false',
    '  rules:',
    '    - name: verify',
    '      match:',
    '        any:',
    '          - resources:',
    '              kinds: [Pod]',
    '      verifyImages:',
    indent(entries, 8),
    '',
  ].join('\n');
}

/** A ClusterPolicy with one validate rule whose body (dedented, under `validate:`) is given. */
export function validatePolicy(body: string): string {
  return [
    'apiVersion: kyverno.io/v1',
    'kind: ClusterPolicy',
    'metadata:',
    '  name: weak-validate-test',
    'spec:',
    '  rules:',
    '    - name: images',
    '      match:',
    '        any:',
    '          - resources:',
    '              kinds: [Pod]',
    '      validate:',
    '        failureAction: Enforce',
    indent(body, 8),
    '',
  ].join('\n');
}

export interface Found { text: string; severity: number; message: string; diagnostic: Diagnostic }

/** Diagnostics of one code, each with the text its range covers. */
export function found(text: string, code: string): Found[] {
  return withCode(validate(text), code).map((d) => ({ text: textAt(text, d), severity: d.severity, message: d.message, diagnostic: d }));
}

import { service } from '../../../support/service';

/** Applies the first quick-fix offered for `d` and returns the new text. */
export function applyFirstFix(text: string, d: Diagnostic): string | undefined {
  const svc = service();
  const file = svc.parse('file:///test/policy.yaml', text);
  const action = svc.doCodeActions(file, d.range, [d])[0];
  const edit = action?.edit?.changes['file:///test/policy.yaml']?.[0];
  if (!edit) return undefined;
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(0, offset(edit.range.start)) + edit.newText + text.slice(offset(edit.range.end));
}
