import { strict as assert } from 'node:assert';
import { parseYamlFile } from '../../../../server/src/service/document/yamlFile';
import { getLanguageService } from '../../../../server/src/service/languageService';
import { PolicyIndex } from '../../../../server/src/service/workspace/policyIndex';
import { Severity } from '../../../../server/src/service/types';
import type { Diagnostic } from '../../../../server/src/service/types';
import { fixture, textAt, withCode, yaml } from '../../../support/service';

const APP = fixture('workspace/manifests/app.yaml');
const MANIFEST_URI = 'file:///w/manifests/app.yaml';

/** An in-memory workspace index holding the given fixture files (paths under test/fixtures/workspace). */
function indexOf(files: Record<string, string>): PolicyIndex {
  const index = new PolicyIndex();
  for (const [name, text] of Object.entries(files)) index.update(`file:///w/${name}`, parseYamlFile(`file:///w/${name}`, text));
  return index;
}

const fullWorkspace = () => indexOf({
  'policies/verify.yaml': fixture('workspace/policies/verify.yaml'),
  'policies/restrict.yaml': fixture('workspace/policies/restrict.yaml'),
  'manifests/app.yaml': APP,
});

function check(text: string, index?: PolicyIndex): Diagnostic[] {
  const service = getLanguageService({ policyIndex: index });
  return service.doValidation(service.parse(MANIFEST_URI, text));
}

/** `line:text` of each diagnostic, to assert exact ranges in one go. */
const where = (text: string, ds: Diagnostic[]) => ds.map((d) => `${d.range.start.line}:${textAt(text, d)}`);

describe('rules/coverage: image-not-covered', () => {
  const diagnostics = withCode(check(APP, fullWorkspace()), 'image-not-covered');

  it('flags exactly the images no verifyImages rule verifies, on the image value, as Information', () => {
    assert.deepEqual(where(APP, diagnostics), [
      '13:ghcr.io/acme/debug:1.0',
      '18:nginx:1.25',
      '20:registry.pay.example/client:2',
      '32:ghcr.io/other/tool:latest',
    ]);
    assert.ok(diagnostics.every((d) => d.severity === Severity.Information));
  });

  it('does not flag an image a rule matching only Pod verifies through autogen on a Deployment', () => {
    assert.ok(!where(APP, diagnostics).some((w) => w.includes('ghcr.io/acme/web')));
  });

  it('does not flag an image verified by a namespaced Policy in its own namespace', () => {
    assert.ok(!where(APP, diagnostics).some((w) => w.startsWith('30:')), 'the Pod in namespace payments is covered');
  });

  it('names the skipImageReferences pattern that exempts a skipped image', () => {
    assert.equal(
      diagnostics[0].message,
      'No verifyImages rule in the workspace verifies "ghcr.io/acme/debug:1.0", so it is admitted without a signature check. ' +
        'It is exempted: skipImageReferences "ghcr.io/acme/debug*" of rule "check-signature" of policy "verify-acme" skips it. Remove it from skipImageReferences if it should be verified.',
    );
  });

  it('gives the normalised reference and a pattern to add when no policy is close', () => {
    assert.equal(
      diagnostics[1].message,
      'No verifyImages rule in the workspace verifies "docker.io/nginx:1.25" (Kyverno\'s form of "nginx:1.25"), so it is admitted without a signature check. ' +
        'Add a verifyImages rule whose imageReferences match it (e.g. "docker.io/nginx*"), or list it in skipImageReferences if it is deliberately unverified.',
    );
  });

  it('points at the rule whose pattern matches but whose match leaves the workload out (namespace)', () => {
    assert.match(diagnostics[2].message, /Rule "payments-images" of policy "verify-payments" matches it with "registry\.pay\.example\/\*" but its match\/exclude does not select this Deployment "web" in namespace "shop"/);
  });

  it('suggests the policy that verifies the same registry', () => {
    assert.match(diagnostics[3].message, /Rule "check-signature" of policy "verify-acme" verifies other images of the same registry \("ghcr\.io\/acme\/\*"\): add a pattern such as "ghcr\.io\/other\/tool\*" to its imageReferences\./);
  });

  it('says nothing when the workspace has no verification policy, or when there is no workspace index', () => {
    const restrictOnly = indexOf({ 'policies/restrict.yaml': fixture('workspace/policies/restrict.yaml') });
    assert.deepEqual(withCode(check(APP, restrictOnly), 'image-not-covered'), []);
    assert.deepEqual(withCode(check(APP), 'image-not-covered'), []);
  });

  it('sees a policy change once the index is updated', () => {
    const index = fullWorkspace();
    const widened = fixture('workspace/policies/verify.yaml').replace('"ghcr.io/acme/*"', '"ghcr.io/*"').replace('"ghcr.io/acme/debug*"', '"ghcr.io/acme/none*"');
    assert.equal(index.update('file:///w/policies/verify.yaml', parseYamlFile('file:///w/policies/verify.yaml', widened)), true);
    assert.deepEqual(where(APP, withCode(check(APP, index), 'image-not-covered')), ['18:nginx:1.25', '20:registry.pay.example/client:2']);
  });

  it('counts a rule that runs at Pod creation (autogen off) as covering the Deployment image', () => {
    const verify = fixture('workspace/policies/verify.yaml').replace('  name: verify-acme\n', '  name: verify-acme\n  annotations:\n    pod-policies.kyverno.io/autogen-controllers: none\n');
    const index = indexOf({ 'policies/verify.yaml': verify });
    assert.ok(!where(APP, withCode(check(APP, index), 'image-not-covered')).includes('16:ghcr.io/acme/web:1.0'));
  });

  it('ignores templated images', () => {
    const text = yaml`
      apiVersion: v1
      kind: Pod
      metadata:
        name: t
      spec:
        containers:
          - name: app
            image: "{{ .Values.image }}"
    `;
    assert.deepEqual(withCode(check(text, fullWorkspace()), 'image-not-covered'), []);
  });
});

describe('rules/coverage: image-registry-not-allowed', () => {
  const diagnostics = withCode(check(APP, fullWorkspace()), 'image-registry-not-allowed');

  it('flags the images a validate rule rejects, on the image value, as Warning', () => {
    assert.deepEqual(where(APP, diagnostics), ['18:nginx:1.25', '32:ghcr.io/other/tool:latest', '32:ghcr.io/other/tool:latest']);
    assert.ok(diagnostics.every((d) => d.severity === Severity.Warning));
  });

  it('names the policy and rule, quotes the pattern and the policy message, and says what Enforce does', () => {
    assert.equal(
      diagnostics[0].message,
      'Rule "only-trusted-registries" of policy "allowed-registries" does not allow "nginx:1.25": its image pattern "ghcr.io/acme/* | registry.pay.example/*" does not accept it ' +
        '(Enforce: the workload is rejected at admission; the policy says: "Images must come from ghcr.io/acme or registry.pay.example."). Use an image that satisfies the pattern, or change the policy.',
    );
  });

  it('words non-registry constraints (`!*:latest`) the same way and reports Audit as admitted', () => {
    assert.match(diagnostics[2].message, /^Rule "no-latest" of policy "allowed-registries" does not allow "ghcr\.io\/other\/tool:latest": its image pattern "!\*:latest" does not accept it \(Audit: the workload is admitted but reported as a violation; the policy says: "The latest tag is not allowed\."\)/);
  });

  it('does not flag allowed images, init containers the pattern does not constrain, or without an index', () => {
    assert.ok(!where(APP, diagnostics).some((w) => /acme\/(web|debug)|pay\.example/.test(w)));
    assert.deepEqual(withCode(check(APP), 'image-registry-not-allowed'), []);
  });

  it('says "if the rule applies" when the rule selects the workload only maybe', () => {
    const restrict = fixture('workspace/policies/restrict.yaml').replace(
      '    - name: only-trusted-registries\n',
      '    - name: only-trusted-registries\n      preconditions:\n        all:\n          - key: "{{ request.operation }}"\n            operator: Equals\n            value: CREATE\n',
    );
    const [d] = withCode(check(APP, indexOf({ 'policies/restrict.yaml': restrict })), 'image-registry-not-allowed');
    assert.equal(textAt(APP, d), 'nginx:1.25');
    assert.match(d.message, /\(Enforce: the workload is rejected at admission if the rule applies \(the rule has preconditions, evaluated at admission\); the policy says/);
  });
});
