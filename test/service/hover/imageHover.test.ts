import { strict as assert } from 'node:assert';
import { parseYamlFile } from '../../../server/src/service/document/yamlFile';
import { doHover } from '../../../server/src/service/hover';
import { getLanguageService } from '../../../server/src/service/languageService';
import { PolicyIndex } from '../../../server/src/service/workspace/policyIndex';
import type { Hover, Position } from '../../../server/src/service/types';
import { cursor, fixture, textAt } from '../../support/service';

const VERIFY = fixture('workspace/policies/verify.yaml');
const RESTRICT = fixture('workspace/policies/restrict.yaml');
const APP = fixture('workspace/manifests/app.yaml');

function indexOf(files: Record<string, string>): PolicyIndex {
  const index = new PolicyIndex();
  for (const [name, text] of Object.entries(files)) index.update(`file:///w/${name}`, parseYamlFile(`file:///w/${name}`, text));
  return index;
}

const workspace = () => indexOf({ 'policies/verify.yaml': VERIFY, 'policies/restrict.yaml': RESTRICT, 'manifests/app.yaml': APP });

/** Hover at the first occurrence of `needle` (plus `shift` characters) in `text`. */
function hoverAt(text: string, needle: string, index?: PolicyIndex, uri = 'file:///w/manifests/app.yaml'): { hover: Hover | null; text: string } {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} not in text`);
  const { position } = cursor(`${text.slice(0, at + 2)}|${text.slice(at + 2)}`);
  return { hover: hoverAtPosition(text, position, index, uri), text };
}

function hoverAtPosition(text: string, position: Position, index: PolicyIndex | undefined, uri: string): Hover | null {
  const service = getLanguageService({ policyIndex: index });
  return service.doHover(service.parse(uri, text), position);
}

const lines = (h: Hover | null) => h!.contents.value.split('\n');

describe('hover/imageHover: images in manifests', () => {
  it('shows both normalised forms, the pin state and the covering rule with action and attestors (autogen)', () => {
    const { hover, text } = hoverAt(APP, 'ghcr.io/acme/web:1.0', workspace());
    assert.equal(textAt(text, { range: hover!.range! }), 'ghcr.io/acme/web:1.0');
    assert.deepEqual(lines(hover).slice(0, 9), [
      '**Image** `ghcr.io/acme/web:1.0`',
      '',
      '- Kyverno matches it as `ghcr.io/acme/web:1.0`',
      '- sigstore policy-controller matches it as `ghcr.io/acme/web:1.0`',
      '- Not pinned: the tag `1.0` can be moved to another image; add `@sha256:…`',
      '',
      '**Verification** (workspace verifyImages rules matching it):',
      '- `verify-acme` / `check-signature` (`ghcr.io/acme/*`) — Enforce, via autogen — keyless subject=https://github.com/acme/*, issuer=https://token.actions.githubusercontent.com',
      '',
    ]);
    assert.ok(lines(hover).includes('- `allowed-registries` / `only-trusted-registries` requires `ghcr.io/acme/* | registry.pay.example/*` — allowed'));
  });

  it('normalises Docker Hub names differently for Kyverno and sigstore', () => {
    const value = hoverAt(APP, 'nginx:1.25', workspace()).hover!.contents.value;
    assert.match(value, /- Kyverno matches it as `docker\.io\/nginx:1\.25`/);
    assert.match(value, /- sigstore policy-controller matches it as `index\.docker\.io\/library\/nginx:1\.25`/);
    assert.match(value, /\*\*Not verified:\*\* no verifyImages rule in the workspace covers this image\.\n/);
    assert.match(value, /`allowed-registries` \/ `only-trusted-registries` requires `ghcr\.io\/acme\/\* \| registry\.pay\.example\/\*` — not allowed \(Enforce\)/);
  });

  it('shows the digest of a pinned image', () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    const text = APP.replace('ghcr.io/acme/web:1.0', `ghcr.io/acme/web:1.0@${digest}`);
    const { hover } = hoverAt(text, 'ghcr.io/acme/web:1.0@', workspace());
    assert.ok(lines(hover).includes(`- Pinned to \`${digest}\` (the tag \`1.0\` is informational)`));
    assert.ok(lines(hover).includes(`- Kyverno matches it as \`ghcr.io/acme/web@${digest}\``));
  });

  it('shows a skipped rule as skipped', () => {
    const { hover } = hoverAt(APP, 'ghcr.io/acme/debug:1.0', workspace());
    assert.ok(lines(hover).includes('- `verify-acme` / `check-signature` (`ghcr.io/acme/*`) — skipped by skipImageReferences `ghcr.io/acme/debug*`'));
    assert.ok(lines(hover).includes('Every matching rule skips it: the image is admitted without a signature check.'));
  });

  it('shows a rule skipped through `skipImageReferences: *skips` as skipped, as Kyverno skips it', () => {
    const aliased = VERIFY
      .replace('          skipImageReferences:\n            - "ghcr.io/acme/debug*"\n', '          skipImageReferences: *skips\n');
    assert.notEqual(aliased, VERIFY);
    const withAnchor = aliased.replace(/^metadata:\n/m, 'metadata:\n  annotations:\n    skipped: &skips ["ghcr.io/acme/debug*"]\n');
    assert.notEqual(withAnchor, aliased);
    const index = indexOf({ 'policies/verify.yaml': withAnchor, 'policies/restrict.yaml': RESTRICT, 'manifests/app.yaml': APP });
    const { hover } = hoverAt(APP, 'ghcr.io/acme/debug:1.0', index);
    assert.ok(lines(hover).includes('- `verify-acme` / `check-signature` (`ghcr.io/acme/*`) — skipped by skipImageReferences `ghcr.io/acme/debug*`'), lines(hover).join('\n'));
  });

  it('shows a namespaced Policy with its Audit action in its namespace, and the closest rule outside it', () => {
    const inPayments = hoverAt(APP, 'registry.pay.example/client:2\n    - name: tool', workspace()).hover;
    assert.ok(lines(inPayments).includes('- `verify-payments` / `payments-images` (`registry.pay.example/*`) — Audit — keys (1 key)'));
    const inShop = hoverAt(APP, 'registry.pay.example/client:2', workspace()).hover;
    assert.ok(lines(inShop).includes('**Not verified:** no verifyImages rule in the workspace covers this image. `verify-payments` / `payments-images` matches it with `registry.pay.example/*` but does not select this Deployment.'));
  });

  it('shows caveats as "may apply"', () => {
    const verify = VERIFY.replace('    - name: check-signature\n', '    - name: check-signature\n      preconditions:\n        all:\n          - key: "{{ request.operation }}"\n            operator: Equals\n            value: CREATE\n');
    const { hover } = hoverAt(APP, 'ghcr.io/acme/web:1.0', indexOf({ 'policies/verify.yaml': verify }));
    assert.ok(lines(hover).some((l) => l.startsWith('- `verify-acme` / `check-signature` (`ghcr.io/acme/*`) — Enforce, via autogen — keyless') && l.endsWith(' — may apply: the rule has preconditions, evaluated at admission')));
  });

  it('shows a rule that reaches a Deployment only when its Pods are created (autogen off)', () => {
    const verify = VERIFY.replace('  name: verify-acme\n', '  name: verify-acme\n  annotations:\n    pod-policies.kyverno.io/autogen-controllers: none\n');
    const { hover } = hoverAt(APP, 'ghcr.io/acme/web:1.0', indexOf({ 'policies/verify.yaml': verify }));
    const line = lines(hover).find((l) => l.startsWith('- `verify-acme`'));
    assert.match(line!, /^- `verify-acme` \/ `check-signature` \(`ghcr\.io\/acme\/\*`\) — Enforce, on Pod creation — keyless .* — may apply: runs on the Pods this Deployment creates/);
  });

  it('says so when the workspace has no verification policy, and omits coverage without an index', () => {
    const none = hoverAt(APP, 'ghcr.io/acme/web:1.0', indexOf({ 'policies/restrict.yaml': RESTRICT })).hover!.contents.value;
    assert.match(none, /\*\*Not verified:\*\* the workspace has no Kyverno verifyImages policy\./);
    const bare = hoverAt(APP, 'ghcr.io/acme/web:1.0').hover!.contents.value;
    assert.match(bare, /Kyverno matches it as/);
    assert.doesNotMatch(bare, /verif/i);
  });

  it('does not answer on manifest keys or non-image values', () => {
    const index = workspace();
    assert.equal(hoverAt(APP, 'containers:', index).hover, null);
    assert.equal(hoverAt(APP, 'name: web', index).hover, null);
  });
});

describe('hover/imageHover: imageReferences entries list the workspace images they match', () => {
  it('appends the matching images (with their file and line) to the pattern explanation', () => {
    const { hover, text } = hoverAt(VERIFY, 'ghcr.io/acme/*', workspace(), 'file:///w/policies/verify.yaml');
    assert.equal(textAt(text, { range: hover!.range! }), '"ghcr.io/acme/*"');
    const value = hover!.contents.value;
    assert.match(value, /^Verifies images whose normalised name/, 'the pattern explanation comes first');
    assert.ok(value.endsWith([
      '**Matches 2 workspace images** (2 containers):',
      '- `ghcr.io/acme/debug:1.0` — Deployment web — [manifests/app.yaml:14](file:///w/manifests/app.yaml#L14)',
      '- `ghcr.io/acme/web:1.0` — Deployment web — [manifests/app.yaml:17](file:///w/manifests/app.yaml#L17)',
    ].join('\n')), value);
  });

  it('lists what a skipImageReferences entry skips, and says when a pattern matches nothing', () => {
    const skip = hoverAt(VERIFY, 'ghcr.io/acme/debug*', workspace(), 'file:///w/policies/verify.yaml').hover!.contents.value;
    assert.match(skip, /\*\*Skips 1 workspace image\*\* \(1 container\):\n- `ghcr\.io\/acme\/debug:1\.0`/);
    const none = hoverAt(VERIFY, 'ghcr.io/acme/*', indexOf({}), 'file:///w/policies/verify.yaml').hover!.contents.value;
    assert.match(none, /\*\*Matches no image\*\* of the workspace manifests \(0 indexed\)\.$/);
  });

  it('caps the list at 20 entries with "and N more"', () => {
    const many = Array.from({ length: 25 }, (_, i) => `    - name: c${i}\n      image: ghcr.io/acme/app${i}:1\n`).join('');
    const index = indexOf({ 'm.yaml': `apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n${many}` });
    const value = hoverAt(VERIFY, 'ghcr.io/acme/*', index, 'file:///w/policies/verify.yaml').hover!.contents.value;
    const listed = value.split('\n').filter((l) => l.startsWith('- `ghcr.io/acme/app'));
    assert.equal(listed.length, 20);
    assert.match(value, /\*\*Matches 25 workspace images\*\* \(25 containers\):/);
    assert.ok(value.endsWith('\n- … and 5 more'));
  });

  it('keeps the plain explanation without a workspace index (doHover called directly)', () => {
    const { text, position } = cursor(VERIFY.replace('"ghcr.io/acme/*"', '"ghcr.io/ac|me/*"'));
    const hover = doHover(parseYamlFile('file:///w/p.yaml', text), position);
    assert.doesNotMatch(hover!.contents.value, /workspace/);
  });
});
