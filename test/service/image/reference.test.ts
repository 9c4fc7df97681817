import { strict as assert } from 'node:assert';
import {
  dockerNormalized, effectiveTag, ImageReference, kyvernoNormalized, parseImageReference, ReferenceError, sigstoreNormalized,
} from '../../../server/src/service/image/reference';
import { kyvernoNormalize } from '../../../server/src/service/image/wildcard';

const SHA256 = 'sha256:' + 'a1'.repeat(32);
const SHA512 = 'sha512:' + 'b2'.repeat(64);

function ok(input: string): ImageReference {
  const r = parseImageReference(input);
  assert.ok(r.ok, `expected "${input}" to parse, got: ${r.ok ? '' : r.error}`);
  return r;
}

function bad(input: string): ReferenceError {
  const r = parseImageReference(input);
  assert.ok(!r.ok, `expected "${input}" to be rejected`);
  return r;
}

describe('image/reference: OCI reference grammar', () => {
  it('splits domain, repository, tag and digest with their offsets', () => {
    const input = `ghcr.io:443/org/app:v1.2@${SHA256}`;
    const r = ok(input);
    assert.equal(r.domain, 'ghcr.io:443');
    assert.equal(r.registry, 'ghcr.io:443');
    assert.equal(r.repository, 'org/app');
    assert.equal(r.tag, 'v1.2');
    assert.equal(r.digest, SHA256);
    assert.equal(r.digestAlgorithm, 'sha256');
    assert.equal(input.slice(...r.spans.domain!), 'ghcr.io:443');
    assert.equal(input.slice(...r.spans.repository), 'org/app');
    assert.equal(input.slice(...r.spans.tag!), 'v1.2');
    assert.equal(input.slice(...r.spans.digest!), SHA256);
  });

  it('treats a first element as a registry only with ".", ":", "localhost" or an uppercase letter', () => {
    const cases: [string, string | undefined, string][] = [
      ['nginx', undefined, 'nginx'],
      ['library/nginx', undefined, 'library/nginx'],
      ['test/nginx', undefined, 'test/nginx'],
      ['a/b/c/d', undefined, 'a/b/c/d'],
      ['docker.io/library/nginx', 'docker.io', 'library/nginx'],
      ['localhost/app', 'localhost', 'app'],
      ['localhost:5000/app', 'localhost:5000', 'app'],
      ['registry:5000/app', 'registry:5000', 'app'],
      ['127.0.0.1:5000/app', '127.0.0.1:5000', 'app'],
      ['[::1]:5000/app', '[::1]:5000', 'app'],
      ['[fe80::1]/app', '[fe80::1]', 'app'],
      ['MyRegistry/app', 'MyRegistry', 'app'],
      ['my-registry.example.com/team/app', 'my-registry.example.com', 'team/app'],
    ];
    for (const [input, domain, repository] of cases) {
      const r = ok(input);
      assert.equal(r.domain, domain, input);
      assert.equal(r.repository, repository, input);
      assert.equal(r.registry, domain ?? 'docker.io', input);
    }
  });

  it('reads "name:port" without a path as a name and a tag, as Docker does', () => {
    const r = ok('localhost:5000');
    assert.equal(r.domain, undefined);
    assert.equal(r.repository, 'localhost');
    assert.equal(r.tag, '5000');
  });

  it('accepts the separators of the path grammar', () => {
    for (const input of ['a_b', 'a__b', 'a.b', 'a-b', 'a---b', 'a1/b-2.c_3', 'x/y__z', '0/1']) ok(input);
  });

  it('accepts tags of up to 128 characters starting with a word character', () => {
    ok(`app:${'a'.repeat(128)}`);
    ok('app:_private');
    ok('app:V1.0-RC_2');
    ok('app:latest');
  });

  it('accepts sha256, sha384 and sha512 digests, with or without a tag', () => {
    assert.equal(ok(`app@${SHA256}`).tag, undefined);
    assert.equal(ok(`app:1.0@${SHA256}`).tag, '1.0');
    ok(`app@sha384:${'c'.repeat(96)}`);
    ok(`app@${SHA512}`);
  });

  describe('rejections, each with a precise reason and offset', () => {
    const cases: [string, string, string | undefined][] = [
      // input, code, text at [offset, end)
      ['', 'empty', undefined],
      ['   ', 'empty', undefined],
      [' nginx', 'whitespace', ' '],
      ['nginx ', 'whitespace', ' '],
      ['Nginx', 'uppercase-repository', 'N'],
      ['ghcr.io/Org/app', 'uppercase-repository', 'O'],
      ['docker.io/library/NGINX:1', 'uppercase-repository', 'N'],
      ['ghcr.io/org//app', 'empty-path-component', '/'],
      ['ghcr.io/org/', 'empty-path-component', undefined],
      ['/app', 'empty-path-component', '/'],
      ['app-', 'invalid-path-component', 'app-'],
      ['-app', 'invalid-path-component', '-app'],
      ['a..b', 'invalid-path-component', 'a..b'],
      ['a._b', 'invalid-path-component', 'a._b'],
      ['a___b', 'invalid-path-component', 'a___b'],
      ['org/my app', 'invalid-character', ' '],
      ['org/app!', 'invalid-character', '!'],
      ['ex ample.com/app', 'invalid-domain', 'ex ample.com'],
      ['exa_mple.com/app', 'invalid-domain', 'exa_mple.com'],
      ['-bad.com/app', 'invalid-domain', '-bad.com'],
      ['reg.io:port/app', 'invalid-port', 'port'],
      ['[::1/app', 'invalid-domain', undefined],
      [':5000/app', 'invalid-domain', ':5000'],
      ['app:', 'empty-tag', ':'],
      ['app:.hidden', 'invalid-tag', '.'],
      ['app:-x', 'invalid-tag', '-'],
      ['app:v1+build', 'invalid-tag', '+'],
      [`app:${'a'.repeat(129)}`, 'tag-too-long', undefined],
      ['app@', 'empty-digest', '@'],
      ['app@sha256', 'invalid-digest', 'sha256'],
      ['app@sha256:abc', 'digest-length', 'abc'],
      [`app@sha256:${'a'.repeat(65)}`, 'digest-length', undefined],
      [`app@sha512:${'a'.repeat(64)}`, 'digest-length', undefined],
      [`app@md5:${'a'.repeat(32)}`, 'unsupported-digest-algorithm', 'md5'],
      [`app@SHA256:${'a'.repeat(64)}`, 'invalid-digest', 'SHA256'],
      [`app@sha256:${'A'.repeat(64)}`, 'digest-not-lowercase-hex', 'A'],
      [`app@sha256:${'g'.repeat(64)}`, 'digest-not-lowercase-hex', 'g'],
      [`app@${SHA256}@${SHA256}`, 'multiple-digests', '@'],
      [`@${SHA256}`, 'empty', undefined],
      ['a'.repeat(64).replace(/a/g, 'f'), 'hex-identifier', undefined],
      [`${'a'.repeat(250)}`, 'name-too-long', undefined],
      [`reg.io/${'a'.repeat(249)}`, 'name-too-long', undefined],
    ];
    for (const [input, code, at] of cases) {
      it(`${JSON.stringify(input.length > 40 ? input.slice(0, 37) + '...' : input)} → ${code}`, () => {
        const r = bad(input);
        assert.equal(r.code, code, r.error);
        assert.ok(r.error.length > 10, 'has a readable reason');
        if (at !== undefined) assert.equal(input.slice(r.offset, r.end), at);
      });
    }

    it('names the needed digest length', () => {
      assert.match(bad('app@sha256:abc').error, /3 hex characters; it needs exactly 64/);
      assert.match(bad(`app@sha512:${'a'.repeat(64)}`).error, /needs exactly 128/);
    });

    it('says the repository must be lowercase', () => {
      assert.match(bad('ghcr.io/Org/app').error, /must be lowercase/);
    });
  });

  it('allows names right at the 255-character limit', () => {
    ok(`reg.io/${'a'.repeat(248)}`);
    ok(`${'a'.repeat(237)}`); // docker.io/library/ + 237 = 255
  });
});

describe('image/reference: normalisations', () => {
  // input, Kyverno (§c.2), sigstore/go-containerregistry (§e), kubelet/Docker
  const vectors: [string, string, string | undefined, string][] = [
    ['nginx', 'docker.io/nginx:latest', 'index.docker.io/library/nginx:latest', 'docker.io/library/nginx:latest'],
    ['test/nginx', 'docker.io/test/nginx:latest', 'index.docker.io/test/nginx:latest', 'docker.io/test/nginx:latest'],
    ['docker.io/library/nginx', 'docker.io/library/nginx:latest', 'index.docker.io/library/nginx:latest', 'docker.io/library/nginx:latest'],
    ['docker.io/nginx:1.25', 'docker.io/nginx:1.25', 'index.docker.io/library/nginx:1.25', 'docker.io/library/nginx:1.25'],
    ['docker.io/x/y', 'docker.io/x/y:latest', 'index.docker.io/x/y:latest', 'docker.io/x/y:latest'],
    ['index.docker.io/x/y:2', 'index.docker.io/x/y:2', 'index.docker.io/x/y:2', 'docker.io/x/y:2'],
    ['localhost:4443/test/nginx', 'localhost:4443/test/nginx:latest', 'localhost:4443/test/nginx:latest', 'localhost:4443/test/nginx:latest'],
    ['localhost/app', 'localhost/app:latest', 'index.docker.io/localhost/app:latest', 'localhost/app:latest'],
    [`ghcr.io/x/y:v1@${SHA256}`, `ghcr.io/x/y@${SHA256}`, `ghcr.io/x/y@${SHA256}`, `ghcr.io/x/y:v1@${SHA256}`],
    [`nginx@${SHA256}`, `docker.io/nginx@${SHA256}`, `index.docker.io/library/nginx@${SHA256}`, `docker.io/library/nginx@${SHA256}`],
    [`ghcr.io/x/y@${SHA512}`, `ghcr.io/x/y@${SHA512}`, undefined, `ghcr.io/x/y@${SHA512}`],
    ['MyReg/app:1', 'MyReg/app:1', undefined, 'MyReg/app:1'],
    ['[::1]:5000/app', '[::1]:5000/app:latest', '[::1]:5000/app:latest', '[::1]:5000/app:latest'],
  ];
  for (const [input, kyverno, sigstore, docker] of vectors) {
    it(`${input.length > 40 ? input.slice(0, 37) + '...' : input}`, () => {
      const r = ok(input);
      assert.equal(kyvernoNormalized(r), kyverno, 'Kyverno');
      assert.equal(sigstoreNormalized(r), sigstore, 'sigstore');
      assert.equal(dockerNormalized(r), docker, 'docker');
    });
  }

  it('agrees with the Kyverno normaliser used for wildcard matching', () => {
    for (const [input] of vectors) assert.equal(kyvernoNormalized(ok(input)), kyvernoNormalize(input), input);
  });

  it('honours Kyverno defaultRegistry and enableDefaultRegistryMutation', () => {
    assert.equal(kyvernoNormalized(ok('test/nginx'), { enableDefaultRegistryMutation: false }), 'test/nginx:latest');
    assert.equal(kyvernoNormalized(ok('nginx'), { defaultRegistry: 'mirror.local' }), 'mirror.local/nginx:latest');
    assert.equal(kyvernoNormalized(ok('ghcr.io/a/b'), { enableDefaultRegistryMutation: false }), 'ghcr.io/a/b:latest');
  });

  it('reports the tag the runtime pulls', () => {
    assert.equal(effectiveTag(ok('nginx')), 'latest');
    assert.equal(effectiveTag(ok('nginx:1')), '1');
    assert.equal(effectiveTag(ok(`nginx@${SHA256}`)), undefined);
  });
});
