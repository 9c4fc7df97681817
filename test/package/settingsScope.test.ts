// Which settings a workspace may set. A trusted workspace's `.vscode/settings.json` is text from the
// repository: it must not choose trust material, weaken transport security, carry credentials or make the
// extension contact registries on its own. VS Code ignores workspace values of `machine` and `application`
// settings, so those scopes are what enforces this; each setting's scope is decided here, one by one.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

interface SettingSchema { scope?: string; markdownDescription?: string; description?: string }

const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, SettingSchema> } };
};
const properties = manifest.contributes.configuration.properties;

/** Settings a workspace must never set, and why. `machine`: user or remote settings (paths are the server's machine's). */
const USER_ONLY: Record<string, string> = {
  'imageTrust.registries': 'credentials, plain HTTP (`insecure`) and extra CAs (`caFile`)',
  'imageTrust.verify.trustedRoot': 'the Sigstore root keyless signatures are checked against',
  'imageTrust.verify.onOpen': 'registry requests, with the user\'s credentials, as soon as a file is opened',
  'imageTrust.verify.rekorUrl': 'the server every verified file\'s hash is sent to (a repository could collect them)',
};
/** Settings a workspace may set: they change what is shown or how much work runs, never what is trusted. */
const WORKSPACE_OK: Record<string, string> = {
  'imageTrust.trace.server': 'window',
  'imageTrust.severity': 'resource',
  'imageTrust.verify.concurrency': 'window',
  'imageTrust.verify.timeoutSeconds': 'window',
};

describe('package.json: the scope of every setting', () => {
  it('every setting has a scope decided here (a new setting fails until it is classified)', () => {
    assert.deepEqual(Object.keys(properties).sort(), [...Object.keys(USER_ONLY), ...Object.keys(WORKSPACE_OK)].sort());
    for (const [name, schema] of Object.entries(properties)) assert.ok(schema.scope, `${name} has no explicit scope`);
  });

  for (const [name, why] of Object.entries(USER_ONLY)) {
    it(`${name} is machine-scoped: a workspace cannot set ${why}`, () => {
      assert.equal(properties[name].scope, 'machine');
    });
  }

  for (const [name, scope] of Object.entries(WORKSPACE_OK)) {
    it(`${name} is ${scope}-scoped`, () => {
      assert.equal(properties[name].scope, scope);
    });
  }

  it('the trusted root\'s description no longer promises workspace-relative paths', () => {
    const text = properties['imageTrust.verify.trustedRoot'].markdownDescription ?? '';
    assert.doesNotMatch(text, /resolved against the (first )?workspace folder/);
    assert.match(text, /a relative path is an error/);
  });
});
