// The install scripts that `npm test` runs must not hand the outer npm's configuration to the npm, node-gyp or
// apt they start (a nested npm took npm_config_user_agent's "node/v20" as its own and code-server refused to
// install under Node 24). These tests run the real scripts' environment filter.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

function envAfterFilter(env: NodeJS.ProcessEnv): Record<string, string> {
  const out = execFileSync('bash', ['-c', 'source scripts/lib/clean-env.sh && env -0'], { cwd: ROOT, env }).toString();
  return Object.fromEntries(out.split('\0').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

describe('scripts/lib/clean-env.sh', () => {
  it('drops npm_config_*, npm_package_*, npm_lifecycle_* and npm run’s PATH entries, keeps the rest', () => {
    const env = envAfterFilter({
      PATH: `/repo/node_modules/.bin:/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin:/usr/bin:/bin`,
      HOME: '/home/someone',
      IMAGE_TRUST_CACHE: '/tmp/cache',
      npm_config_user_agent: 'npm/11.0.0 node/v20.20.2 linux x64',
      npm_config_nodedir: '/usr',
      NPM_CONFIG_PREFIX: '/usr/local',
      npm_package_name: 'image-trust',
      npm_lifecycle_event: 'test',
      npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
      INIT_CWD: '/repo',
    });
    assert.deepEqual(Object.keys(env).filter((k) => /^npm_|^NPM_CONFIG_|^INIT_CWD$/.test(k)), []);
    assert.equal(env.PATH, '/usr/bin:/bin');
    assert.equal(env.HOME, '/home/someone');
    assert.equal(env.IMAGE_TRUST_CACHE, '/tmp/cache');
  });

  it('is sourced by every script that runs npm, node-gyp or apt', () => {
    const scripts = ['scripts/e2e/setup.sh', 'scripts/test-deps.sh', 'scripts/cosign-setup.sh'];
    const runners = fs.readdirSync(path.join(ROOT, 'scripts'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.sh') && !f.startsWith('lib'))
      .map((f) => `scripts/${f}`)
      .filter((f) => /\b(npm|npx|apt-get|node-gyp)\b/.test(fs.readFileSync(path.join(ROOT, f), 'utf8').replace(/^\s*#.*$/gm, '')));
    assert.deepEqual(runners.sort(), scripts.sort());
    for (const f of runners) assert.match(fs.readFileSync(path.join(ROOT, f), 'utf8'), /^source "\$\(dirname "\$\{BASH_SOURCE\[0\]\}"\)\/(\.\.\/)?lib\/clean-env\.sh"$/m, f);
  });
});

describe('test/e2e/lib/cleanEnv.mjs', () => {
  it('gives the E2E driver’s child processes the same filtered environment', async () => {
    const { withoutNpmEnv } = await import(path.join(ROOT, 'test/e2e/lib/cleanEnv.mjs'));
    const env = withoutNpmEnv({ PATH: '/repo/node_modules/.bin:/usr/bin', npm_config_user_agent: 'npm/11 node/v20', npm_package_version: '1', DISPLAY: ':1' });
    assert.deepEqual(env, { PATH: '/usr/bin', DISPLAY: ':1' });
  });
});
