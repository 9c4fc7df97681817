// Verification code lenses (pure service), the results cache behind them, and the `image-signature-failed`
// rule that reads recorded results. No engine and no network: results are recorded by hand here.
import { strict as assert } from 'node:assert';
import { VerificationResults, withVerificationResults, entryKey, combine } from '../../server/src/commands/verifyResults';
import { parseYamlFile } from '../../server/src/service/document/yamlFile';
import { getLanguageService } from '../../server/src/service/languageService';
import { PolicyIndex, RecordedRuleVerification } from '../../server/src/service/workspace/policyIndex';
import { Severity } from '../../server/src/service/types';
import { textAt, withCode, yaml } from '../support/service';

const POLICY_URI = 'file:///w/policy.yaml';
const APP_URI = 'file:///w/app.yaml';
const OTHER_URI = 'file:///w/other.yaml';

const policy = yaml`
  apiVersion: kyverno.io/v1
  kind: ClusterPolicy
  metadata:
    name: signed
  spec:
    validationFailureAction: Enforce
    rules:
      - name: acme
        match:
          any:
            - resources:
                kinds: [Pod, Deployment]
        verifyImages:
          - imageReferences: ["ghcr.io/acme/*"]
            skipImageReferences: ["ghcr.io/acme/skipped*"]
            attestors:
              - entries:
                  - keys:
                      publicKeys: "k8s://ns/key"
          - image: "docker.io/*"
            attestors:
              - entries:
                  - keyless: {subject: "a@b.c", issuer: "https://x"}
      - name: nothing
        match:
          any:
            - resources:
                kinds: [Pod]
        verifyImages:
          - imageReferences: ["quay.io/none/*"]
`;

const app = yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
  spec:
    template:
      spec:
        initContainers:
          - name: init
            image: "ghcr.io/acme/init:1"
        containers:
          - name: web
            image: ghcr.io/acme/web:2
          - name: side
            image: nginx
          - name: tmpl
            image: "{{ .Values.image }}"
          - name: skip
            image: ghcr.io/acme/skipped:1
`;

const other = yaml`
  apiVersion: v1
  kind: Pod
  metadata:
    name: p
  spec:
    containers:
      - name: a
        image: ghcr.io/acme/web:2
      - name: b
        image: docker.io/library/nginx:latest
`;

function setup() {
  const index = new PolicyIndex();
  for (const [uri, text] of [[POLICY_URI, policy], [APP_URI, app], [OTHER_URI, other]] as const) index.update(uri, parseYamlFile(uri, text));
  const results = new VerificationResults();
  const service = getLanguageService({ policyIndex: withVerificationResults(index, results) });
  return { index, results, service };
}

const rule = (verdict: RecordedRuleVerification['verdict'], action: 'Enforce' | 'Audit', summary: string, ruleName = 'acme'): RecordedRuleVerification =>
  ({ policyName: 'signed', ruleName, action, verdict, summary });

describe('service/codeLens: verification lenses', () => {
  it('puts "Verify signature" on every non-templated manifest image, on its exact value range, with (uri, range, image)', () => {
    const { service } = setup();
    const lenses = service.doCodeLens(service.parse(APP_URI, app, 1));
    const imageLenses = lenses.filter((l) => l.command.command === 'imageTrust.verifyImage');
    assert.deepEqual(imageLenses.map((l) => textAt(app, l)), ['"ghcr.io/acme/init:1"', 'ghcr.io/acme/web:2', 'nginx', 'ghcr.io/acme/skipped:1']);
    for (const l of imageLenses) {
      assert.equal(l.command.title, 'Verify signature');
      const [uri, range, image] = l.command.arguments as [string, typeof l.range, string];
      assert.equal(uri, APP_URI);
      assert.deepEqual(range, l.range);
      assert.equal(image, textAt(app, l).replace(/"/g, ''));
    }
    const line = app.split('\n')[12];
    const column = line.indexOf('ghcr.io/acme/web:2');
    assert.ok(column > 0, line);
    assert.deepEqual(imageLenses[1].range, { start: { line: 12, character: column }, end: { line: 12, character: column + 'ghcr.io/acme/web:2'.length } });
    assert.equal(lenses.length, imageLenses.length, 'a manifest has no rule lenses');
  });

  it('counts the distinct workspace images each verifyImages entry matches (normalised, skips excluded)', () => {
    const { service } = setup();
    const lenses = service.doCodeLens(service.parse(POLICY_URI, policy, 1));
    assert.deepEqual(lenses.map((l) => [textAt(policy, l), l.range.start.line, l.command.title]), [
      // ghcr.io/acme/init:1 and ghcr.io/acme/web:2 (twice, counted once); skipped:1 is exempted.
      ['imageReferences', 13, 'Verify 2 matching workspace images'],
      // Kyverno reads `nginx` as docker.io/nginx:latest, a different image from docker.io/library/nginx:latest.
      ['image', 19, 'Verify 2 matching workspace images'],
      ['imageReferences', 29, 'No workspace image matches this entry'],
    ]);
    assert.deepEqual(lenses.map((l) => l.command.command), ['imageTrust.verifyRule', 'imageTrust.verifyRule', 'imageTrust.verifyRule']);
    assert.deepEqual(lenses[1].command.arguments, [{ uri: POLICY_URI, docIndex: 0, ruleIndex: 0, entryIndex: 1 }]);
    assert.deepEqual(lenses[2].command.arguments, [{ uri: POLICY_URI, docIndex: 0, ruleIndex: 1, entryIndex: 0 }]);
  });

  it('shows the recorded outcome instead of "Verify signature", and the last run on the rule lens', () => {
    const { service, results } = setup();
    const ref = { uri: POLICY_URI, docIndex: 0, ruleIndex: 0, entryIndex: 0 };
    results.setImage(APP_URI, 'ghcr.io/acme/web:2', new Map([[entryKey(ref), rule('verified', 'Enforce', '✓ verified by rule acme (1/1 attestors)')]]));
    results.setEntry(ref, { images: 2, verified: 1, failed: 1, other: 0 });
    const titles = service.doCodeLens(service.parse(APP_URI, app, 1)).map((l) => l.command.title);
    assert.deepEqual(titles, ['Verify signature', '✓ verified by rule acme (1/1 attestors)', 'Verify signature', 'Verify signature']);
    const otherTitles = service.doCodeLens(service.parse(OTHER_URI, other, 1)).map((l) => l.command.title);
    assert.deepEqual(otherTitles, ['Verify signature', 'Verify signature'], 'results are per document');
    const policyTitles = service.doCodeLens(service.parse(POLICY_URI, policy, 1)).map((l) => l.command.title);
    assert.equal(policyTitles[0], 'Verify 2 matching workspace images · last run: ✓ 1 verified, ✗ 1 failed');
    assert.equal(policyTitles[1], 'Verify 2 matching workspace images');
  });

  it('says "image" for one match and follows the index as manifests come and go', () => {
    const { index, service } = setup();
    index.remove(APP_URI);
    const titles = () => service.doCodeLens(service.parse(POLICY_URI, policy, 1)).map((l) => l.command.title);
    assert.deepEqual(titles(), ['Verify 1 matching workspace image', 'Verify 1 matching workspace image', 'No workspace image matches this entry']);
    index.remove(OTHER_URI);
    assert.deepEqual(titles(), ['No workspace image matches this entry', 'No workspace image matches this entry', 'No workspace image matches this entry']);
  });

  it('offers no rule lenses without a workspace index (nothing to count)', () => {
    const service = getLanguageService();
    const lenses = service.doCodeLens(service.parse(POLICY_URI, policy, 1));
    assert.deepEqual(lenses, []);
  });
});

describe('commands/verifyResults: the results cache', () => {
  it('combines rules: the worst verdict wins and the summary names the failing rule', () => {
    const c = combine([rule('verified', 'Enforce', '✓ ok', 'a'), rule('failed', 'Audit', '✗ no signatures found', 'b')]);
    assert.equal(c.verdict, 'failed');
    assert.equal(c.summary, '✗ no signatures found (rule b; 1/2 rules verified)');
    assert.equal(combine([rule('verified', 'Enforce', '✓ a', 'a'), rule('verified', 'Audit', '✓ b', 'b')]).summary, '✓ verified by all 2 rules');
    assert.equal(combine([rule('error', 'Enforce', '✗ timed out', 'a'), rule('unsupported', 'Audit', '? notary', 'b')]).verdict, 'error');
  });

  it('prunes results of images no longer written in the document', () => {
    const results = new VerificationResults();
    results.setRule(APP_URI, 'a:1', 'k', rule('failed', 'Enforce', '✗ x'));
    results.setRule(APP_URI, 'b:1', 'k', rule('verified', 'Enforce', '✓ y'));
    assert.equal(results.prune(APP_URI, new Set(['a:1', 'b:1'])), false);
    assert.equal(results.prune(APP_URI, new Set(['a:2', 'b:1'])), true);
    assert.equal(results.get(APP_URI, 'a:1'), undefined);
    assert.equal(results.get(APP_URI, 'b:1')?.summary, '✓ y');
  });
});

describe('rule image-signature-failed (from recorded results only)', () => {
  const key = entryKey({ uri: POLICY_URI, docIndex: 0, ruleIndex: 0, entryIndex: 0 });

  it('reports an Enforce failure as an Error on the exact image value', () => {
    const { service, results } = setup();
    results.setImage(APP_URI, 'ghcr.io/acme/web:2', new Map([[key, rule('failed', 'Enforce', '✗ no signatures found in ghcr.io/acme/web')]]));
    const diags = withCode(service.doValidation(service.parse(APP_URI, app, 1)), 'image-signature-failed');
    assert.equal(diags.length, 1);
    assert.equal(textAt(app, diags[0]), 'ghcr.io/acme/web:2');
    assert.equal(diags[0].severity, Severity.Error);
    assert.match(diags[0].message, /failed under an Enforce rule.*rule "acme" of policy "signed": no signatures found in ghcr\.io\/acme\/web/);
    assert.match(diags[0].message, /Sign the image/);
  });

  it('says nothing for Audit failures, errors, verified images, or when nothing was verified', () => {
    const { service, results } = setup();
    const file = () => service.parse(APP_URI, app, 1);
    assert.deepEqual(withCode(service.doValidation(file()), 'image-signature-failed'), [], 'no results recorded');
    results.setImage(APP_URI, 'ghcr.io/acme/web:2', new Map([[key, rule('failed', 'Audit', '✗ wrong key')]]));
    results.setImage(APP_URI, 'nginx', new Map([[key, rule('error', 'Enforce', '✗ timed out')]]));
    results.setImage(APP_URI, 'ghcr.io/acme/init:1', new Map([[key, rule('verified', 'Enforce', '✓ ok')]]));
    assert.deepEqual(withCode(service.doValidation(file()), 'image-signature-failed'), []);
  });

  it('no longer applies once the image text changes (results are keyed by the image as written)', () => {
    const { service, results } = setup();
    results.setImage(APP_URI, 'ghcr.io/acme/web:2', new Map([[key, rule('failed', 'Enforce', '✗ wrong key')]]));
    const edited = app.replace('ghcr.io/acme/web:2', 'ghcr.io/acme/web:3');
    assert.deepEqual(withCode(service.doValidation(service.parse(APP_URI, edited, 2)), 'image-signature-failed'), []);
  });
});
