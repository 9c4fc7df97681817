// Checks the server's import boundaries (.dependency-cruiser.cjs) with dependency-cruiser's API — its CLI
// refuses to start on Node 20, the API runs fine. `node scripts/check-layering.mjs [ROOT]`: cruises
// ROOT/server/src (default: this repository) and prints the violations, one per line, or as JSON with --json.
// Exits 1 when there is any.
import { cruise } from 'dependency-cruiser';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const root = path.resolve(args.find((a) => !a.startsWith('--')) ?? repo);
const config = createRequire(import.meta.url)(path.join(repo, '.dependency-cruiser.cjs'));

// Rule paths are relative to the cruised root.
process.chdir(root);
const result = await cruise(['server/src'], {
  ...config.options,
  validate: true,
  ruleSet: { forbidden: config.forbidden },
  outputType: 'json',
});
const { summary } = JSON.parse(result.output);
const violations = summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
if (json) process.stdout.write(JSON.stringify({ modules: summary.totalCruised, violations }) + '\n');
else {
  for (const v of violations) console.log(`${v.rule}: ${v.from} -> ${v.to}`);
  console.log(`${summary.totalCruised} modules cruised, ${violations.length} layering violation(s)`);
}
process.exit(violations.length > 0 ? 1 : 0);
