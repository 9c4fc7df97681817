// YAML as Kubernetes reads it: aliases resolve to their anchor's node, `<<` merge keys apply (explicit keys win),
// bombs stay bounded. Policies written this way must get the diagnostics Kyverno would give, and no others.
import { strict as assert } from 'node:assert';
import { parseYamlFile, pairOf, scalarValue, seqItems, asMap, nodeAt } from '../../../server/src/service/document/yamlFile';
import { reparseYamlFile } from '../../../server/src/service/document/incremental';
import { aliasFacts, excessiveAliasing } from '../../../server/src/service/document/aliases';
import { policyRules, verifyImagesEntries } from '../../../server/src/service/policy/kyvernoPolicy';
import { kyvernoModel } from '../../../server/src/service/policy/model';
import { imageRuleMatches } from '../../../server/src/service/manifest/coverage';
import { fixture, service, textAt, validate, withCode, yaml } from '../../support/service';

const URI = 'file:///test/policy.yaml';

describe('document/aliases: YAML as Kubernetes reads it', () => {
  const text = fixture('policies/aliases-and-merge-keys.yaml');

  it('gives a valid policy written with aliases and merge keys no error or warning', () => {
    const found = validate(text).map((d) => `${d.code}@${d.range.start.line}: ${d.message}`);
    assert.deepEqual(found, []);
  });

  it('follows `verifyImages: *entries`, `imageReferences: *refs`, `failureAction: *enforce`, `attestors: *att`', () => {
    const doc = parseYamlFile(URI, text).docs[0];
    const entries = verifyImagesEntries(doc);
    assert.deepEqual(entries.map((e) => `${e.rule.name}[${e.index}]`), ['first[0]', 'second[0]', 'third[0]', 'fourth[0]', 'fourth[1]']);
    const third = entries[2];
    assert.deepEqual(seqItems(third.node.get('imageReferences', true)).map((n) => (n as { value: unknown }).value), ['ghcr.io/acme/*']);
    assert.equal(scalarValue(third.node, 'failureAction'), 'Enforce');
    assert.equal(seqItems(third.node.get('attestors', true)).length, 1);
    const rules = policyRules(doc);
    const second = kyvernoModel(doc)!.rules.find((r) => r.view.index === rules[1].index)!;
    assert.deepEqual(second.entries.map((e) => e.admissionAudit), [false], 'rule second enforces through the aliased entry');
  });

  it('applies `<<: *base` with the entry\'s own keys winning', () => {
    const doc = parseYamlFile(URI, text).docs[0];
    const merged = verifyImagesEntries(doc)[4];
    assert.equal(pairOf(merged.node, '<<'), undefined, 'the merge key itself is not a field Kubernetes sees');
    assert.deepEqual(seqItems(merged.node.get('imageReferences', true)).map((n) => (n as { value: unknown }).value), ['docker.io/acme/*']);
    assert.equal(scalarValue(merged.node, 'failureAction'), 'Enforce');
    assert.equal(seqItems(merged.node.get('attestors', true)).length, 1);
  });

  it('lets the earlier of several merged maps win, and explicit keys win over both, in any order', () => {
    const doc = parseYamlFile(URI, yaml`
      a: &a {x: 1, y: 1}
      b: &b {x: 2, y: 2, z: 2}
      c:
        y: 3
        <<: [*a, *b]
      d:
        "<<": *a
    `).docs[0];
    const c = nodeAt(doc.doc.contents, ['c']);
    assert.deepEqual(['x', 'y', 'z'].map((k) => scalarValue(c, k)), [1, 3, 2]);
    assert.equal(scalarValue(nodeAt(doc.doc.contents, ['d']), 'x'), undefined, 'a quoted "<<" is an ordinary key');
    assert.ok(asMap(nodeAt(doc.doc.contents, ['d', '<<'])));
  });

  it('hides an image that `skipImageReferences: *skips` skips from coverage', () => {
    const doc = parseYamlFile(URI, text).docs[0];
    const subject = { image: 'ghcr.io/acme/debug-shell:1', kind: 'Pod', apiVersion: 'v1', name: 'p' };
    const matches = imageRuleMatches([doc], subject).filter((m) => m.rule.name === 'third');
    assert.equal(matches.length, 1);
    assert.equal(matches[0].skippedBy?.pattern, 'ghcr.io/acme/debug*');
  });

  it('points a finding about a value reached through an alias at the anchor\'s node, the text Kubernetes reads', () => {
    const policy = yaml`
      apiVersion: kyverno.io/v1
      kind: ClusterPolicy
      metadata:
        name: weak
      spec:
        background: false
        rules:
          - name: a
            match:
              any:
                - resources:
                    kinds: [Pod]
            verifyImages:
              - imageReferences: &refs ["registry.company.com*"]
                failureAction: &audit Audit
                mutateDigest: false
                attestors: &att
                  - entries:
                      - keyless:
                          subject: "https://github.com/acme/*"
                          issuer: https://token.actions.githubusercontent.com
                          rekor: {url: https://rekor.sigstore.dev}
          - name: b
            match:
              any:
                - resources:
                    kinds: [Pod]
            verifyImages:
              - imageReferences: *refs
                failureAction: *audit
                attestors: *att
    `;
    const lookalike = validate(policy).filter((d) => d.code === 'weak-registry-lookalike' || /look-?alike/i.test(d.message));
    assert.ok(lookalike.length >= 1, `a look-alike finding: ${validate(policy).map((d) => d.code)}`);
    for (const d of lookalike) assert.equal(textAt(policy, d), '"registry.company.com*"');
    assert.equal(new Set(lookalike.map((d) => JSON.stringify(d.range))).size, lookalike.length, 'reported once per place');
    const audit = withCode(validate(policy), 'policy-mutate-digest-audit');
    assert.equal(audit.length, 1, 'rule b inherits `failureAction: *audit` and mutateDigest defaults to true');
    assert.equal(textAt(policy, audit[0]), 'Audit');
    assert.equal(audit[0].range.start.line, policy.split('\n').findIndex((l) => l.includes('&audit Audit')));
  });

  it('does not resolve an alias with no anchor before it, nor an alias inside its own anchor', () => {
    const doc = parseYamlFile(URI, 'a: *later\nb: &later 1\nc: &self [1, *self]\n').docs[0];
    assert.equal(scalarValue(doc.doc.contents, 'a'), undefined);
    assert.deepEqual(seqItems(nodeAt(doc.doc.contents, ['c'])).map((n) => (n as { value?: unknown } | null)?.value ?? null), [1, null]);
    assert.equal(aliasFacts(doc.doc).unknown.length, 2);
  });

  it('keeps a billion-laughs bomb linear and refuses it as Kubernetes does', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 9; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    lines.push('spec: {rules: *a9}');
    const started = Date.now();
    const doc = parseYamlFile(URI, lines.join('\n')).docs[0];
    const facts = aliasFacts(doc.doc);
    assert.ok(facts.excessive, `excessive: ${JSON.stringify(facts)}`);
    assert.ok(facts.decodes > 1e9, 'the expanded size is counted, not built');
    assert.deepEqual(seqItems(nodeAt(doc.doc.contents, ['spec', 'rules'])), [], 'no alias is followed in a refused document');
    assert.ok(Date.now() - started < 2000);
  });

  it('follows yaml.v2/v3\'s ratio rule: mostly-aliased small documents pass, huge expansions do not', () => {
    assert.equal(excessiveAliasing(1000, 990), false, 'not more than 1,000 decodes');
    assert.equal(excessiveAliasing(5000, 100), false, 'not more than 100 aliased decodes');
    assert.equal(excessiveAliasing(300_000, 296_000), false, '98.7% of a small document');
    assert.equal(excessiveAliasing(300_000, 298_000), true, '99.3% of a small document');
    assert.equal(excessiveAliasing(5_000_000, 600_000), true, '12% of a very large document');
    assert.equal(excessiveAliasing(5_000_000, 400_000), false, '8% of a very large document');
  });

  it('resolves aliases the same after an incremental re-parse', () => {
    const before = parseYamlFile(URI, `${text}---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\n`);
    const edited = before.text.replace('name: second', 'name: second-renamed');
    const { file } = reparseYamlFile(before, edited, 1);
    const entries = verifyImagesEntries(file.docs[0]);
    assert.equal(entries[1].rule.name, 'second-renamed');
    assert.deepEqual(seqItems(entries[1].node.get('imageReferences', true)).map((n) => (n as { value: unknown }).value), ['ghcr.io/acme/*']);
  });

  it('answers hover and completion on and around aliases and merge keys without failing', async () => {
    const svc = service();
    const file = svc.parse(URI, text);
    const lines = text.split('\n');
    for (let line = 0; line < lines.length; line++) {
      for (const character of [0, lines[line].indexOf('*'), lines[line].indexOf('<'), lines[line].length]) {
        if (character < 0) continue;
        svc.doHover(file, { line, character });
        await svc.doComplete(file, { line, character });
      }
    }
    const hover = svc.doHover(file, { line: lines.findIndex((l) => l.includes('imageReferences: *refs')), character: 12 });
    assert.ok(hover, 'a field hover through an aliased value');
  });
});

describe('document/aliases: fixes on text reached through an alias', () => {
  it('moves `webhookTimeoutSeconds: *t` as written, alias and all, instead of spanning to the anchor', () => {
    const text = yaml`
      apiVersion: kyverno.io/v1
      kind: ClusterPolicy
      metadata:
        name: moved
        annotations:
          timeout: &t 15
      spec:
        webhookTimeoutSeconds: *t
        rules: []
    `;
    const svc = service();
    const file = svc.parse(URI, text);
    const [d] = svc.doValidation(file).filter((x) => x.code === 'policy-deprecated');
    assert.equal(textAt(text, d), 'webhookTimeoutSeconds');
    const [action] = svc.doCodeActions(file, d.range, [d]);
    const edits = action.edit!.changes[URI];
    for (const e of edits) {
      assert.ok(e.range.start.line < e.range.end.line || (e.range.start.line === e.range.end.line && e.range.start.character <= e.range.end.character), JSON.stringify(e.range));
    }
    assert.ok(edits.some((e) => e.newText.includes('timeoutSeconds: *t')), JSON.stringify(edits));
  });
});

describe('document/aliases: quick-fixes change the entry they are about', () => {
  const policy = yaml`
    apiVersion: kyverno.io/v1
    kind: ClusterPolicy
    metadata:
      name: audit-by-alias
    spec:
      background: false
      rules:
        - name: verify
          match:
            any:
              - resources:
                  kinds: [Pod]
          verifyImages:
            - imageReferences: ["ghcr.io/a/*"]
              failureAction: &audit Audit
              mutateDigest: false
              attestors: &att
                - entries:
                    - keys: {kms: "awskms:///alias/release"}
            - imageReferences: ["ghcr.io/b/*"]
              failureAction: *audit
              attestors: *att
            - &base
              imageReferences: ["ghcr.io/c/*"]
              failureAction: Audit
              mutateDigest: false
              attestors: *att
            - <<: *base
              imageReferences: ["ghcr.io/d/*"]
              mutateDigest: true
  `;
  const svc = service();
  const file = svc.parse(URI, policy);
  const found = svc.doValidation(file).filter((d) => d.code === 'policy-mutate-digest-audit');
  const fixed = (d: (typeof found)[number], title: string) => {
    const action = svc.doCodeActions(file, d.range, [d]).find((a) => a.title === title)!;
    const [edit] = action.edit!.changes[URI];
    const lines = policy.split('\n');
    return { line: edit.range.start.line, text: lines[edit.range.start.line], edit };
  };

  it('replaces `failureAction: *audit` where the alias stands, leaving the anchor (and the other entry) as they are', () => {
    assert.equal(found.length, 2, found.map((d) => d.message).join('\n'));
    const { text, edit } = fixed(found[0], 'Set failureAction: Enforce');
    assert.equal(text.trim(), 'failureAction: *audit');
    assert.equal(edit.newText, 'Enforce');
  });

  it('sets a field of a merging entry in that entry, not in the merged one', () => {
    const { text, edit } = fixed(found[1], 'Set failureAction: Enforce');
    assert.equal(text.trim(), '- <<: *base');
    assert.equal(edit.newText.split('\n')[0], 'failureAction: Enforce');
  });
});
