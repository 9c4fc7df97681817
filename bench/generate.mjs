// Generates the benchmark inputs: a large, realistic ClusterPolicy (verifyImages rules with PEM keys,
// keyless identities and attestations) and a large multi-document manifest file. The policy is valid
// against the Kyverno v1 schema so that every diagnostic either server reports comes from what the
// bench injects; the returned `sites` say where the bench edits, completes and hovers.
import { generateKeyPairSync } from 'node:crypto';

const pad = (n) => String(n).padStart(2, '0');

function pemLines() {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return publicKey.export({ type: 'spki', format: 'pem' }).trim().split('\n');
}

const workflow = (team) => `https://github.com/acme/${team}/.github/workflows/release.yaml@refs/heads/main`;

function keysAttestor(indent) {
  const s = ' '.repeat(indent);
  return [
    `${s}- keys:`,
    `${s}    publicKeys: |-`,
    ...pemLines().map((l) => `${s}      ${l}`),
    `${s}    rekor:`,
    `${s}      url: https://rekor.sigstore.dev`,
  ];
}

function keylessAttestor(indent, team) {
  const s = ' '.repeat(indent);
  return [
    `${s}- keyless:`,
    `${s}    subject: "${workflow(team)}"`,
    `${s}    issuer: "https://token.actions.githubusercontent.com"`,
    `${s}    rekor:`,
    `${s}      url: https://rekor.sigstore.dev`,
  ];
}

function rule(i, marks) {
  const team = `team-${pad(i)}`;
  const lines = [
    `    - name: verify-${team}`,
    `      match:`,
    `        any:`,
    `          - resources:`,
    `              kinds: [Pod]`,
    `              namespaces: [${team}, ${team}-staging]`,
    `      exclude:`,
    `        any:`,
    `          - resources:`,
    `              namespaces: [kube-system]`,
    `      preconditions:`,
    `        all:`,
    `          - key: "{{ request.operation }}"`,
    `            operator: AnyIn`,
    `            value: [CREATE, UPDATE]`,
    `      verifyImages:`,
    `        - imageReferences:`,
    `            - "registry.acme.internal/${team}/*"`,
    `            - "ghcr.io/acme/${team}/*"`,
    `          skipImageReferences:`,
    `            - "registry.acme.internal/${team}/debug-shell:*"`,
    `          failureAction: Enforce`,
  ];
  marks.mutateDigest[i] = lines.length;
  lines.push(`          mutateDigest: true`);
  marks.verifyDigest[i] = lines.length;
  lines.push(`          verifyDigest: true`);
  marks.required[i] = lines.length;
  lines.push(`          required: true`);
  marks.blank[i] = lines.length;
  // What an editor leaves after pressing Enter inside the entry: the completion site.
  lines.push(`          `);
  lines.push(`          attestors:`);
  marks.count[i] = lines.length;
  lines.push(`            - count: 1`, `              entries:`);
  lines.push(...(i % 2 === 0 ? keysAttestor(16) : keylessAttestor(16, team)));
  if (i % 3 === 2) {
    lines.push(
      `          attestations:`,
      `            - type: https://slsa.dev/provenance/v1`,
      `              attestors:`,
      `                - entries:`,
      ...keylessAttestor(20, team),
      `              conditions:`,
      `                - all:`,
      `                    - key: "{{ buildDefinition.buildType }}"`,
      `                      operator: Equals`,
      `                      value: "https://actions.github.io/buildtypes/workflow/v1"`,
    );
  }
  return lines;
}

/**
 * A ClusterPolicy with `rules` verifyImages rules (about 40 lines each). Returns the text and, per rule,
 * the 0-based line numbers of notable keys (`mutateDigest`, `verifyDigest`, `required`, the blank
 * completion line, `count`).
 */
export function generatePolicy(rules = 50) {
  const marks = { mutateDigest: [], verifyDigest: [], required: [], blank: [], count: [] };
  const head = [
    'apiVersion: kyverno.io/v1',
    'kind: ClusterPolicy',
    'metadata:',
    '  name: verify-team-images',
    '  annotations:',
    '    policies.kyverno.io/title: Verify team images',
    '    policies.kyverno.io/category: Supply chain',
    'spec:',
    '  background: false',
    '  webhookConfiguration:',
    '    timeoutSeconds: 30',
    '  rules:',
  ];
  const lines = [...head];
  for (let i = 0; i < rules; i++) {
    const ruleMarks = { mutateDigest: [], verifyDigest: [], required: [], blank: [], count: [] };
    const body = rule(i, ruleMarks);
    for (const k of Object.keys(marks)) marks[k][i] = lines.length + ruleMarks[k][i];
    lines.push(...body);
  }
  return { text: lines.join('\n') + '\n', lines: lines.length, marks };
}

/** Replaces the text of one line. */
export function replaceLine(text, line, replace) {
  const lines = text.split('\n');
  lines[line] = replace(lines[line]);
  return lines.join('\n');
}

const digest = (i) => {
  let h = '';
  for (let k = 0; h.length < 64; k++) h += ((i * 2654435761 + k * 40503) >>> 0).toString(16).padStart(8, '0');
  return h.slice(0, 64);
};

function deployment(i, kind) {
  const name = `svc-${i}`;
  const ns = `team-${pad(i % 50)}`;
  const podSpec = [
    `      containers:`,
    `        - name: app`,
    `          image: registry.acme.internal/${ns}/${name}:1.${i % 20}.${i % 7}@sha256:${digest(i)}`,
    `          imagePullPolicy: IfNotPresent`,
    `          ports:`,
    `            - containerPort: 8080`,
    `              name: http`,
    `          env:`,
    `            - name: LOG_LEVEL`,
    `              value: info`,
    `            - name: POD_NAME`,
    `              valueFrom:`,
    `                fieldRef:`,
    `                  fieldPath: metadata.name`,
    `          resources:`,
    `            requests: {cpu: 100m, memory: 128Mi}`,
    `            limits: {memory: 256Mi}`,
    `          readinessProbe:`,
    `            httpGet: {path: /healthz, port: http}`,
    `        - name: proxy`,
    `          image: ghcr.io/acme/${ns}/envoy:v1.29.${i % 5}`,
    `          args: ["--config-path", "/etc/envoy/envoy.yaml"]`,
  ];
  const indent = (lines, n) => lines.map((l) => ' '.repeat(n) + l);
  if (kind === 'Pod') {
    return [
      'apiVersion: v1', 'kind: Pod', 'metadata:', `  name: ${name}`, `  namespace: ${ns}`, `  labels: {app: ${name}}`, 'spec:',
      ...podSpec.map((l) => l.slice(4)),
    ];
  }
  if (kind === 'CronJob') {
    return [
      'apiVersion: batch/v1', 'kind: CronJob', 'metadata:', `  name: ${name}`, `  namespace: ${ns}`, 'spec:', `  schedule: "*/15 * * * *"`,
      '  jobTemplate:', '    spec:', '      template:', '        spec:', '          restartPolicy: OnFailure', ...indent(podSpec, 4),
    ];
  }
  return [
    'apiVersion: apps/v1', `kind: ${kind}`, 'metadata:', `  name: ${name}`, `  namespace: ${ns}`, `  labels: {app: ${name}, tier: backend}`,
    'spec:', '  replicas: 2', '  selector:', `    matchLabels: {app: ${name}}`, '  template:', '    metadata:', `      labels: {app: ${name}}`,
    '    spec:', ...podSpec,
  ];
}

function service(i) {
  const name = `svc-${i}`;
  return [
    'apiVersion: v1', 'kind: Service', 'metadata:', `  name: ${name}`, `  namespace: team-${pad(i % 50)}`, 'spec:',
    `  selector: {app: ${name}}`, '  ports:', '    - name: http', '      port: 80', '      targetPort: http',
  ];
}

function configMap(i) {
  return [
    'apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: svc-${i}-config`, `  namespace: team-${pad(i % 50)}`, 'data:',
    '  envoy.yaml: |', '    static_resources:', '      listeners: []', `  feature-flags: "a,b,c-${i}"`,
  ];
}

/** Multi-document manifests (Deployments, StatefulSets, Pods, CronJobs, Services, ConfigMaps) of about `targetLines` lines. */
export function generateManifests(targetLines = 15_000) {
  const kinds = ['Deployment', 'StatefulSet', 'Pod', 'CronJob', 'DaemonSet'];
  const docs = [];
  let count = 0;
  for (let i = 0; count < targetLines; i++) {
    for (const doc of [deployment(i, kinds[i % kinds.length]), service(i), configMap(i)]) {
      docs.push(doc.join('\n'));
      count += doc.length + 1;
    }
  }
  const text = docs.join('\n---\n') + '\n';
  return { text, lines: text.split('\n').length - 1, documents: docs.length };
}

// ---------------------------------------------------------------------------------------------------
// The coverage workspace: many verification policies over the teams of `generateManifests`.

/**
 * `count` Kyverno verification policies (one file each) over the 50 teams of the manifests, in four
 * families so that coverage is decided by different parts of the rules:
 *   0. ClusterPolicy, Pods of one namespace (autogen reaches the controllers), the team's registry images;
 *      every tenth team's pattern names a legacy path instead, so its images stay uncovered;
 *   1. Policy in the team's namespace, Deployments/StatefulSets/DaemonSets, the team's envoy proxy;
 *   2. ClusterPolicy, Pods and CronJobs of a namespace wildcard, with skipImageReferences and excludes;
 *   3. decoys: Jobs in other namespaces, other registries (they match nothing of the manifests).
 * Attestors alternate between public keys and keyless identities.
 */
export function generateCoveragePolicies(count = 200) {
  const files = [];
  for (let i = 0; i < count; i++) {
    const t = i % 50;
    const team = `team-${pad(t)}`;
    const family = Math.floor(i / 50) % 4;
    const keyed = (i + family) % 2 === 0;
    const attestors = ['          attestors:', '            - count: 1', '              entries:', ...(keyed ? keysAttestor(16) : keylessAttestor(16, team))];
    let head;
    let match;
    let entry;
    if (family === 0) {
      head = policyHead('ClusterPolicy', `verify-registry-${team}`);
      match = matchBlock(['Pod'], [team]);
      const pattern = t % 10 === 7 ? `registry.acme.internal/${team}-legacy/*` : `registry.acme.internal/${team}/*`;
      entry = [`        - imageReferences:`, `            - "${pattern}"`];
      if (t % 4 === 0) entry.push(`          skipImageReferences:`, `            - "registry.acme.internal/${team}/svc-1*"`);
    } else if (family === 1) {
      head = policyHead('Policy', `verify-proxy-${team}`, team);
      match = matchBlock(['Deployment', 'StatefulSet', 'DaemonSet'], undefined);
      entry = [`        - imageReferences:`, `            - "ghcr.io/acme/${team}/envoy:*"`];
    } else if (family === 2) {
      const ns = `team-${Math.floor(t / 10)}*`;
      head = policyHead('ClusterPolicy', `verify-jobs-${team}`);
      match = [...matchBlock(['Pod', 'CronJob'], [ns]), '      exclude:', '        any:', '          - resources:', `              namespaces: [${team}-staging, kube-system]`];
      entry = [`        - imageReferences:`, t % 3 === 0 ? `            - "ghcr.io/acme/*"` : `            - "ghcr.io/acme/${team}/*"`, `          skipImageReferences:`, `            - "ghcr.io/acme/${team}/debug:*"`];
    } else {
      head = policyHead('ClusterPolicy', `verify-batch-${team}`, undefined, t % 2 === 0 ? 'Audit' : 'Enforce');
      match = matchBlock(['Job'], [`batch-${team}`]);
      entry = [`        - imageReferences:`, `            - "docker.io/acme/${team}/*"`, `            - "quay.io/acme/${team}/*"`];
    }
    const lines = [
      ...head,
      '  rules:',
      `    - name: verify-signatures`,
      ...match,
      '      verifyImages:',
      ...entry,
      ...(family === 3 ? [] : ['          failureAction: Enforce']),
      '          mutateDigest: true',
      '          verifyDigest: true',
      ...attestors,
    ];
    files.push({ name: `policy-${String(i).padStart(3, '0')}-${head[3].split(': ')[1]}.yaml`, text: lines.join('\n') + '\n' });
  }
  return files;
}

function policyHead(kind, name, namespace, specAction) {
  return [
    'apiVersion: kyverno.io/v1',
    `kind: ${kind}`,
    'metadata:',
    `  name: ${name}`,
    ...(namespace ? [`  namespace: ${namespace}`] : []),
    'spec:',
    '  background: false',
    ...(specAction ? [`  validationFailureAction: ${specAction}`] : []),
  ];
}

function matchBlock(kinds, namespaces) {
  return [
    '      match:',
    '        any:',
    '          - resources:',
    `              kinds: [${kinds.join(', ')}]`,
    ...(namespaces ? [`              namespaces: [${namespaces.join(', ')}]`] : []),
  ];
}

/**
 * A validate policy that allows only the internal registry in the team-4x namespaces: their ghcr.io proxy
 * images break it (the manifest's `image-registry-not-allowed` diagnostics).
 */
export function generateRegistryPolicy() {
  return [
    'apiVersion: kyverno.io/v1',
    'kind: ClusterPolicy',
    'metadata:',
    '  name: restrict-registries',
    'spec:',
    '  background: false',
    '  rules:',
    '    - name: internal-registry-only',
    '      match:',
    '        any:',
    '          - resources:',
    '              kinds: [Pod]',
    '              namespaces: ["team-4*"]',
    '      validate:',
    '        failureAction: Enforce',
    '        message: Images must come from registry.acme.internal.',
    '        pattern:',
    '          spec:',
    '            containers:',
    '              - image: "registry.acme.internal/*"',
    '',
  ].join('\n');
}

/** 0-based lines of the manifest's `image:` values, with the image and the column where it starts. */
export function imageSites(text) {
  const sites = [];
  text.split('\n').forEach((line, i) => {
    const m = /^(\s*image:\s*)(\S+)/.exec(line);
    if (m) sites.push({ line: i, character: m[1].length, image: m[2] });
  });
  return sites;
}
