import { strict as assert } from 'node:assert';
import { entry, found, verifyPolicy } from './helpers';

const CODE = 'policy-broad-skip';

function skipping(...patterns: string[]) {
  return verifyPolicy(entry(`imageReferences: ["*"]\nskipImageReferences:\n${patterns.map((p) => `  - ${JSON.stringify(p)}`).join('\n')}`));
}

describe('rule policy-broad-skip', () => {
  it('reports a skip of every image', () => {
    const [d] = found(skipping('*'), CODE);
    assert.equal(d.text, '"*"');
    assert.equal(d.severity, 2);
    assert.match(d.message, /skips every image/);
  });

  it('reports a skip of a whole public registry', () => {
    const [d] = found(skipping('ghcr.io/*'), CODE);
    assert.equal(d.text, '"ghcr.io/*"');
    assert.match(d.message, /every image on ghcr\.io, where anyone can publish/);
    assert.match(d.message, /"ghcr\.io\/<org>\/<repo>:\*"/);
    assert.match(found(skipping('registry.company.com/**'), CODE)[0].message, /every image on registry\.company\.com\./);
  });

  it('reports a skip whose registry starts with a wildcard, with an attacker-controlled example', () => {
    const [d] = found(skipping('*/pause:*'), CODE);
    assert.equal(d.text, '"*/pause:*"');
    assert.match(d.message, /any registry \(e\.g\. "attacker\.example\/pause:[^"]+"\)/);
    assert.match(d.message, /Name the registry: "registry\.example\.com\/pause:\*"/);
  });

  it('reports a skip of every digest-pinned image', () => {
    const [d] = found(skipping('*@*'), CODE);
    assert.equal(d.text, '"*@*"');
    assert.match(d.message, /every image with a digest/);
  });

  it('does not report exact skips or organisation-level skips', () => {
    assert.deepEqual(found(skipping('registry.k8s.io/pause:3.9', 'ghcr.io/myorg/tools/*', 'registry.k8s.io*'), CODE), []);
  });
});
