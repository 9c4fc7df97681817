import { strict as assert } from 'node:assert';
import { parseOptions } from '../../server/src/cli/options';

describe('CLI option parsing (one parser for verify, verify-blob and --images-from)', () => {
  const run = (argv: string[]) => {
    const seen: Record<string, unknown> = { positional: [] as string[] };
    const error = parseOptions(argv, {
      valued: { '--key': (v) => void (seen.key = v), '--format': (v) => (v === 'json' ? void (seen.format = v) : `bad format ${v}`) },
      flags: { '--insecure-ignore-tlog': () => (seen.tlog = true) },
      positional: (a) => ((seen.positional as string[]).length ? `one only, got ${a}` : void (seen.positional as string[]).push(a)),
    });
    return { error, seen };
  };

  it('reads --name value, --name=value, flags and one positional', () => {
    assert.deepEqual(run(['img', '--key', 'k.pub', '--format=json', '--insecure-ignore-tlog']), { error: undefined, seen: { positional: ['img'], key: 'k.pub', format: 'json', tlog: true } });
  });

  it('takes --flag=false as off and --flag=true as on', () => {
    assert.equal(run(['--insecure-ignore-tlog=false']).seen.tlog, undefined);
    assert.equal(run(['--insecure-ignore-tlog=true']).seen.tlog, true);
  });

  it('stops at the first error: a missing or empty value, a handler error, an unknown option, a second positional', () => {
    assert.equal(run(['--key']).error, '--key needs a value');
    assert.equal(run(['--key=']).error, '--key needs a value');
    assert.equal(run(['--format', 'xml']).error, 'bad format xml');
    assert.equal(run(['--nope']).error, 'unknown option "--nope"');
    assert.equal(run(['--insecure-ignore-tlog=maybe']).error, 'unknown option "--insecure-ignore-tlog"');
    assert.equal(run(['a', 'b']).error, 'one only, got b');
  });
});
