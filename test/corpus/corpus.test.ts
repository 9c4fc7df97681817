// Runs the whole rule set over a corpus of real policies (kyverno/policies and Kyverno's own test fixtures)
// and checks that schema rules raise no false positives and that admission rules flag exactly the files
// Kyverno rejects. The corpus lives outside the repo; without it this suite is skipped (and says so).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { docAtOffset, offsetAt, parseYamlFile, YamlDoc, YamlFile } from '../../server/src/service/document/yamlFile';
import { validateFile } from '../../server/src/service/validate';
import { defaultSettings } from '../../server/src/service/settings';
import { admissionRules } from '../../server/src/service/rules/admission';
import { Diagnostic, Severity } from '../../server/src/service/types';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SUBDIRS = ['kyverno-policies', 'kyverno-repo-tests'];

function corpusDir(): { dir?: string; why: string } {
  const fromEnv = process.env.IMAGE_TRUST_CORPUS;
  const dir = fromEnv ? path.resolve(fromEnv) : path.resolve(REPO_ROOT, '..', 'shared', 'reference', 'corpus');
  const missing = SUBDIRS.filter((s) => !fs.existsSync(path.join(dir, s)));
  if (missing.length === 0) return { dir, why: '' };
  return { why: `${missing.join(' and ')} not found under ${dir} (set IMAGE_TRUST_CORPUS to the corpus directory)` };
}

function* yamlFiles(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* yamlFiles(p);
    else if (/\.ya?ml$/.test(entry.name)) yield p;
  }
}

interface Checked {
  /** Path relative to the corpus root, with `/` separators. */
  rel: string;
  file: YamlFile;
  diagnostics: Diagnostic[];
}

/** Documents the schema must accept: Kyverno policies with a served version, IVPs and CIPs. */
function isSchemaChecked(doc: YamlDoc): boolean {
  if (doc.kind === 'kyverno-policy') return doc.apiVersion === 'kyverno.io/v1' || doc.apiVersion === 'kyverno.io/v2beta1';
  return doc.kind === 'image-validating-policy' || doc.kind === 'cluster-image-policy';
}

function docOf(c: Checked, d: Diagnostic): YamlDoc | undefined {
  return docAtOffset(c.file, offsetAt(c.file, d.range.start));
}

function textOf(c: Checked, d: Diagnostic): string {
  return c.file.text.slice(offsetAt(c.file, d.range.start), offsetAt(c.file, d.range.end));
}

const isSchemaCode = (d: Diagnostic) => String(d.code).startsWith('schema-');

/**
 * Upstream policies that really are invalid against the CRD schema (the API server rejects them), with the
 * diagnostics we expect, as `code text`.
 */
const KNOWN_SCHEMA_INVALID: Record<string, string[]> = {
  // `configMap` has no `key` field, and a context `variable` is a map (`value`/`jmesPath`/`default`), not a string.
  'kyverno-policies/cost-optimization/schedule-based-quotas/schedule-based-quotas.yaml': [
    'schema-unknown-field key',
    'schema-type currentTime.Hour() >= 9 && currentTime.Hour() < 17 && (currentTime.Weekday() >= 1 && currentTime.Weekday() <= 5)',
    'schema-type variable', // a block scalar (`>-`): reported on its key
  ],
  // Kyverno's own "invalid-action" fixture: `validationActions: [test]` fails the CRD enum (not an admission check).
  'kyverno-repo-tests/test/conformance/chainsaw/image-validating-policies/validation-checks/invalid-action/policy.yaml': [
    'schema-enum test',
  ],
};

/** Files Kyverno 1.19 rejects at admission (see the corpus SOURCES.md and docs/kyverno-invalid-cases.md). */
const EXPECTED_ADMISSION_REJECTED = [
  // verifyImages in effective Audit mode with mutateDigest left at its default (true).
  'kyverno-policies/other/verify-image-gcpkms/verify-image-gcpkms.yaml',
  'kyverno-policies/other/verify-image-slsa/verify-image-slsa.yaml',
  'kyverno-policies/other/verify-sbom-cyclonedx/verify-sbom-cyclonedx.yaml',
  'kyverno-policies/other/require-vulnerability-scan/require-vulnerability-scan.yaml',
  'kyverno-policies/other/verify-image-cve-2022-42889/verify-image-cve-2022-42889.yaml',
  // Same, for Tekton kinds: rejected when the Tekton CRDs are installed (we assume they are).
  'kyverno-policies/tekton/verify-tekton-taskrun-signatures/verify-tekton-taskrun-signatures.yaml',
  'kyverno-policies/tekton/verify-tekton-taskrun-vuln-scan/verify-tekton-taskrun-vuln-scan.yaml',
  // Kyverno's own negative fixtures: wildcard kinds with verifyImages, and admission: false with verifyImages.
  'kyverno-repo-tests/test/conformance/chainsaw/validate/clusterpolicy/standard/wildcard/block-verifyimage/policy.yaml',
  'kyverno-repo-tests/test/conformance/chainsaw/validate/clusterpolicy/standard/wildcard/block-verifyimage-deprecated/policy.yaml',
  'kyverno-repo-tests/test/conformance/chainsaw/policy-validation/cluster-policy/admission-disabled/policy-verify-image.yaml',
  'kyverno-repo-tests/test/conformance/chainsaw/policy-validation/policy/admission-disabled/policy-verify-image.yaml',
  // Not verifyImages, so not in SOURCES.md's list, but copied with their folder: the same chainsaw tests expect
  // these to be rejected too (`admission: false` is only allowed for validate rules).
  'kyverno-repo-tests/test/conformance/chainsaw/policy-validation/cluster-policy/admission-disabled/policy-generate.yaml',
  'kyverno-repo-tests/test/conformance/chainsaw/policy-validation/cluster-policy/admission-disabled/policy-mutate.yaml',
  'kyverno-repo-tests/test/conformance/chainsaw/policy-validation/policy/admission-disabled/policy-mutate.yaml',
].sort();

describe('corpus of real policies', function () {
  this.timeout(60_000);
  let checked: Checked[] = [];
  let corpusRoot = '';

  before(function () {
    const { dir, why } = corpusDir();
    if (!dir) {
      console.log(`    SKIPPED corpus tests: ${why}`);
      this.skip();
    }
    corpusRoot = dir!;
    for (const sub of SUBDIRS) {
      for (const abs of yamlFiles(path.join(corpusRoot, sub))) {
        const rel = path.relative(corpusRoot, abs).split(path.sep).join('/');
        const file = parseYamlFile(`file://${abs}`, fs.readFileSync(abs, 'utf8'));
        checked.push({ rel, file, diagnostics: validateFile(file, defaultSettings) });
      }
    }
  });

  after(() => {
    checked = []; // let the parsed corpus be collected
  });

  it('finds the corpus and its schema-checked policy documents', () => {
    const docs = checked.flatMap((c) => c.file.docs.filter(isSchemaChecked));
    assert.ok(checked.length > 1000, `only ${checked.length} files`);
    assert.ok(docs.length > 500, `only ${docs.length} schema-checked documents`);
  });

  it('raises no schema diagnostic on valid upstream policies (no false positives)', () => {
    const unexpected: string[] = [];
    for (const c of checked) {
      if (c.rel in KNOWN_SCHEMA_INVALID) continue;
      for (const d of c.diagnostics.filter(isSchemaCode)) {
        const doc = docOf(c, d);
        if (doc && isSchemaChecked(doc)) unexpected.push(`${c.rel}:${d.range.start.line + 1} ${d.code}: ${d.message}`);
      }
    }
    assert.deepEqual(unexpected, []);
  });

  it('reports exactly the expected schema problems in upstream files that are invalid', () => {
    for (const [rel, expected] of Object.entries(KNOWN_SCHEMA_INVALID)) {
      const c = checked.find((x) => x.rel === rel);
      assert.ok(c, `${rel} is not in the corpus`);
      const found = c.diagnostics.filter(isSchemaCode).map((d) => `${d.code} ${textOf(c, d)}`);
      assert.deepEqual(found.sort(), [...expected].sort(), rel);
    }
  });

  it('reports the IVP invalid-action fixture as one schema-enum on validationActions[0]', () => {
    const c = checked.find((x) => x.rel.endsWith('validation-checks/invalid-action/policy.yaml'))!;
    const errors = c.diagnostics.filter((d) => d.severity === Severity.Error);
    assert.equal(errors.length, 1, JSON.stringify(errors.map((d) => d.code)));
    assert.equal(errors[0].code, 'schema-enum');
    assert.match(errors[0].message, /`spec\.validationActions\[0\]`/);
    assert.equal(textOf(c, errors[0]), 'test');
  });

  it('never hits an internal error in any rule', () => {
    const crashes = checked.flatMap((c) => c.diagnostics.filter((d) => d.code === 'internal-error').map((d) => `${c.rel}: ${d.message}`));
    assert.deepEqual(crashes, []);
  });

  it('flags with an admission error exactly the files Kyverno rejects at admission', () => {
    const admissionCodes = new Set(admissionRules.filter((r) => r.severity === Severity.Error).map((r) => r.id));
    assert.ok(admissionCodes.size > 0, 'no admission rules with severity Error are registered in rules/admission; this check cannot pass vacuously');
    const flagged = checked
      .filter((c) => c.diagnostics.some((d) => admissionCodes.has(String(d.code)) && d.severity === Severity.Error))
      .map((c) => c.rel)
      .sort();
    assert.deepEqual(flagged, EXPECTED_ADMISSION_REJECTED);
  });
});
