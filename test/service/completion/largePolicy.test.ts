import { strict as assert } from 'node:assert';
import { service } from '../../support/service';

/** A policy of about 2,000 lines: many verifyImages rules with keyless and key attestors. */
function bigPolicy(): string {
  const lines = ['apiVersion: kyverno.io/v1', 'kind: ClusterPolicy', 'metadata:', '  name: big', 'spec:', '  background: false', '  rules:'];
  for (let i = 0; lines.length < 2000; i++) {
    lines.push(
      `    - name: rule-${i}`,
      '      match:',
      '        any:',
      '          - resources:',
      '              kinds: [Pod]',
      '      verifyImages:',
      `        - imageReferences: ["ghcr.io/org-${i}/*"]`,
      '          failureAction: Enforce',
      '          attestors:',
      '            - count: 1',
      '              entries:',
      '                - keyless:',
      `                    subject: "https://github.com/org-${i}/*"`,
      '                    issuer: https://token.actions.githubusercontent.com',
      '                    rekor:',
      '                      url: https://rekor.sigstore.dev',
      '                - keys:',
      '                    publicKeys: |-',
      '                      -----BEGIN PUBLIC KEY-----',
      '                      MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE',
      '                      -----END PUBLIC KEY-----',
    );
  }
  return lines.join('\n') + '\n';
}

// Speed is measured by `npm run bench`, not asserted here (timed unit tests are flaky on a shared machine).
describe('completion across a large policy', () => {
  it('answers at positions all over a 2,000-line policy', async () => {
    const svc = service();
    const text = bigPolicy();
    const lines = text.split('\n');
    const file = svc.parse('file:///big.yaml', text);
    // Positions all over the file: at the start of keys, and at the end of lines (values, block scalars).
    const positions = Array.from({ length: 200 }, (_, k) => {
      const line = Math.floor((k * (lines.length - 2)) / 200);
      const indentation = lines[line].length - lines[line].trimStart().replace(/^- /, '').length;
      return { line, character: k % 2 === 0 ? indentation : lines[line].length };
    });
    await svc.doComplete(file, positions[positions.length - 1]); // warm-up
    let answered = 0;
    for (const p of positions) {
      const list = await svc.doComplete(file, p);
      if (list.items.length > 0) answered++;
    }
    assert.ok(answered > 50, `only ${answered} positions produced completions`);
  });
});
