// Builders and finders for admission-rule tests.
import { validate, withCode, textAt, service } from '../../../support/service';
import { admissionRules } from '../../../../server/src/service/rules/admission';
import type { CodeAction, Diagnostic } from '../../../../server/src/service/types';

export const PEM_A = [
  '-----BEGIN PUBLIC KEY-----',
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8nXRh950IZbRj8Ra/N9sbqOPZrfM',
  '5/KAQN0/KjHcorm/J5yctVd7iEcnessRQjU917hmKO6JWVGHpDguIyakZA==',
  '-----END PUBLIC KEY-----',
];

/** A `keys` attestor set body (the lines under `attestors:`), indented for use inside an entry. */
export const KEY_ATTESTORS = [
  'attestors:',
  '  - entries:',
  '      - keys:',
  '          publicKeys: |-',
  ...PEM_A.map((l) => `            ${l}`),
].join('\n');

function indent(text: string, n: number): string {
  return text.split('\n').map((l) => (l.trim() ? ' '.repeat(n) + l : l)).join('\n');
}

/** A verifyImages entry (`- ` prefixed) from a dedented body. */
export function entry(body: string): string {
  return body.trimEnd().split('\n').map((l, i) => (i === 0 ? `- ${l}` : `  ${l}`)).join('\n');
}

export interface PolicyOptions {
  apiVersion?: string;
  kind?: string;
  /** Lines under `spec:` before `rules:` (dedented). Default: Enforce, background false. */
  spec?: string;
  metadata?: string;
}

/** A policy with one verifyImages rule (named `verify`, matching Pods) holding `entries`. */
export function verifyPolicy(entries: string, options: PolicyOptions = {}): string {
  return rulesPolicy([
    '- name: verify',
    '  match:',
    '    any:',
    '      - resources:',
    '          kinds: [Pod]',
    '  verifyImages:',
    indent(entries, 4),
  ].join('\n'), options);
}

/** A policy around a ready-made `rules:` list (dedented, items `- ` prefixed). */
export function rulesPolicy(rules: string, options: PolicyOptions = {}): string {
  return [
    `apiVersion: ${options.apiVersion ?? 'kyverno.io/v1'}`,
    `kind: ${options.kind ?? 'ClusterPolicy'}`,
    'metadata:',
    indent(options.metadata ?? 'name: admission-test', 2),
    'spec:',
    indent(options.spec ?? 'validationFailureAction: Enforce\nbackground: false', 2),
    '  rules:',
    indent(rules, 4),
    '',
  ].join('\n');
}

export interface Found { text: string; severity: number; message: string; diagnostic: Diagnostic }

export function found(text: string, code: string): Found[] {
  return withCode(validate(text), code).map((d) => ({ text: textAt(text, d), severity: d.severity, message: d.message, diagnostic: d }));
}

const ADMISSION_CODES = new Set(admissionRules.map((r) => r.id));

/** Every admission-family diagnostic as `code: covered text`, for "nothing else fires" assertions. */
export function admissionFindings(text: string): string[] {
  return validate(text).filter((d) => ADMISSION_CODES.has(d.code)).map((d) => `${d.code}: ${textAt(text, d)}`);
}

export function codeActions(text: string, d: Diagnostic): CodeAction[] {
  const svc = service();
  return svc.doCodeActions(svc.parse('file:///test/policy.yaml', text), d.range, [d]);
}

/** The text after applying every edit of `action` (edits are non-overlapping). */
export function applyAction(text: string, action: CodeAction): string {
  const edits = [...(action.edit?.changes['file:///test/policy.yaml'] ?? [])];
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  edits.sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of edits) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
