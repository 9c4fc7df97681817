// Journey: a person opens the generated Deployment and asks for the hover on an image from the loopback
// registry. It must show how Kyverno normalises the reference and the workspace rule that verifies it: the
// policy and rule names, Enforce, and its attestors (one public key). The hover on `nginx:latest` must show
// Docker Hub's normalised form and the registry restriction that rejects it.
import { createRequire } from 'node:module';

const { SUPPLY_CHAIN, MANIFEST_FILE, PENDING_FEATURES } = createRequire(import.meta.url)('../expectations.cjs');

export default {
  name: 'manifest-hover',
  summary: 'hover on a manifest image shows its normalised reference and covering rule',
  pending: PENDING_FEATURES.manifestHover,
  async run({ wb, note, assert, facts }) {
    await wb.openFile(MANIFEST_FILE, 'name: web');
    // A Problems row for the file proves the server has indexed the workspace policies (hovers read that index).
    await wb.filterProblems('image-registry-not-allowed');
    await wb.waitForProblemRow(['image-registry-not-allowed', 'nginx:latest']);
    await wb.filterProblems('');

    const texts = await wb.hoverAt(facts.lines.signed, facts.imageColumn + 4);
    const text = texts.join('\n').replace(/\u00a0/g, ' ');
    const flat = text.replace(/\s+/g, ' ');
    note(`hover: ${flat.slice(0, 300)}`);
    assert(flat.includes(`Kyverno matches it as ${facts.images.signed}`), `the hover lacks Kyverno's normalised reference ${facts.images.signed}: ${flat}`);
    assert(flat.includes(`${SUPPLY_CHAIN.policyName} / ${SUPPLY_CHAIN.ruleName}`), `the hover does not name the covering rule ${SUPPLY_CHAIN.policyName} / ${SUPPLY_CHAIN.ruleName}: ${flat}`);
    const ruleLine = flat.slice(flat.indexOf(`${SUPPLY_CHAIN.policyName} / ${SUPPLY_CHAIN.ruleName}`));
    // "check-images / verify-signature (127.0.0.1:PORT/*) — Enforce, via autogen — keys (1 key)": the rule matches
    // Pods, and Kyverno's autogen extends it to the Deployment's pod template.
    assert(/^\S+ \/ \S+ \(\S+\) — Enforce(, [^—]+)? — keys \(1 key\)/.test(ruleLine), `the covering rule's line does not read "… — Enforce — keys (1 key)": ${ruleLine.slice(0, 160)}`);
    assert(flat.includes(`(${facts.host}/*)`), `the hover does not show the rule's pattern ${facts.host}/*: ${flat}`);
    assert(/Not pinned: the tag v1/.test(flat), `the hover does not say the image is not pinned: ${flat}`);
    await wb.screenshot();

    // Docker Hub's short name: the normalised form differs from what is written, and the restriction rejects it.
    const nginx = (await wb.hoverAt(facts.lines.nginx, facts.imageColumn + 2)).join('\n').replace(/\s+/g, ' ');
    note(`hover on nginx:latest: ${nginx.slice(0, 200)}`);
    assert(nginx.includes('Kyverno matches it as docker.io/nginx:latest'), `no normalised docker.io/nginx:latest in the nginx hover: ${nginx}`);
    assert(nginx.includes('sigstore policy-controller matches it as index.docker.io/library/nginx:latest'), `no sigstore form in the nginx hover: ${nginx}`);
    assert(nginx.includes(`${SUPPLY_CHAIN.restrictPolicyName} / local-registry-only`) && /not allowed \(Enforce\)/.test(nginx),
      `the nginx hover does not show the registry restriction rejecting it: ${nginx}`);
    await wb.escape();
  },
};
