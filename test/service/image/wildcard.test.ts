import { strict as assert } from 'node:assert';
import { hasWildcard, kyvernoImageInfo, kyvernoNormalize, wildcardMatch } from '../../../server/src/service/image/wildcard';

const DIGEST = 'sha256:' + 'a'.repeat(64);

describe('image/wildcard: Kyverno go-wildcard matcher', () => {
  // [pattern, value, expected]
  const vectors: [string, string, boolean][] = [
    // kyverno-semantics §c.2 worked examples
    ['ghcr.io/kyverno/*', 'ghcr.io/kyverno/sub/path/img:v1', true],
    ['ghcr.io/kyverno/test-verify-image:*', 'ghcr.io/kyverno/test-verify-image@sha256:abc', false],
    ['ghcr.io/kyverno/test-verify-image*', 'ghcr.io/kyverno/test-verify-image@sha256:abc', true],
    ['nginx*', 'docker.io/nginx:latest', false],
    ['docker.io/nginx*', 'docker.io/nginx:latest', true],
    ['docker.io/library/nginx*', 'docker.io/nginx:latest', false],
    ['*/nginx:1.2?', 'docker.io/nginx:1.25', true],
    ['*/nginx:1.2?', 'docker.io/nginx:1.2', false],
    ['GHCR.IO/*', 'ghcr.io/a:b', false],
    // §c.1 rules
    ['', '', true],
    ['', 'a', false],
    ['*', '', true],
    ['*', 'anything/at:all@sha256:x', true],
    ['**', 'a/b', true],
    ['a*', 'a', true],
    ['*a', 'a', true],
    ['?', '', false],
    ['?', 'a', true],
    ['?', 'ab', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a*b', 'a/x:y@z/b', true],
    ['abc', 'ABC', false],
    ['abc', 'abcd', false],
    ['abc', 'xabc', false],
    ['[ab]', 'a', false],
    ['[ab]', '[ab]', true],
    ['a\\*', 'a\\xyz', true],
    ['*a*a*a*b', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', false],
    ['*x*y', 'axbxcy', true],
    ['?é?', 'aéb', true],
    ['??', '😀', false],
    ['?', '😀', true],
  ];
  for (const [pattern, value, expected] of vectors) {
    it(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(value)}`, () => {
      assert.equal(wildcardMatch(pattern, value), expected);
    });
  }

  it('recognises wildcard metacharacters', () => {
    assert.equal(hasWildcard('ghcr.io/*'), true);
    assert.equal(hasWildcard('nginx:1.2?'), true);
    assert.equal(hasWildcard('ghcr.io/x/y:v1'), false);
  });
});

describe('image/wildcard: Kyverno image normalisation', () => {
  const vectors: [string, string | undefined][] = [
    ['nginx', 'docker.io/nginx:latest'],
    ['nginx:1.25', 'docker.io/nginx:1.25'],
    ['test/nginx', 'docker.io/test/nginx:latest'],
    ['docker.io/library/nginx', 'docker.io/library/nginx:latest'],
    ['docker.io/nginx', 'docker.io/nginx:latest'],
    ['index.docker.io/nginx', 'index.docker.io/nginx:latest'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:4443/test/nginx', 'localhost:4443/test/nginx:latest'],
    ['registry.company.com:5000/team/app:v2', 'registry.company.com:5000/team/app:v2'],
    [`ghcr.io/x/y:v1@${DIGEST}`, `ghcr.io/x/y@${DIGEST}`],
    [`ghcr.io/x/y@${DIGEST}`, `ghcr.io/x/y@${DIGEST}`],
    [`nginx@${DIGEST}`, `docker.io/nginx@${DIGEST}`],
    ['Registry.Example/app', 'Registry.Example/app:latest'],
    ['[::1]:5000/app', '[::1]:5000/app:latest'],
    ['ghcr.io/x/Y', undefined],
    ['NGINX', undefined],
    ['ghcr.io/x/y:', undefined],
    ['ghcr.io/x/y@sha256:abc', undefined],
    [`ghcr.io/x/y@md5:${'a'.repeat(32)}`, undefined],
    ['', undefined],
    [' nginx', undefined],
  ];
  for (const [image, expected] of vectors) {
    it(`${JSON.stringify(image)} → ${expected ?? 'unparseable'}`, () => {
      assert.equal(kyvernoNormalize(image), expected);
    });
  }

  it('splits registry, path, tag and digest (tag kept in the info, dropped from the string)', () => {
    assert.deepEqual(kyvernoImageInfo(`ghcr.io/x/y:v1@${DIGEST}`), {
      registry: 'ghcr.io', path: 'x/y', tag: 'v1', digest: DIGEST, normalized: `ghcr.io/x/y@${DIGEST}`,
    });
  });

  it('honours defaultRegistry and enableDefaultRegistryMutation=false', () => {
    assert.equal(kyvernoNormalize('nginx', { defaultRegistry: 'mirror.local' }), 'mirror.local/nginx:latest');
    assert.equal(kyvernoNormalize('test/nginx', { enableDefaultRegistryMutation: false }), 'test/nginx:latest');
    assert.equal(kyvernoNormalize('ghcr.io/x', { enableDefaultRegistryMutation: false }), 'ghcr.io/x:latest');
  });

  it('normalised images feed the matcher the way Kyverno does', () => {
    assert.equal(wildcardMatch('docker.io/nginx:*', kyvernoNormalize('nginx')!), true);
    assert.equal(wildcardMatch('docker.io/library/nginx:*', kyvernoNormalize('nginx')!), false);
    assert.equal(wildcardMatch('ghcr.io/x/y:*', kyvernoNormalize(`ghcr.io/x/y:v1@${DIGEST}`)!), false);
  });
});
