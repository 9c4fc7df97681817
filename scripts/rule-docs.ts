// Renders docs/rules.md from the rule registry: every diagnostic code with its severity, summary and docs.
// `npx tsx scripts/rule-docs.ts --write` updates the file; a test fails when it is out of date.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allRules } from '../server/src/service/rules';
import { severityNames } from '../server/src/service/types';

export const RULE_DOCS_PATH = join(__dirname, '..', 'docs', 'rules.md');

export function renderRuleDocs(): string {
  const rules = [...allRules].sort((a, b) => a.id.localeCompare(b.id));
  const lines = [
    '# Image Trust diagnostics',
    '',
    'Every diagnostic carries one of these codes. Severities are defaults: change them per code with the',
    '`imageTrust.severity` setting (for example `{"image-not-pinned": "warning"}`, or `"off"`).',
    'This file is generated from the rules themselves (`npx tsx scripts/rule-docs.ts --write`).',
    '',
    '| code | default | applies to | summary |',
    '|---|---|---|---|',
    ...rules.map((r) => `| [\`${r.id}\`](#${r.id}) | ${severityNames[r.severity]} | ${r.appliesTo.join(', ')} | ${r.summary.replace(/\|/g, '\\|')} |`),
    '',
  ];
  for (const r of rules) {
    lines.push(`## ${r.id}`, '', `*${severityNames[r.severity]}* · ${r.appliesTo.join(', ')}${r.fix ? ' · quick-fix available' : ''}`, '', r.summary, '', r.docs.trim(), '');
  }
  return lines.join('\n');
}

if (require.main === module && process.argv.includes('--write')) {
  writeFileSync(RULE_DOCS_PATH, renderRuleDocs());
  console.log(`wrote ${RULE_DOCS_PATH}`);
}
