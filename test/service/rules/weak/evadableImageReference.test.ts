import { strict as assert } from 'node:assert';
import { applyFirstFix, entry, found, validatePolicy, verifyPolicy } from './helpers';

const CODE = 'policy-evadable-image-reference';

describe('rule policy-evadable-image-reference', () => {
  it('reports a skip pattern whose wildcard continues the registry host, naming a look-alike and the fix', () => {
    const text = verifyPolicy(entry('imageReferences: ["*"]\nskipImageReferences:\n  - "registry.k8s.io*"'));
    const [d, ...rest] = found(text, CODE);
    assert.equal(rest.length, 0);
    assert.equal(d.text, '"registry.k8s.io*"');
    assert.equal(d.severity, 2);
    assert.match(d.message, /"registry\.k8s\.io\.attacker\.example\/[^"]*"/);
    assert.match(d.message, /without signature verification/);
    assert.match(d.message, /Use "registry\.k8s\.io\/\*"/);
  });

  it('reports a skip pattern with a prefix wildcard on an organisation of a public registry', () => {
    const text = verifyPolicy(entry('imageReferences: ["*"]\nskipImageReferences: [ghcr.io/myorg*]'));
    const [d] = found(text, CODE);
    assert.equal(d.text, 'ghcr.io/myorg*');
    assert.match(d.message, /"ghcr\.io\/myorg-attacker\/[^"]+"/);
    assert.match(d.message, /Use "ghcr\.io\/myorg\/\*"/);
  });

  it('offers a quick fix that ends the host with a slash', () => {
    const text = verifyPolicy(entry('imageReferences: ["*"]\nskipImageReferences:\n  - "registry.k8s.io*"'));
    const [d] = found(text, CODE);
    const fixed = applyFirstFix(text, d.diagnostic);
    assert.ok(fixed?.includes('- "registry.k8s.io/*"'), fixed);
    assert.deepEqual(found(fixed!, CODE), []);
  });

  it('reports validate.pattern allow-lists a look-alike registry satisfies', () => {
    const text = validatePolicy([
      'message: only company images',
      'pattern:',
      '  spec:',
      '    containers:',
      '      - image: "registry.company.com*"',
      '    =(initContainers):',
      '      - image: "*.company.com/*"',
    ].join('\n'));
    const ds = found(text, CODE);
    assert.deepEqual(ds.map((d) => d.text), ['"registry.company.com*"', '"*.company.com/*"']);
    assert.match(ds[0].message, /"registry\.company\.com\.attacker\.example\/[^"]+"/);
    assert.match(ds[0].message, /lets such images through/);
    // `*` crosses `/`, so an attacker's registry satisfies a leading-wildcard host through the repository path.
    assert.match(ds[1].message, /any registry, .*"attacker\.example\/x\.company\.com\/[^"]+"/);
    assert.match(ds[1].message, /"registry\.company\.com\/\*"/);
  });

  it('picks a look-alike example that the negated operands of the same alternative also let through', () => {
    const text = validatePolicy('pattern:\n  spec:\n    containers:\n      - image: "registry.company.com* & !*:latest"');
    const [d] = found(text, CODE);
    assert.equal(d.text, '"registry.company.com* & !*:latest"');
    const example = /e\.g\. "([^"]+)"/.exec(d.message)?.[1] ?? '';
    assert.ok(example.startsWith('registry.company.com.attacker.example/') && !example.endsWith(':latest'), example);
  });

  it('reports look-alike wildcards in imageReferences only as information: there they make the rule stricter', () => {
    const text = verifyPolicy(entry('imageReferences:\n  - "registry.company.com*"\n  - "*.company.com/*"\n  - ghcr.io/myorg/*'));
    const ds = found(text, CODE);
    assert.deepEqual(ds.map((d) => d.text), ['"registry.company.com*"', '"*.company.com/*"']);
    for (const d of ds) {
      assert.equal(d.severity, 3);
      assert.match(d.message, /not a hole/);
    }
    assert.match(ds[0].message, /e\.g\. "registry\.company\.com\.[^"]*"/);
    assert.equal(applyFirstFix(text, ds[0].diagnostic)?.includes('- "registry.company.com/*"'), true);
  });

  it('does not report exact hosts, port wildcards, exact organisations or permissive values (another rule)', () => {
    const text = verifyPolicy(entry('imageReferences: ["*"]\nskipImageReferences:\n  - "registry.company.com:*/tools/*"\n  - ghcr.io/myorg/*\n  - registry.k8s.io/pause:3.9'));
    assert.deepEqual(found(text, CODE), []);
    const validateText = validatePolicy('pattern:\n  spec:\n    containers:\n      - image: "registry.company.com/* | ghcr.io/myorg/*"\n      - image: "*:*"\n      - image: "!*:latest"\n      - image: "*@*"\n      - image: "*-debug*"');
    assert.deepEqual(found(validateText, CODE), []);
  });
});
