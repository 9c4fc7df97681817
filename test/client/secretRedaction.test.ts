// The language client's protocol trace prints the answer to the server's workspace/configuration request —
// registry passwords and tokens included. The real tracer of vscode-jsonrpc (the one vscode-languageclient
// uses) produces the lines here; what reaches the channel must hold none of the secrets.
import { strict as assert } from 'node:assert';
import { PassThrough } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, Trace, TraceFormat } from 'vscode-jsonrpc/node';
import { redactSecrets, registrySecrets } from '../../client/src/secretRedaction';

const REGISTRIES = [
  { host: 'registry.example.com', username: 'alice', password: 'pa"ss\\w0rd-with-quotes' },
  { host: 'ghcr.io', token: 'ghp_t0kenValue1234567890' },
  { host: 'quay.io', username: 'bob', token: 'PAT-as-password-0987' },
];

/** The trace lines a client (answering `workspace/configuration`) writes, in the given format and level. */
async function traceOfConfigurationAnswer(format: TraceFormat, level: Trace): Promise<string> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const server = createMessageConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  const lines: string[] = [];
  client.onRequest('workspace/configuration', () => [{ registries: REGISTRIES }]);
  client.listen();
  server.listen();
  // As vscode-languageclient writes them to its channel: text as is, JSON-format entries stringified.
  const log = (message: unknown, data?: string) => lines.push(typeof message === 'string' ? `${message}\n${data ?? ''}` : JSON.stringify(message));
  await client.trace(level, { log }, { traceFormat: format });
  await server.sendRequest('workspace/configuration', { items: [{ section: 'imageTrust' }] });
  await client.sendNotification('workspace/didChangeConfiguration', { settings: { imageTrust: { registries: REGISTRIES } } });
  await new Promise((r) => setTimeout(r, 20));
  client.dispose();
  server.dispose();
  return lines.join('\n');
}

describe('client: registry secrets never reach the output channel', () => {
  const secrets = registrySecrets(REGISTRIES);
  const raw = ['pa"ss\\w0rd-with-quotes', 'ghp_t0kenValue1234567890', 'PAT-as-password-0987'];

  for (const [label, format, level] of [
    ['verbose text trace', TraceFormat.Text, Trace.Verbose],
    ['compact text trace', TraceFormat.Text, Trace.Compact],
    ['JSON trace', TraceFormat.JSON, Trace.Verbose],
  ] as const) {
    it(`${label}: the tracer prints them, the redaction removes every one`, async () => {
      const trace = await traceOfConfigurationAnswer(format, level);
      // Without redaction the trace does carry them (escaped as JSON): the case is real.
      assert.ok(trace.includes('ghp_t0kenValue1234567890'), trace.slice(0, 500));
      assert.ok(trace.includes('pa\\"ss\\\\w0rd-with-quotes'), trace.slice(0, 500));
      const clean = redactSecrets(trace, secrets);
      for (const s of [...raw, ...raw.map((r) => JSON.stringify(r).slice(1, -1))]) assert.ok(!clean.includes(s), `${s} left in:\n${clean}`);
      assert.match(clean, /\*\*\*/);
      assert.ok(clean.includes('registry.example.com') && clean.includes('alice'), 'only the secrets go');
    });
  }

  it('covers base64 forms (Authorization-style) and ignores values too short to be secrets', () => {
    const line = `Basic ${Buffer.from('alice:pa"ss\\w0rd-with-quotes').toString('base64')} ${Buffer.from('ghp_t0kenValue1234567890').toString('base64')}`;
    assert.equal(redactSecrets(line, secrets), 'Basic *** ***');
    assert.deepEqual(registrySecrets([{ host: 'h', password: 'abc' }, null, 'x', { host: 'h' }]), []);
    assert.deepEqual(registrySecrets(undefined), []);
  });
});
