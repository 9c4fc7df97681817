// `check --format sarif`: a SARIF 2.1.0 log that validates against the OASIS schema and carries exactly the
// findings of `--format json`, each on its 1-based region, with GitHub code scanning's rule metadata.
// The schema comes from the @microsoft/jest-sarif package (its copy of sarif-2.1.0-rtm.5.json, MIT).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import { CLI, ensureBuilt } from '../lsp/harness';
import { allRules } from '../../server/src/service/rules';

const ROOT = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SCHEMA = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

interface Region { startLine: number; startColumn: number; endLine: number; endColumn: number }
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: Region } }[];
}
interface SarifRule { id: string; helpUri: string; shortDescription: { text: string }; help: { markdown: string }; defaultConfiguration: { level: string }; properties: Record<string, unknown> }
interface SarifLog { version: string; runs: { tool: { driver: { name: string; rules: SarifRule[]; semanticVersion: string } }; results: SarifResult[]; originalUriBaseIds: Record<string, { uri: string }> }[] }

function validator() {
  // The schema's `language` pattern is not valid in JavaScript's unicode mode; formats are checked below.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', true);
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(SCHEMA);
}

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'check', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('CLI: check --format sarif', function () {
  this.timeout(60_000);
  before(() => ensureBuilt());

  it('validates against the SARIF 2.1.0 schema and carries exactly the JSON findings, 1-based', () => {
    const sarif = run('examples', '--format', 'sarif');
    const json = run('examples', '--format', 'json');
    assert.equal(sarif.code, 1, sarif.stderr);
    assert.equal(json.code, 1);
    const log = JSON.parse(sarif.stdout) as SarifLog;
    const validate = validator();
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2));

    const findings = JSON.parse(json.stdout) as { file: string; code: string; severity: string; message: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }[];
    assert.ok(findings.length > 5, 'the examples contain mistakes on purpose');
    const run0 = log.runs[0];
    assert.equal(run0.results.length, findings.length);
    const levels: Record<string, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };
    findings.forEach((f, i) => {
      const r = run0.results[i];
      assert.equal(r.ruleId, f.code);
      assert.equal(run0.tool.driver.rules[r.ruleIndex].id, f.code, 'ruleIndex points at the rule');
      assert.equal(r.level, levels[f.severity]);
      assert.equal(r.message.text, f.message);
      const loc = r.locations[0].physicalLocation;
      assert.equal(loc.artifactLocation.uriBaseId, '%SRCROOT%');
      assert.equal(loc.artifactLocation.uri, f.file.split(path.sep).join('/'));
      assert.deepEqual(loc.region, {
        startLine: f.range.start.line + 1,
        startColumn: f.range.start.character + 1,
        endLine: f.range.end.line + 1,
        endColumn: f.range.end.character + 1,
      });
    });
    assert.equal(run0.originalUriBaseIds['%SRCROOT%'].uri, `file://${ROOT}/`);
  });

  it('lists every rule once, with help, a help link, a level and a security severity', () => {
    const log = JSON.parse(run('examples', '--format=sarif', '--docs-url', 'https://example.test/docs/rules.md').stdout) as SarifLog;
    const rules = log.runs[0].tool.driver.rules;
    assert.deepEqual(rules.map((r) => r.id), allRules.map((r) => r.id));
    assert.equal(new Set(rules.map((r) => r.id)).size, rules.length);
    for (const r of rules) {
      assert.equal(r.helpUri, `https://example.test/docs/rules.md#${r.id}`);
      assert.ok(r.help.markdown.length > r.shortDescription.text.length, `${r.id} has its docs as help`);
      assert.match(String(r.properties['security-severity']), /^\d+\.\d$/);
      assert.ok(['error', 'warning', 'note'].includes(r.defaultConfiguration.level));
    }
    assert.equal(log.runs[0].tool.driver.semanticVersion, require('../../package.json').version);
  });

  it('a clean run is a valid log with no results (exit 0); bad options are usage errors', () => {
    const clean = run('examples/policies/verify-signed-images.yaml', '--format', 'sarif');
    if (clean.code !== 0) assert.fail(`examples/policies/verify-signed-images.yaml is expected to be clean: ${clean.stdout.slice(0, 400)}`);
    const log = JSON.parse(clean.stdout) as SarifLog;
    assert.ok(validator()(log));
    assert.equal(log.runs[0].results.length, 0);
    assert.equal(run('examples', '--format', 'xml').code, 2);
    assert.equal(run('examples', '--format', 'sarif', '--docs-url', 'not a url').code, 2);
  });
});
