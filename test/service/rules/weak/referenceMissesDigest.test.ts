import { strict as assert } from 'node:assert';
import { applyFirstFix, entry, found, verifyPolicy } from './helpers';

const CODE = 'policy-reference-misses-digest';

describe('rule policy-reference-misses-digest', () => {
  it('reports a tag-shaped pattern that digest-pinned images slip past', () => {
    const text = verifyPolicy(entry('imageReferences:\n  - "ghcr.io/x/y:*"'));
    const [d, ...rest] = found(text, CODE);
    assert.equal(rest.length, 0);
    assert.equal(d.text, '"ghcr.io/x/y:*"');
    assert.equal(d.severity, 2);
    assert.match(d.message, /digest-pinned/);
    assert.match(d.message, /"ghcr\.io\/x\/y@sha256:…"/);
    assert.match(d.message, /Use "ghcr\.io\/x\/y\*", or add "ghcr\.io\/x\/y@\*"/);
  });

  it('reports tag prefixes, registries with ports and the deprecated image field', () => {
    const text = verifyPolicy([
      entry('imageReferences:\n  - ghcr.io/x/y:v*\n  - localhost:5000/app:1.?'),
      entry('image: "registry.company.com/team/app:*"'),
    ].join('\n'));
    assert.deepEqual(found(text, CODE).map((d) => d.text), ['ghcr.io/x/y:v*', 'localhost:5000/app:1.?', '"registry.company.com/team/app:*"']);
  });

  it('offers a quick fix to match every tag and digest', () => {
    const text = verifyPolicy(entry('imageReferences:\n  - "ghcr.io/x/y:*"'));
    const fixed = applyFirstFix(text, found(text, CODE)[0].diagnostic);
    assert.ok(fixed?.includes('- "ghcr.io/x/y*"'), fixed);
  });

  it('does not report patterns that already match the digest form', () => {
    const text = verifyPolicy([
      entry('imageReferences:\n  - "ghcr.io/x/y*"\n  - "ghcr.io/*:*"\n  - "*"'),
      entry('imageReferences:\n  - "ghcr.io/a/b:*"\n  - "ghcr.io/a/b@*"'),
      entry('imageReferences:\n  - "ghcr.io/c/d:v1"\n  - "ghcr.io/c/*"'),
    ].join('\n'));
    assert.deepEqual(found(text, CODE), []);
  });

  it('does not report skipImageReferences (a skip that misses digests verifies more, not less)', () => {
    const text = verifyPolicy(entry('imageReferences: ["*"]\nskipImageReferences: ["ghcr.io/x/y:*"]'));
    assert.deepEqual(found(text, CODE), []);
  });
});
