import { strict as assert } from 'node:assert';
import { applyFirstFix, entry, found, verifyPolicy } from './helpers';
import { withCode, validate } from '../../../support/service';

const CODE = 'policy-reference-never-matches';
const DIGEST = `sha256:${'a'.repeat(64)}`;

function one(pattern: string) {
  const text = verifyPolicy(entry(`imageReferences:\n  - ${JSON.stringify(pattern)}`));
  const ds = found(text, CODE);
  assert.equal(ds.length, 1, `expected one finding for ${pattern}`);
  assert.equal(ds[0].text, JSON.stringify(pattern));
  assert.equal(ds[0].severity, 2);
  return ds[0];
}

describe('rule policy-reference-never-matches', () => {
  it('reports docker.io/library/ patterns: Kyverno never inserts library/', () => {
    const d = one('docker.io/library/nginx:*');
    assert.match(d.message, /without inserting "library\/"/);
    assert.match(d.message, /Use "docker\.io\/nginx:\*"/);
    assert.match(d.message, /admitted without verification/);
    const text = verifyPolicy(entry('imageReferences:\n  - "docker.io/library/nginx:*"'));
    assert.deepEqual(withCode(validate(text), 'policy-reference-misses-digest'), [], 'one finding per pattern');
  });

  it('reports index.docker.io and registry-1.docker.io hosts', () => {
    assert.match(one('index.docker.io/nginx*').message, /Use "docker\.io\/nginx\*"/);
    assert.match(one('registry-1.docker.io/library/redis*').message, /Use "docker\.io\/redis\*"/);
  });

  it('reports upper-case registries and repositories (matching is case-sensitive)', () => {
    assert.match(one('GHCR.IO/myorg/*').message, /case-sensitive.*Use "ghcr\.io\/myorg\/\*"/);
    assert.match(one('ghcr.io/MyOrg/app:*').message, /Use "ghcr\.io\/myorg\/app:\*"/);
  });

  it('reports patterns without a registry, which Kyverno always has', () => {
    const d = one('myorg/app:*');
    assert.match(d.message, /"docker\.io\/myorg\/app:latest"/);
    assert.match(d.message, /Use "docker\.io\/myorg\/app:\*"/);
    assert.match(one('nginx*').message, /Use "docker\.io\/nginx\*"/);
    assert.match(one('nginx:1.25').message, /Use "docker\.io\/nginx:1\.25"/);
  });

  it('reports literal references that are not in normalised form', () => {
    assert.match(one('ghcr.io/x/y').message, /"ghcr\.io\/x\/y:latest".*Use "ghcr\.io\/x\/y\*"/);
    assert.match(one(`ghcr.io/x/y:v1@${DIGEST}`).message, new RegExp(`drops the tag.*Use "ghcr\\.io/x/y@${DIGEST}"`));
    assert.match(one('ghcr.io').message, /registry without a repository.*Use "ghcr\.io\/\*"/);
  });

  it('offers a quick fix with the normalised pattern', () => {
    const text = verifyPolicy(entry('imageReferences:\n  - docker.io/library/nginx*'));
    const fixed = applyFirstFix(text, found(text, CODE)[0].diagnostic);
    assert.ok(fixed?.includes('- docker.io/nginx*'), fixed);
    assert.deepEqual(found(fixed!, CODE), []);
  });

  it('does not report normalised patterns, wildcard hosts, or a library/ pattern next to its short form', () => {
    const text = verifyPolicy([
      entry('imageReferences:\n  - "*"\n  - docker.io/nginx*\n  - ghcr.io/x/y:v1\n  - localhost:5000/*\n  - registry.company.com*\n  - "*/nginx:1.2?"'),
      entry('imageReferences:\n  - docker.io/library/nginx*\n  - docker.io/nginx*'),
      entry(`imageReferences:\n  - ghcr.io/x/y@${DIGEST}`),
      entry('imageReferences: ["*"]\nskipImageReferences: [docker.io/library/busybox*]'),
    ].join('\n'));
    assert.deepEqual(found(text, CODE), []);
  });
});
