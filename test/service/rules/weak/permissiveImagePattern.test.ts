import { strict as assert } from 'node:assert';
import { found, validatePolicy } from './helpers';

const CODE = 'policy-permissive-image-pattern';

function containers(...images: string[]) {
  return validatePolicy(`pattern:\n  spec:\n    containers:\n${images.map((i) => `      - image: ${JSON.stringify(i)}`).join('\n')}`);
}

describe('rule policy-permissive-image-pattern', () => {
  it('reports "*:*", which only requires a colon', () => {
    const [d] = found(containers('*:*'), CODE);
    assert.equal(d.text, '"*:*"');
    assert.equal(d.severity, 2);
    assert.match(d.message, /"nginx:latest"/);
    assert.match(d.message, /"localhost:5000\/app"/);
    assert.match(d.message, /"!\*:latest"/);
  });

  it('reports "*" and "?*", which accept any image', () => {
    const ds = found(containers('*', '?*'), CODE);
    assert.deepEqual(ds.map((d) => d.text), ['"*"', '"?*"']);
    assert.match(ds[0].message, /accepts any image/);
    assert.match(ds[1].message, /accepts any non-empty image/);
  });

  it('reports a permissive alternative, anyPattern, foreach and equality-anchored keys', () => {
    const text = validatePolicy([
      'anyPattern:',
      '  - spec:',
      '      containers:',
      '        - image: "registry.company.com/* | *"',
      'foreach:',
      '  - list: request.object.spec.initContainers',
      '    pattern:',
      '      =(image): "?*"',
    ].join('\n'));
    const ds = found(text, CODE);
    assert.deepEqual(ds.map((d) => d.text), ['"registry.company.com/* | *"', '"?*"']);
    assert.match(ds[0].message, /alternative "\*" makes this whole check permissive/);
  });

  it('does not report restrictive values, negations, AND-ed checks or conditional anchors', () => {
    const text = validatePolicy([
      'pattern:',
      '  spec:',
      '    containers:',
      '      - image: "registry.company.com/*"',
      '      - image: "!*:latest"',
      '      - image: "*:* & !*:latest"',
      '      - image: "*@sha256:*"',
      '      - (image): "*"',
    ].join('\n'));
    assert.deepEqual(found(text, CODE), []);
  });
});
