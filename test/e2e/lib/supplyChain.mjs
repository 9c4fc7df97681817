// The real supply chain behind the manifest and verification journeys, made fresh on every run:
//   - Debian's docker-registry on loopback (test/support/registry.ts), with two images pushed by skopeo:
//     demo/signed:v1 and demo/unsigned:v1 (reproducible OCI layouts, so the driver knows their digests);
//   - a P-256 key pair (cosign's encrypted key format) and a signature on demo/signed made by the real cosign
//     2.5.0 (test/support/cosign.ts, scripts/cosign-setup.sh), without the transparency log;
//   - workspace files: supply-chain/cosign.pub, a ClusterPolicy verifying 127.0.0.1:PORT/* with that key
//     (Enforce, rekor.ignoreTlog since nothing was uploaded), a ClusterPolicy allowing only that registry, and
//     a Deployment using both images by tag plus two Docker Hub images (nginx:latest, busybox).
// The workspace files are written even when the registry or cosign cannot run here: diagnostics and hovers do
// not need them. Then `pending.registry` / `pending.signature` say why, and the journeys that need them are
// reported as pending with that reason instead of passing.
// IMAGE_TRUST_E2E_NO_REGISTRY=1 / IMAGE_TRUST_E2E_NO_COSIGN=1 take those paths on purpose (to check the harness).
import { tsImport } from 'tsx/esm/api';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';

const { SUPPLY_CHAIN } = createRequire(import.meta.url)('../expectations.cjs');

/** Stands in for the registry host in the workspace files when no registry could be started. */
const UNREACHABLE_HOST = '127.0.0.1:9';

/**
 * Starts the registry, pushes, signs; returns `{ facts, files, stop }`. `facts` (JSON) is what journeys and the
 * extension-host suite read: host, image references, digests, line numbers, pending reasons. `files` maps
 * workspace-relative paths to contents. `stop()` ends the registry (always call it).
 */
export async function setupSupplyChain({ log = () => {} } = {}) {
  const registryLib = await tsImport('../../support/registry.ts', import.meta.url);
  const cosignLib = await tsImport('../../support/cosign.ts', import.meta.url);
  const work = registryLib.tempDir('image-trust-e2e-supply-');
  const pending = {};
  let registry;
  let host = UNREACHABLE_HOST;
  const digests = {};

  const missing = registryLib.missingTools();
  if (process.env.IMAGE_TRUST_E2E_NO_REGISTRY) {
    pending.registry = 'IMAGE_TRUST_E2E_NO_REGISTRY is set';
  } else if (missing.length > 0) {
    pending.registry = `missing ${missing.join(', ')} (install with scripts/test-deps.sh)`;
  } else {
    try {
      registry = await registryLib.startRegistry();
      host = registry.host;
      const signed = registryLib.buildImage(work, { seed: 'e2e-signed', ref: 'v1' });
      const unsigned = registryLib.buildImage(work, { seed: 'e2e-unsigned', ref: 'v1' });
      await Promise.all([
        registryLib.pushImage(signed, `${host}/demo/signed:v1`, { ref: 'v1' }),
        registryLib.pushImage(unsigned, `${host}/demo/unsigned:v1`, { ref: 'v1' }),
      ]);
      digests.signed = signed.digest;
      digests.unsigned = unsigned.digest;
      // What the registry serves must be what we pushed: pin-digest asserts against this value.
      for (const [name, digest] of Object.entries(digests)) {
        const served = await servedDigest(host, `demo/${name}`, 'v1');
        if (served !== digest) throw new Error(`the registry serves ${served} for demo/${name}:v1, not the pushed ${digest}`);
      }
    } catch (err) {
      pending.registry = `the loopback registry could not be set up: ${String(err.message ?? err).split('\n')[0]}`;
      await registry?.stop().catch(() => {});
      registry = undefined;
      host = UNREACHABLE_HOST;
    }
  }

  // The key pair is made with node:crypto, so the workspace gets a real cosign.pub even without cosign.
  const cosignBin = pending.registry ? {}
    : process.env.IMAGE_TRUST_E2E_NO_COSIGN ? { reason: 'IMAGE_TRUST_E2E_NO_COSIGN is set' } : cosignLib.cosignBinary();
  const cosign = new cosignLib.Cosign(cosignBin.path ?? '/nonexistent/cosign', work);
  const key = cosign.key('e2e', 'ecdsa-p256');
  if (pending.registry) {
    pending.signature = `no registry to sign on (${pending.registry})`;
  } else if (!cosignBin.path) {
    pending.signature = `cosign is not available: ${cosignBin.reason}`;
  } else {
    try {
      await cosign.sign(key, `${host}/demo/signed@${digests.signed}`);
      // The oracle: cosign itself must accept the signed image and reject the unsigned one with this key.
      const ok = await cosign.verify(key.pubFile, `${host}/demo/signed:v1`, { ignoreTlog: true });
      const bad = await cosign.verify(key.pubFile, `${host}/demo/unsigned:v1`, { ignoreTlog: true });
      if (ok.code !== 0) throw new Error(`cosign verify rejects the image it signed: ${ok.stderr.trim().split('\n').pop()}`);
      if (bad.code === 0) throw new Error('cosign verify accepts the unsigned image');
      log(`cosign signed ${host}/demo/signed@${digests.signed.slice(0, 19)}…; cosign verify: signed ok, unsigned rejected`);
    } catch (err) {
      pending.signature = `signing with cosign failed: ${String(err.message ?? err).split('\n')[0]}`;
    }
  }

  const images = { signed: `${host}/demo/signed:v1`, unsigned: `${host}/demo/unsigned:v1` };
  const manifest = manifestText(images);
  const files = {
    [SUPPLY_CHAIN.keyFile]: key.publicKeyPem,
    [SUPPLY_CHAIN.policyFile]: policyText(host, key.publicKeyPem),
    [SUPPLY_CHAIN.manifestFile]: manifest,
    [SUPPLY_CHAIN.imageListFile]: imageListText(images),
  };
  const lineOf = (text) => manifest.split('\n').findIndex((l) => l.includes(text)) + 1;
  const facts = {
    host,
    images,
    digests,
    publicKeyPem: key.publicKeyPem,
    // 1-based lines of the images in the manifest, and the column where each image value starts.
    lines: { signed: lineOf(images.signed), unsigned: lineOf(images.unsigned), nginx: lineOf('nginx:latest'), busybox: lineOf('busybox') },
    imageColumn: manifest.split('\n')[lineOf(images.signed) - 1].indexOf(images.signed) + 1,
    pending,
  };
  return {
    facts,
    files,
    stop: async () => {
      await registry?.stop().catch(() => {});
    },
  };
}

/** The digest the registry serves for repo:tag (Docker-Content-Digest of a manifest HEAD). */
async function servedDigest(host, repo, tag) {
  const accept = ['application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.docker.distribution.manifest.list.v2+json'].join(', ');
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { Accept: accept } });
    if (res.ok) return res.headers.get('docker-content-digest');
    if (attempt >= 3) throw new Error(`HEAD ${repo}:${tag} answered ${res.status}`);
    await sleep(200);
  }
}

/** A release's image list, as the seed's images.txt: one reference per line, `#` comments. */
export function imageListText(images) {
  return `# Images of the demo release (generated by test/e2e/lib/supplyChain.mjs)\n${images.signed}\n${images.unsigned}\n`;
}

function indent(text, n) {
  return text.trim().split('\n').map((l) => ' '.repeat(n) + l).join('\n');
}

export function policyText(host, publicKeyPem) {
  return `# Generated by test/e2e/lib/supplyChain.mjs for this run: the loopback registry's images must be signed.
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: ${SUPPLY_CHAIN.policyName}
spec:
  background: false
  rules:
    - name: ${SUPPLY_CHAIN.ruleName}
      match:
        any:
          - resources:
              kinds:
                - Pod
      verifyImages:
        - imageReferences:
            - "${host}/*"
          failureAction: Enforce
          attestors:
            - entries:
                - keys:
                    # The test signatures are made with --tlog-upload=false (no Rekor offline).
                    rekor:
                      ignoreTlog: true
                    publicKeys: |-
${indent(publicKeyPem, 22)}
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: ${SUPPLY_CHAIN.restrictPolicyName}
spec:
  background: false
  rules:
    - name: local-registry-only
      match:
        any:
          - resources:
              kinds:
                - Pod
      validate:
        failureAction: Enforce
        message: Images must come from the local registry.
        pattern:
          spec:
            containers:
              - image: "${host}/*"
`;
}

export function manifestText(images) {
  return `# Generated by test/e2e/lib/supplyChain.mjs for this run: images on the loopback registry, and two from Docker Hub.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      initContainers:
        - name: init
          image: busybox
      containers:
        - name: app
          image: ${images.signed}
        - name: sidecar
          image: ${images.unsigned}
        - name: proxy
          image: nginx:latest
`;
}
