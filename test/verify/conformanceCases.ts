// Runs the sigstore-conformance `bundle-verify` cases through our API (test/fixtures/sigstore/conformance).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTrustedRoot, publicGoodTrustRoot, verifyBundle } from '../../server/src/verify';
import type { VerifyOutcome, VerifiedBundle, TrustRoot } from '../../server/src/verify';

export const CONFORMANCE_DIR = path.join(__dirname, '..', 'fixtures', 'sigstore', 'conformance', 'bundle-verify');
const DEFAULT_IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com';

export interface CaseResult {
  name: string;
  expectPass: boolean;
  outcome: VerifyOutcome<VerifiedBundle>;
}

export function conformanceCases(): string[] {
  return fs
    .readdirSync(CONFORMANCE_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export function runCase(name: string): CaseResult {
  const dir = path.join(CONFORMANCE_DIR, name);
  const file = (f: string) => path.join(dir, f);
  const optional = (f: string) => (fs.existsSync(file(f)) ? fs.readFileSync(file(f), 'utf8').trim() : undefined);
  const artifact = fs.readFileSync(fs.existsSync(file('artifact')) ? file('artifact') : path.join(CONFORMANCE_DIR, 'a.txt'));
  let trustRoot: TrustRoot = publicGoodTrustRoot();
  const customRoot = optional('trusted_root.json');
  const expectPass = !name.endsWith('_fail');
  if (customRoot !== undefined) {
    const loaded = loadTrustedRoot(customRoot, `${name}/trusted_root.json`);
    if (!loaded.ok) return { name, expectPass, outcome: loaded };
    trustRoot = loaded.root;
  }
  const key = optional('key.pub');
  const outcome = verifyBundle(fs.readFileSync(file('bundle.sigstore.json'), 'utf8'), { artifact }, {
    trustRoot,
    signer: key
      ? { kind: 'key', publicKey: key }
      : { kind: 'keyless', identities: [{ subject: [{ exact: optional('identity') ?? DEFAULT_IDENTITY }], issuer: [{ exact: optional('issuer') ?? DEFAULT_ISSUER }] }] },
  });
  return { name, expectPass, outcome };
}
