// Credential helpers (`docker-credential-<name>`) are programs found on PATH. The language server's working
// directory used to be the workspace, so an empty, `.` or relative PATH entry let a repository's own
// `./docker-credential-desktop` run on the first registry request. These tests put such a helper in a
// stand-in workspace, make it the working directory, and check that it never runs.
import { strict as assert } from 'node:assert';
import { chmodSync, existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findCredentials } from '../../server/src/registry/credentials';
import { lookPath } from '../../server/src/registry/lookPath';
import { tempDir } from '../support/registry';

function dockerHome(config: object): string {
  const h = tempDir('image-trust-home-');
  mkdirSync(path.join(h, '.docker'));
  writeFileSync(path.join(h, '.docker', 'config.json'), JSON.stringify(config));
  return h;
}

/** A helper script that leaves `marker` behind when it runs and answers with `user` (shell-expanded). */
function writeHelper(dir: string, name: string, marker: string, user: string): void {
  const file = path.join(dir, `docker-credential-${name}`);
  writeFileSync(file, `#!/bin/sh\n: > '${marker}'\nprintf '{"Username":"%s","Secret":"s3cret-from-helper"}' "${user}"\n`);
  chmodSync(file, 0o755);
}

describe('credential helpers are never taken from the workspace', () => {
  let workspace: string;
  let cwd: string;
  let marker: string;
  beforeEach(() => {
    workspace = tempDir('image-trust-ws-');
    marker = path.join(tempDir('image-trust-marker-'), 'workspace-helper-ran');
    writeHelper(workspace, 'desktop', marker, 'from-the-repository');
    mkdirSync(path.join(workspace, 'bin'));
    writeHelper(path.join(workspace, 'bin'), 'desktop', marker, 'from-the-repository');
    cwd = process.cwd();
    // What the server's working directory used to be.
    process.chdir(workspace);
  });
  afterEach(() => process.chdir(cwd));

  for (const [label, entries] of [
    ['an empty PATH entry', (sys: string) => `:${sys}`],
    ['a "." PATH entry', (sys: string) => `.:${sys}`],
    ['a relative PATH entry (bin)', (sys: string) => `bin:${sys}`],
    ['a trailing colon', (sys: string) => `${sys}:`],
  ] as const) {
    it(`${label}: the repository's docker-credential-desktop does not run`, async () => {
      const home = dockerHome({ credsStore: 'desktop' });
      const c = await findCredentials('registry.example.com', { settings: [], home, path: entries('/usr/bin:/bin') });
      assert.equal(existsSync(marker), false, 'the workspace helper ran');
      assert.equal(c, undefined);
    });
  }

  it('an absolute PATH entry after the relative ones is still searched, and its helper runs outside the workspace', async () => {
    const sys = tempDir('image-trust-sysbin-');
    const sysMarker = path.join(sys, 'ran');
    writeHelper(sys, 'desktop', sysMarker, '$(pwd)');
    const home = dockerHome({ credHelpers: { 'registry.example.com': 'desktop' } });
    const c = await findCredentials('registry.example.com', { settings: [], home, path: `:.:bin:${sys}` });
    assert.equal(existsSync(marker), false, 'the workspace helper ran');
    assert.equal(existsSync(sysMarker), true);
    assert.equal(c?.password, 's3cret-from-helper');
    assert.equal(c?.source, 'docker-credential-desktop');
    const ranIn = realpathSync(c!.username!);
    assert.notEqual(ranIn, realpathSync(workspace), 'the helper ran with the workspace as its working directory');
    assert.equal(ranIn, realpathSync(os.homedir()));
  });
});

describe('lookPath', () => {
  it('finds an executable file in an absolute entry, skipping non-executable files and directories', async () => {
    const a = tempDir('image-trust-a-');
    const b = tempDir('image-trust-b-');
    const c = tempDir('image-trust-c-');
    writeFileSync(path.join(a, 'tool'), '#!/bin/sh\n'); // not executable
    mkdirSync(path.join(b, 'tool')); // a directory
    writeFileSync(path.join(c, 'tool'), '#!/bin/sh\n');
    chmodSync(path.join(c, 'tool'), 0o755);
    assert.equal(await lookPath('tool', `${a}:${b}:${c}`, 'linux'), path.join(c, 'tool'));
  });

  it('never returns a name with a slash, and nothing from relative entries', async () => {
    const c = tempDir('image-trust-c-');
    writeFileSync(path.join(c, 'tool'), '#!/bin/sh\n');
    chmodSync(path.join(c, 'tool'), 0o755);
    assert.equal(await lookPath('./tool', c, 'linux'), undefined);
    assert.equal(await lookPath('tool', path.relative(process.cwd(), c), 'linux'), undefined);
    assert.equal(await lookPath('tool', undefined, 'linux'), undefined);
  });
});
