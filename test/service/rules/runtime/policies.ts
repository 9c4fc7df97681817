// Builders for runtime-rule tests: policies of the three kinds around key/certificate material.
import { fixture } from '../../../support/service';

export const pem = (name: string) => fixture(`keys/${name}`).trim();

/** PEM text as block-scalar content lines at `column`. */
export function pemLines(text: string, column: number): string[] {
  return text.trim().split('\n').map((l) => ' '.repeat(column) + l);
}

/** A ClusterPolicy whose one verifyImages entry has `body` (lines relative to the entry's key column). */
export function kyvernoPolicy(body: string[]): string {
  return [
    'apiVersion: kyverno.io/v1',
    'kind: ClusterPolicy',
    'metadata:',
    '  name: runtime-test',
    'spec:',
    '  rules:',
    '    - name: verify',
    '      match:',
    '        any:',
    '          - resources:',
    '              kinds: [Pod]',
    '      verifyImages:',
    ...body.map((l, i) => (i === 0 ? `        - ${l}` : l === '' ? '' : `          ${l}`)),
    '',
  ].join('\n');
}

/** Entry body with one keys attestor whose publicKeys block holds `lines` (already at column 8 of the body). */
export function keysEntry(lines: string[], header = '|-'): string[] {
  return [
    'imageReferences: ["ghcr.io/acme/*"]',
    'failureAction: Enforce',
    'attestors:',
    '  - entries:',
    '      - keys:',
    `          publicKeys: ${header}`,
    ...lines,
  ];
}

/** Body lines as they appear in the file (kyvernoPolicy indents the entry body by 10), without the first indent. */
export function inFile(lines: string[]): string {
  return lines.map((l) => `          ${l}`).join('\n').trimStart();
}

/** Body column of publicKeys content in keysEntry (entry keys sit at column 10 of the file). */
export const KEY_CONTENT_COLUMN = 12;
