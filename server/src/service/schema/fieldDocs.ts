// Our own documentation for policy fields, shown by hover and completion. The generated schemas carry no
// descriptions; these texts are written for this project (what the field does, its effective default,
// a pitfall, a small example). Keys are path patterns: `[]` for any sequence index, `*` for a free map key.
import type { PathStep } from '../document/cursor';

export type DocFamily = 'kyverno-policy' | 'image-validating-policy' | 'cluster-image-policy';

export interface FieldDoc {
  /** What the field does, in markdown. */
  text: string;
  /** The effective default, when it is not (only) the CRD's `default`. */
  default?: string;
  /** A short YAML example. */
  example?: string;
  /** Replacement advice for deprecated fields. */
  deprecated?: string;
  /** First Kyverno / controller release with the field. */
  since?: string;
}

type DocTable = Record<string, FieldDoc>;

const d = (text: string, extra: Omit<FieldDoc, 'text'> = {}): FieldDoc => ({ text, ...extra });

// ---------------------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------------------

const METADATA: DocTable = {
  apiVersion: d('API group and version of the object. Kubernetes picks the schema (and Kyverno the code path) from it.'),
  kind: d('Type of the object.'),
  metadata: d('Standard object metadata: name, namespace (namespaced kinds only), labels and annotations.'),
  'metadata.name': d('Name of the object; unique per kind (and per namespace for namespaced kinds). Kyverno rejects policy names longer than 63 characters.'),
  'metadata.namespace': d('Namespace of a namespaced object. A cluster-scoped policy must not set it.'),
  'metadata.labels': d('Free-form key/value labels used to select and organise objects.'),
  'metadata.annotations': d('Free-form key/value annotations. Kyverno reads a few of its own here, e.g. `pod-policies.kyverno.io/autogen-controllers` to control which pod controllers get generated rules.'),
  spec: d('The policy itself.'),
  status: d('Written by the controller (readiness, autogen rules, conditions). Leave it out of the files you apply.'),
};

const SELECTOR: DocTable = {
  '': d('Label selector: `matchLabels` and `matchExpressions` must all hold. An empty selector selects everything.'),
  matchLabels: d('Labels that must all be present with exactly these values.', { example: 'matchLabels:\n  team: payments' }),
  matchExpressions: d('Set-based requirements that must all hold: `key`, `operator` (`In`, `NotIn`, `Exists`, `DoesNotExist`) and `values`.'),
  'matchExpressions[]': d('One requirement on a label.'),
  'matchExpressions[].key': d('The label key the requirement is about.'),
  'matchExpressions[].operator': d('How the label is compared: `In`, `NotIn`, `Exists` or `DoesNotExist`.'),
  'matchExpressions[].values': d('Values for `In`/`NotIn`; must be empty for `Exists`/`DoesNotExist`.'),
};

function prefixed(prefix: string, table: DocTable): DocTable {
  const out: DocTable = {};
  for (const [k, v] of Object.entries(table)) out[k === '' ? prefix : k.startsWith('[') ? prefix + k : `${prefix}.${k}`] = v;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Kyverno ClusterPolicy / Policy (kyverno.io/v1, v2beta1)
// ---------------------------------------------------------------------------------------------------------

const V = 'spec.rules[].verifyImages[]';
const A = `${V}.attestors[]`;
const E = `${A}.entries[]`;
const AT = `${V}.attestations[]`;

const REKOR: DocTable = {
  rekor: d('Transparency-log (Rekor) settings for this attestor. When the block is left out, signatures must appear in the public Rekor instance at `https://rekor.sigstore.dev`.', {
    default: 'public Rekor, log entry required',
    example: 'rekor:\n  url: https://rekor.example.internal',
  }),
  'rekor.url': d('Address of the Rekor transparency log used to look up the signature entry. Needed for a private sigstore deployment. Note: for `keyless`, an empty `rekor: {}` is rejected — give a URL or leave the block out.', {
    default: 'https://rekor.sigstore.dev (when `rekor` is omitted)',
    example: 'url: https://rekor.sigstore.dev',
  }),
  'rekor.pubkey': d('PEM public key of the Rekor instance, for a private log whose key is not in the public sigstore trust root.'),
  'rekor.ignoreTlog': d('Skip the transparency-log check. Useful for keys that sign offline (`cosign sign --tlog-upload=false`), but it removes the public record that a signature existed: a stolen key can sign silently.', {
    default: 'false',
  }),
  ctlog: d('Certificate-transparency settings. When the block is left out, the signing certificate must carry a valid SCT from the public CT log.', {
    default: 'SCT required',
  }),
  'ctlog.ignoreSCT': d('Do not require a signed certificate timestamp (SCT) in the signing certificate. Only for private Fulcio instances without a CT log; weakens keyless verification.', {
    default: 'false',
  }),
  'ctlog.pubkey': d('PEM public key of a private certificate-transparency log.'),
  'ctlog.tsaCertChain': d('PEM certificate chain of an RFC 3161 timestamp authority; lets Kyverno trust signatures whose time comes from that TSA.', { since: 'Kyverno 1.13' }),
};

const ATTESTOR_SET: DocTable = {
  '': d('A group of attestors. By default every entry must verify (AND); set `count` to require only some of them.', {
    example: 'attestors:\n  - count: 1\n    entries:\n      - keys:\n          publicKeys: |-\n            -----BEGIN PUBLIC KEY-----\n            ...\n            -----END PUBLIC KEY-----',
  }),
  count: d('How many entries of this set must verify. Left out, all of them must (AND); `1` turns the set into an OR. Must be between 1 and the number of entries — it is compared with the entries as written, so one `keys` entry holding two PEM keys still counts as one.', {
    default: 'all entries',
    example: 'count: 1',
  }),
  entries: d('The attestors of the set. Each entry holds exactly one of `keys`, `certificates`, `keyless` or a nested `attestor`.'),
  'entries[]': d('One attestor: exactly one of `keys`, `certificates`, `keyless` or `attestor`, plus optional `annotations`, `repository` and `signatureAlgorithm`.'),
  'entries[].keys': d('Verify with a public key you control (a `cosign.pub` key, a KMS key or a Secret). Give exactly one of `publicKeys`, `kms` or `secret`.', {
    example: 'keys:\n  publicKeys: |-\n    -----BEGIN PUBLIC KEY-----\n    ...\n    -----END PUBLIC KEY-----',
  }),
  'entries[].keys.publicKeys': d('One or more PEM public keys (each block becomes its own attestor at run time), or a reference Kyverno hands to cosign: `k8s://<namespace>/<secret>`, `awskms://…`, `gcpkms://…`, `azurekms://…`, `hashivault://…`, or a `{{ variable }}`. Keys are not checked when the policy is applied: a broken PEM only fails at verification time.', {
    example: 'publicKeys: |-\n  -----BEGIN PUBLIC KEY-----\n  MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE...\n  -----END PUBLIC KEY-----',
  }),
  'entries[].keys.kms': d('URI of a key held in a KMS, in cosign syntax (`awskms:///arn…`, `gcpkms://projects/…`, `azurekms://…`, `hashivault://…`). Kyverno needs credentials for that KMS.', {
    since: 'Kyverno 1.9',
    example: 'kms: gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k',
  }),
  'entries[].keys.secret': d('A Kubernetes Secret holding the public key under the data key `cosign.pub`. Kyverno must be allowed to read it.', {
    since: 'Kyverno 1.9',
    example: 'secret:\n  name: cosign-public-key\n  namespace: kyverno',
  }),
  'entries[].keys.secret.name': d('Name of the Secret with the `cosign.pub` data key.'),
  'entries[].keys.secret.namespace': d('Namespace of the Secret.'),
  'entries[].keys.signatureAlgorithm': d('Hash algorithm of the signature (`sha224`, `sha256`, `sha384`, `sha512`). Because the CRD fills in `sha256` here, this value wins over the entry-level `signatureAlgorithm` for key attestors.', {
    deprecated: 'Since Kyverno 1.13: set `signatureAlgorithm` on the attestor entry instead.',
  }),
  'entries[].certificates': d('Verify with a certificate (and optional chain) you provide, instead of a bare key. Also the only attestor kind `type: Notary` accepts.', {
    example: 'certificates:\n  cert: |-\n    -----BEGIN CERTIFICATE-----\n    ...\n    -----END CERTIFICATE-----',
  }),
  'entries[].certificates.cert': d('PEM certificate whose key signed the image. Give `cert`, `certChain` or both. Not parsed when the policy is applied; an expired or malformed certificate only fails at verification time.'),
  'entries[].certificates.certChain': d('PEM chain (intermediates, then root) that the signing certificate must chain up to. At most 11 certificates.'),
  'entries[].keyless': d('Keyless (Fulcio) verification: the image is signed with a short-lived certificate bound to an OIDC identity. Always pin the identity with `subject` (or `subjectRegExp`) and `issuer`; without them any identity that can get a Fulcio certificate passes.', {
    example: 'keyless:\n  subject: https://github.com/my-org/my-repo/.github/workflows/release.yaml@refs/heads/main\n  issuer: https://token.actions.githubusercontent.com\n  rekor:\n    url: https://rekor.sigstore.dev',
  }),
  'entries[].keyless.subject': d('Identity that must appear in the signing certificate (an e-mail, a workflow URL, a SPIFFE id). Compared with a wildcard pattern: `*` matches any characters and `?` one character; everything else is literal and case-sensitive.', {
    example: 'subject: https://github.com/my-org/*/.github/workflows/*@refs/tags/*',
  }),
  'entries[].keyless.issuer': d('OIDC issuer that must have vouched for the identity, e.g. `https://token.actions.githubusercontent.com` for GitHub Actions or `https://accounts.google.com`. Same wildcard matching as `subject`.', {
    example: 'issuer: https://token.actions.githubusercontent.com',
  }),
  'entries[].keyless.subjectRegExp': d('Regular expression (Go RE2) for the identity, as an alternative to `subject`: with both set, a certificate passes when either matches one of its SANs (under `type: SigstoreBundle` both must match). It is not anchored: add `^` and `$`, or `evil.com/my-org` matches `my-org` too.', {
    since: 'Kyverno 1.13',
    example: "subjectRegExp: '^https://github\\.com/my-org/.+@refs/heads/main$'",
  }),
  'entries[].keyless.issuerRegExp': d('Regular expression (Go RE2) for the OIDC issuer. With `issuer` also set, both must match. Not anchored: add `^` and `$`.', {
    since: 'Kyverno 1.13',
  }),
  'entries[].keyless.roots': d('PEM root certificates to trust instead of the public sigstore (Fulcio) roots, for a private Fulcio. A keyless attestor needs either `roots` or a `rekor` block.'),
  'entries[].keyless.additionalExtensions': d('Extra certificate extensions (OID name → expected value) that must match, with the same wildcards as `subject`. Useful to pin e.g. the GitHub workflow ref or repository.', {
    example: 'additionalExtensions:\n  githubWorkflowRepository: my-org/my-repo',
  }),
  'entries[].attestor': d('A nested attestor set (`count` and `entries`) used as a single entry, to express "A and (B or C)".', {
    example: 'attestor:\n  count: 1\n  entries:\n    - keys: {publicKeys: "k8s://kyverno/key-b"}\n    - keys: {publicKeys: "k8s://kyverno/key-c"}',
  }),
  'entries[].annotations': d('Key/value pairs that must all be present in the signature payload (the `-a key=value` annotations given to `cosign sign`).', {
    example: 'annotations:\n  env: prod',
  }),
  'entries[].repository': d('Look for this attestor\'s signatures in another OCI repository instead of next to the image (cosign `COSIGN_REPOSITORY`).', {
    example: 'repository: registry.example.com/signatures',
  }),
  'entries[].signatureAlgorithm': d('Hash algorithm of the signature: `sha224`, `sha256`, `sha384` or `sha512`.', { since: 'Kyverno 1.13' }),
};

const CONDITION: DocTable = {
  '': d('A condition on the attestation statement; JMESPath in `key`/`value` reads the predicate.'),
  key: d('Left-hand side, usually a JMESPath expression over the predicate such as `{{ builder.id }}`.', { example: "key: '{{ buildType }}'" }),
  operator: d('How `key` and `value` are compared (`Equals`, `NotEquals`, `AnyIn`, `AllIn`, `AnyNotIn`, `AllNotIn`, `GreaterThan`, `Duration…`). `In`/`NotIn` still work but are deprecated.'),
  value: d('Right-hand side of the comparison: a literal, a list or a JMESPath expression.'),
  message: d('Text reported when this condition fails.'),
};

const KYVERNO: DocTable = {
  ...METADATA,
  apiVersion: d('`kyverno.io/v1` (stored version) or `kyverno.io/v2beta1` (served, same verifyImages fields minus the deprecated ones). Since Kyverno 1.19 every ClusterPolicy/Policy create or update gets a deprecation warning recommending `ImageValidatingPolicy`.'),
  kind: d('`ClusterPolicy` (cluster-wide) or `Policy` (applies to its own namespace only).'),
  spec: d('Policy settings and its rules.'),
  'spec.rules': d('The rules of the policy. Each rule has a `name`, a `match` block and exactly one action: `validate`, `mutate`, `generate` or `verifyImages`.'),
  'spec.rules[]': d('One rule: `name`, `match` (and optionally `exclude`) and a single action.'),
  'spec.background': d('Also evaluate existing resources in periodic background scans and report the results. Background mode forbids user-information variables and `roles`/`clusterRoles`/`subjects` in `match`.', {
    example: 'background: false',
  }),
  'spec.admission': d('Evaluate the policy when resources are created or updated. Turning it off is only allowed for plain `validate` policies — a verifyImages rule needs admission.'),
  'spec.validationFailureAction': d('What a failed validation does: `Enforce` blocks the request, `Audit` only reports. Pitfall: with the default `Audit`, a verifyImages entry must set `mutateDigest: false`, otherwise the policy is rejected. Lowercase `audit`/`enforce` are accepted with a warning.', {
    default: 'Audit',
    deprecated: 'Since Kyverno 1.13: set `failureAction` on each verifyImages entry (or `validate.failureAction`).',
    example: 'validationFailureAction: Enforce',
  }),
  'spec.validationFailureActionOverrides': d('Per-namespace exceptions to `validationFailureAction`, e.g. enforce everywhere but audit in `dev`. ClusterPolicy only.', {
    deprecated: 'Since Kyverno 1.13: use `failureActionOverrides` on the rule\'s validate block.',
    example: 'validationFailureActionOverrides:\n  - action: Audit\n    namespaces: [dev-*]',
  }),
  'spec.validationFailureActionOverrides[]': d('One override: an `action` and the namespaces it applies to.'),
  'spec.validationFailureActionOverrides[].action': d('Action for the selected namespaces: `Enforce` or `Audit`.'),
  'spec.validationFailureActionOverrides[].namespaces': d('Namespace names, wildcards allowed (`dev-*`).'),
  'spec.validationFailureActionOverrides[].namespaceSelector': d('Selects namespaces by label instead of by name.'),
  ...prefixed('spec.validationFailureActionOverrides[].namespaceSelector', SELECTOR),
  'spec.failurePolicy': d('What the API server does when Kyverno cannot be reached: `Fail` rejects the request, `Ignore` lets it through unchecked. With `Ignore`, an outage silently admits unsigned images.', {
    default: 'Fail',
    deprecated: 'Since Kyverno 1.13: use `webhookConfiguration.failurePolicy`.',
  }),
  'spec.webhookTimeoutSeconds': d('How long the API server waits for Kyverno, 1–30 seconds. Image verification calls registries, so give it some room.', {
    default: '10',
    deprecated: 'Since Kyverno 1.13: use `webhookConfiguration.timeoutSeconds`.',
  }),
  'spec.webhookConfiguration': d('Settings of the admission webhook Kyverno registers for this policy.', {
    example: 'webhookConfiguration:\n  failurePolicy: Fail\n  timeoutSeconds: 15',
  }),
  'spec.webhookConfiguration.failurePolicy': d('`Fail` rejects requests when Kyverno is unreachable or times out; `Ignore` admits them unchecked.', { default: 'Fail' }),
  'spec.webhookConfiguration.timeoutSeconds': d('Seconds the API server waits for the webhook, 1–30.', { default: '10' }),
  'spec.webhookConfiguration.matchConditions': d('CEL conditions the API server evaluates before calling Kyverno; requests that fail them skip the webhook entirely. Needs Kubernetes 1.27+.'),
  'spec.webhookConfiguration.matchConditions[]': d('One condition: a `name` and a CEL `expression`.'),
  'spec.webhookConfiguration.matchConditions[].name': d('Unique name of the condition.'),
  'spec.webhookConfiguration.matchConditions[].expression': d('CEL expression returning a boolean, over `request`, `object`, `oldObject` and `authorizer`.', {
    example: "expression: \"!(request.userInfo.username == 'system:serviceaccount:ci:deployer')\"",
  }),
  'spec.emitWarning': d('Return the policy result to the client as an admission warning (visible in `kubectl` output).', { default: 'false' }),
  'spec.applyRules': d('`All` applies every matching rule; `One` stops after the first rule that applies.', { default: 'All' }),
  'spec.generateExisting': d('For generate rules: also create the generated resources for objects that already exist. Not used by verifyImages.'),
  'spec.generateExistingOnPolicyUpdate': d('Older name of `generateExisting`; not used by verifyImages.', { deprecated: 'Use `generateExisting`.' }),
  'spec.mutateExistingOnPolicyUpdate': d('For mutate rules that target existing resources: re-apply them when the policy changes. Not used by verifyImages.'),
  'spec.schemaValidation': d('Historical switch for policy schema checks; it has no effect in current Kyverno releases.', { deprecated: 'No effect since Kyverno 1.11; remove it.' }),
  'spec.useServerSideApply': d('For generate/mutate-existing rules: write resources with server-side apply. Not used by verifyImages.'),

  'spec.rules[].name': d('Name of the rule, unique within the policy, at most 63 characters. It shows up in reports and error messages.', { example: 'name: verify-signatures' }),
  'spec.rules[].match': d('Which requests the rule applies to: `any` (one block must match) or `all` (every block must match), each with `resources` (`kinds`, `namespaces`, selectors…). A verifyImages rule may not use `kinds: ["*"]`.', {
    example: 'match:\n  any:\n    - resources:\n        kinds: [Pod]',
  }),
  'spec.rules[].match.any': d('The rule applies when at least one of these blocks matches.'),
  'spec.rules[].match.all': d('The rule applies only when every one of these blocks matches.'),
  'spec.rules[].match.resources': d('Resource filter written directly under `match` (v1 only). Prefer `any`/`all`; it cannot be combined with them.'),
  'spec.rules[].match.resources.kinds': d('Kinds to match (`Pod`, `apps/v1/Deployment`, `batch/*/CronJob`). A rule matching only `Pod` also gets generated rules for pod controllers (Deployment, Job, CronJob …).', { example: 'kinds: [Pod]' }),
  'spec.rules[].match.resources.name': d('A single resource name (wildcards allowed). Cannot be combined with `names`.'),
  'spec.rules[].match.resources.names': d('Resource names (wildcards allowed).'),
  'spec.rules[].match.resources.namespaces': d('Namespaces (wildcards allowed). Not allowed in a namespaced `Policy`.'),
  'spec.rules[].match.resources.operations': d('Admission operations to match: `CREATE`, `UPDATE`, `DELETE`, `CONNECT`.', { default: 'CREATE and UPDATE' }),
  'spec.rules[].match.resources.annotations': d('Annotations the resource must carry (wildcards allowed in values).'),
  'spec.rules[].match.resources.selector': d('Label selector on the resource.'),
  ...prefixed('spec.rules[].match.resources.selector', SELECTOR),
  'spec.rules[].match.resources.namespaceSelector': d('Label selector on the resource\'s namespace.'),
  ...prefixed('spec.rules[].match.resources.namespaceSelector', SELECTOR),
  'spec.rules[].match.subjects': d('Users, groups or service accounts that made the request. Not allowed with `background: true`.'),
  'spec.rules[].match.roles': d('Namespaced roles of the requesting user. Not allowed with `background: true`.'),
  'spec.rules[].match.clusterRoles': d('Cluster roles of the requesting user. Not allowed with `background: true`.'),
  'spec.rules[].exclude': d('Requests to leave out even though `match` selects them; same shape as `match`. Handy to exempt system namespaces.', {
    example: 'exclude:\n  any:\n    - resources:\n        namespaces: [kube-system]',
  }),
  'spec.rules[].imageExtractors': d('Where to find image references in kinds Kyverno does not know (Pods and the built-in controllers are covered already). Keyed by kind; configuring a kind replaces its built-in extraction. Only valid on a verifyImages rule, and not copied into generated controller rules.', {
    example: 'imageExtractors:\n  TaskRun:\n    - name: taskruns\n      path: /spec/taskRef\n      value: bundle\n      key: name',
  }),
  'spec.rules[].imageExtractors.*': d('Extractors for one kind.'),
  'spec.rules[].imageExtractors.*[]': d('One extractor: `path` to the objects holding images, and how to read them.'),
  'spec.rules[].imageExtractors.*[].path': d('Slash-separated path to the field (or to the objects that hold it); `*` walks every element of a list or map.', { example: 'path: /spec/containers/*/image' }),
  'spec.rules[].imageExtractors.*[].value': d('Field under `path` that holds the image; when empty the last segment of `path` is the image.'),
  'spec.rules[].imageExtractors.*[].name': d('Name under `images.` in the rule context.', { default: 'custom' }),
  'spec.rules[].imageExtractors.*[].key': d('Field used to name each extracted image; must be unique.', { default: 'the JSON pointer of the image' }),
  'spec.rules[].imageExtractors.*[].jmesPath': d('JMESPath applied to the extracted string, e.g. `trim_prefix(@, \'docker://\')`. Cannot be used while any entry has `mutateDigest: true` (the default).'),
  'spec.rules[].context': d('Variables made available to the rule (ConfigMaps, API calls, image registry data, plain values).'),
  'spec.rules[].preconditions': d('Conditions on the request that must hold before the rule runs.'),
  'spec.rules[].celPreconditions': d('CEL expressions that must hold before the rule runs.'),
  'spec.rules[].validate': d('A validation rule (pattern, deny, CEL…). A rule holds only one action, so put image verification in a separate rule.'),
  'spec.rules[].mutate': d('A mutation rule. A rule holds only one action.'),
  'spec.rules[].generate': d('A generation rule. A rule holds only one action.'),
  'spec.rules[].skipBackgroundRequests': d('Skip requests made by Kyverno\'s own background controllers.', { default: 'true' }),
  'spec.rules[].reportProperties': d('Extra key/value pairs copied into policy reports for this rule.'),

  'spec.rules[].verifyImages': d('Checks that container images carry valid signatures or attestations before a resource is admitted. Each entry picks images with `imageReferences` and says who must have signed them in `attestors`.', {
    example: 'verifyImages:\n  - imageReferences: ["ghcr.io/my-org/*"]\n    failureAction: Enforce\n    attestors:\n      - entries:\n          - keyless:\n              subject: https://github.com/my-org/*\n              issuer: https://token.actions.githubusercontent.com\n              rekor: {url: https://rekor.sigstore.dev}',
  }),
  [V]: d('One verification: which images (`imageReferences`), who must have signed them (`attestors`), which attestations must exist (`attestations`), and what to do on failure.'),
  [`${V}.imageReferences`]: d('Wildcard patterns selecting the images to verify. Images are normalised first (`nginx` becomes `docker.io/nginx:latest`, a digest replaces the tag), then compared with the whole pattern: `*` matches anything, including `/`, and `?` exactly one character. Required in practice. Variables are not allowed here.', {
    since: 'Kyverno 1.7',
    example: 'imageReferences:\n  - "ghcr.io/my-org/*"',
  }),
  [`${V}.skipImageReferences`]: d('Patterns (same syntax as `imageReferences`) for images to leave out, e.g. public base images you did not sign. Skipped images pass with an admission warning.', {
    since: 'Kyverno 1.12',
    example: 'skipImageReferences:\n  - "ghcr.io/my-org/experimental/*"',
  }),
  [`${V}.type`]: d('Signature format: `Cosign` (cosign signatures and attestations), `SigstoreBundle` (sigstore bundles) or `Notary` (Notation signatures; only `certificates` attestors).', {
    default: 'Cosign',
    example: 'type: Cosign',
  }),
  [`${V}.failureAction`]: d('What a failed verification does for this entry: `Enforce` blocks the resource, `Audit` admits it and reports. Overrides `spec.validationFailureAction`. Pitfall: `Audit` requires `mutateDigest: false`, or the policy is rejected.', {
    default: 'spec.validationFailureAction (Audit)',
    since: 'Kyverno 1.13',
    example: 'failureAction: Enforce',
  }),
  [`${V}.attestors`]: d('Who must have signed the image. Every set in the list must pass (AND); inside a set, `count` decides how many entries are needed.', {
    since: 'Kyverno 1.7',
  }),
  ...prefixed(`${V}.attestors[]`, ATTESTOR_SET),
  ...prefixed(`${E}.keys`, REKOR),
  [`${V}.attestations`]: d('In-toto attestations (SBOM, SLSA provenance, vulnerability scans…) the image must carry, optionally with conditions on their content.', {
    example: 'attestations:\n  - type: https://slsa.dev/provenance/v0.2\n    attestors:\n      - entries:\n          - keys:\n              publicKeys: "k8s://kyverno/cosign-key"\n    conditions:\n      - all:\n          - key: "{{ builder.id }}"\n            operator: Equals\n            value: https://github.com/my-org/builder',
  }),
  [AT]: d('One required attestation: its predicate `type`, who must have signed it and conditions on its content.'),
  [`${AT}.type`]: d('Predicate type URI of the attestation, e.g. `https://slsa.dev/provenance/v1`, `https://spdx.dev/Document`, `https://cosign.sigstore.dev/attestation/vuln/v1`.', {
    since: 'Kyverno 1.11',
  }),
  [`${AT}.predicateType`]: d('Predicate type URI of the attestation.', { deprecated: 'Since Kyverno 1.11: use `type`.' }),
  [`${AT}.name`]: d('Name under which the attestation\'s statements are available to `validate.deny` conditions.', { since: 'Kyverno 1.13' }),
  [`${AT}.attestors`]: d('Who must have signed the attestation; same shape as the entry-level `attestors`. If empty, Kyverno falls back to keyless verification with no identity constraint — set it explicitly.'),
  [`${AT}.conditions`]: d('Checks on the attestation content. Each block holds `any` or `all` lists of conditions.'),
  [`${AT}.conditions[]`]: d('A group of conditions: `any` (one must hold) and/or `all` (every one must hold).'),
  [`${AT}.conditions[].all`]: d('Conditions that must all hold.'),
  [`${AT}.conditions[].any`]: d('Conditions of which at least one must hold.'),
  ...prefixed(`${AT}.conditions[].all[]`, CONDITION),
  [`${V}.repository`]: d('Look for signatures and attestations in this OCI repository instead of next to the image.', {
    example: 'repository: registry.example.com/signatures',
  }),
  [`${V}.mutateDigest`]: d('Rewrite image tags to the verified digest (`nginx:1.25` → `docker.io/nginx:1.25@sha256:…`) so the node runs exactly what was verified. Must be `false` when the entry\'s failure action is `Audit`.', {
    since: 'Kyverno 1.7',
    example: 'mutateDigest: false',
  }),
  [`${V}.verifyDigest`]: d('Reject images that are not pinned by digest when the resource is validated.', { since: 'Kyverno 1.7' }),
  [`${V}.required`]: d('Reject resources whose images have not been verified by this policy (checks Kyverno\'s verification annotation). Turning it off lets images through when verification did not run.', {
    since: 'Kyverno 1.7',
  }),
  [`${V}.useCache`]: d('Cache successful verification results so repeated admissions of the same image do not call the registry again.', { since: 'Kyverno 1.11' }),
  [`${V}.imageRegistryCredentials`]: d('How Kyverno authenticates to registries when fetching signatures for this entry.', {
    since: 'Kyverno 1.11',
    example: 'imageRegistryCredentials:\n  providers: [default, google]\n  secrets: [regcred]',
  }),
  [`${V}.imageRegistryCredentials.allowInsecureRegistry`]: d('Allow plain-HTTP or self-signed registries. Only for test setups.', { default: 'false' }),
  [`${V}.imageRegistryCredentials.providers`]: d('Cloud credential helpers to use: `default`, `amazon`, `azure`, `google`, `github`.'),
  [`${V}.imageRegistryCredentials.secrets`]: d('Image pull secrets: `name` (in Kyverno\'s namespace) or `namespace/name`.'),
  [`${V}.validate`]: d('A check across the fetched attestations (referenced by their `name`), run after verification.', { since: 'Kyverno 1.13' }),
  [`${V}.validate.message`]: d('Message reported when `deny` matches.'),
  [`${V}.validate.deny`]: d('Deny when these conditions hold.'),
  [`${V}.validate.deny.conditions`]: d('`any`/`all` lists of conditions (`key`, `operator`, `value`) over the attestations\' statements.'),
  [`${V}.cosignOCI11`]: d('Look up signatures through the OCI 1.1 referrers API instead of cosign\'s `sha256-<digest>.sig` tags. Use when images were signed with `cosign sign --registry-referrers-mode=oci-1-1`. v1 only.', {
    default: 'false',
    since: 'Kyverno 1.13',
  }),
  [`${V}.image`]: d('Single image pattern from the first verifyImages format.', { deprecated: 'Since Kyverno 1.7: use `imageReferences`.' }),
  [`${V}.key`]: d('Single public key from the first verifyImages format.', { deprecated: 'Since Kyverno 1.7: use `attestors[].entries[].keys.publicKeys`.' }),
  [`${V}.subject`]: d('Keyless subject from the first verifyImages format.', { deprecated: 'Since Kyverno 1.7: use `attestors[].entries[].keyless.subject`.' }),
  [`${V}.issuer`]: d('Keyless issuer from the first verifyImages format.', { deprecated: 'Since Kyverno 1.7: use `attestors[].entries[].keyless.issuer`.' }),
  [`${V}.roots`]: d('Keyless root certificates from the first verifyImages format.', { deprecated: 'Since Kyverno 1.7: use `attestors[].entries[].keyless.roots`.' }),
  [`${V}.annotations`]: d('Signature annotations from the first verifyImages format.', { deprecated: 'Since Kyverno 1.7: use `attestors[].entries[].annotations`.' }),
  [`${V}.additionalExtensions`]: d('Keyless certificate extensions from the first verifyImages format.', { deprecated: 'Since Kyverno 1.7: use `attestors[].entries[].keyless.additionalExtensions`.' }),
};

// ---------------------------------------------------------------------------------------------------------
// Kyverno ImageValidatingPolicy (policies.kyverno.io)
// ---------------------------------------------------------------------------------------------------------

const C = 'spec.attestors[].cosign';
const VALUE_OR_EXPR = (what: string): DocTable => ({
  '': d(`${what}: give either \`value\` (the PEM text) or \`expression\` (CEL that returns it).`),
  value: d(`${what} as PEM text.`),
  expression: d(`CEL expression returning ${what.toLowerCase()} as PEM text.`),
});
const RESOURCE_RULE: DocTable = {
  '': d('Matches requests by API group, version, resource and operation.'),
  apiGroups: d('API groups, `""` for the core group, `*` for all.'),
  apiVersions: d('API versions, `*` for all.'),
  operations: d('`CREATE`, `UPDATE`, `DELETE`, `CONNECT` or `*`.'),
  resources: d('Resource names in plural, e.g. `pods`, `deployments`, `pods/ephemeralcontainers`.'),
  resourceNames: d('Restrict to objects with these names.'),
  scope: d('`Cluster`, `Namespaced` or `*`.'),
};

const IVP: DocTable = {
  ...METADATA,
  apiVersion: d('`policies.kyverno.io/v1` (current), `v1beta1` (stored) or `v1alpha1` (deprecated).'),
  kind: d('`ImageValidatingPolicy` (cluster-wide) or `NamespacedImageValidatingPolicy` (its own namespace only).'),
  spec: d('Image verification written with CEL: what to match, the attestors, and CEL validations that call `verifyImageSignatures(...)`. Needs `attestors` and `validations`.'),
  'spec.matchConstraints': d('Which requests the policy sees, like a ValidatingAdmissionPolicy: `resourceRules` (at least one is required), selectors and exclusions.', {
    example: 'matchConstraints:\n  resourceRules:\n    - apiGroups: [""]\n      apiVersions: [v1]\n      operations: [CREATE, UPDATE]\n      resources: [pods]',
  }),
  'spec.matchConstraints.resourceRules': d('Requests to intercept. At least one rule is required.'),
  ...prefixed('spec.matchConstraints.resourceRules[]', RESOURCE_RULE),
  'spec.matchConstraints.excludeResourceRules': d('Requests to leave out even though `resourceRules` match them.'),
  'spec.matchConstraints.namespaceSelector': d('Only objects in namespaces with matching labels.'),
  ...prefixed('spec.matchConstraints.namespaceSelector', SELECTOR),
  'spec.matchConstraints.objectSelector': d('Only objects whose own labels match.'),
  ...prefixed('spec.matchConstraints.objectSelector', SELECTOR),
  'spec.matchConstraints.matchPolicy': d('`Equivalent` also matches the same resource requested through another API version; `Exact` does not.', { default: 'Equivalent' }),
  'spec.matchConditions': d('CEL conditions that must all be true for the policy to run.'),
  'spec.matchConditions[]': d('One condition: a `name` and a boolean CEL `expression`.'),
  'spec.matchConditions[].name': d('Unique name of the condition.'),
  'spec.matchConditions[].expression': d('CEL expression returning a boolean.'),
  'spec.failurePolicy': d('What happens when the policy cannot be evaluated (Kyverno down, CEL error): `Fail` rejects, `Ignore` admits.', { default: 'Fail' }),
  'spec.validationActions': d('What a failed validation does: `Deny` rejects the request, `Warn` returns a warning, `Audit` records it in reports. `Deny` and `Warn` cannot be combined.', {
    default: '[Deny]',
    example: 'validationActions: [Deny]',
  }),
  'spec.variables': d('Named CEL expressions, usable as `variables.<name>` in validations.'),
  'spec.variables[]': d('One variable: `name` and CEL `expression`.'),
  'spec.variables[].name': d('Name of the variable.'),
  'spec.variables[].expression': d('CEL expression computing the variable.'),
  'spec.auditAnnotations': d('Annotations added to the audit event when the policy runs.'),
  'spec.auditAnnotations[]': d('One annotation: `key` and a CEL `valueExpression`.'),
  'spec.auditAnnotations[].key': d('Annotation key.'),
  'spec.auditAnnotations[].valueExpression': d('CEL expression producing the annotation value.'),
  'spec.matchImageReferences': d('Which images the policy verifies, as `glob` patterns or CEL `expression`s. The glob is compared with the image exactly as written in the pod (no `docker.io/` or `:latest` added), `*` crosses `/`. Without entries every image matches.', {
    example: 'matchImageReferences:\n  - glob: "ghcr.io/my-org/*"',
  }),
  'spec.matchImageReferences[]': d('One image matcher: a `glob` or an `expression`.'),
  'spec.matchImageReferences[].glob': d('Glob over the raw image string: `*` any characters (including `/`), `?` one character, `[a-z]` and `{a,b}` alternatives. `nginx:1.25` is matched as written, so `docker.io/*` does not match it.', { example: 'glob: "ghcr.io/my-org/*"' }),
  'spec.matchImageReferences[].expression': d('CEL over the variable `ref` (the image string) returning a boolean.', { example: "expression: \"ref.startsWith('ghcr.io/my-org/')\"" }),
  'spec.images': d('Extra image lists extracted with CEL, for objects Kyverno does not extract images from.'),
  'spec.images[]': d('One extractor: `name` (available as `images.<name>`) and a CEL `expression` returning a list of strings.'),
  'spec.images[].name': d('Name of the extracted list.'),
  'spec.images[].expression': d('CEL expression returning the list of image strings.'),
  'spec.attestors': d('The named trust anchors (cosign keys, keyless identities, certificates, Notary certificates) the validations refer to as `attestors.<name>`.', {
    example: 'attestors:\n  - name: cosign\n    cosign:\n      key:\n        data: |-\n          -----BEGIN PUBLIC KEY-----\n          ...\n          -----END PUBLIC KEY-----',
  }),
  'spec.attestors[]': d('One attestor: a `name` and exactly one of `cosign` or `notary`.'),
  'spec.attestors[].name': d('Name used in CEL as `attestors.<name>`.'),
  'spec.attestors[].cosign': d('Cosign verification settings: one of `key`, `keyless` or `certificate`, plus transparency-log and trust-root options.'),
  [`${C}.key`]: d('Verify with a public key: inline PEM `data`, a `kms` URI or a CEL `expression`.'),
  [`${C}.key.data`]: d('PEM public key. Must be PEM — key references like `k8s://` are not accepted here.'),
  [`${C}.key.kms`]: d('KMS key URI in cosign syntax (`awskms://`, `gcpkms://`, `azurekms://`, `hashivault://`).'),
  [`${C}.key.expression`]: d('CEL expression returning the PEM key.'),
  [`${C}.key.hashAlgorithm`]: d('Signature hash: `sha224`, `sha256`, `sha384`, `sha512`.', { default: 'sha256' }),
  [`${C}.keyless`]: d('Keyless verification against Fulcio certificates; `identities` is required.'),
  [`${C}.keyless.identities`]: d('Accepted signer identities; one matching identity is enough. Unlike ClusterPolicy, `subject` and `issuer` here are exact strings — use the `RegExp` variants for patterns.', {
    example: 'identities:\n  - issuer: https://token.actions.githubusercontent.com\n    subjectRegExp: "^https://github\\\\.com/my-org/.*$"',
  }),
  [`${C}.keyless.identities[]`]: d('One accepted identity.'),
  [`${C}.keyless.identities[].subject`]: d('Exact certificate identity (no wildcards). Ignored when `subjectRegExp` is also set: cosign then matches with the regexp alone.'),
  [`${C}.keyless.identities[].issuer`]: d('Exact OIDC issuer URL (no wildcards). Ignored when `issuerRegExp` is also set: cosign then matches with the regexp alone.'),
  [`${C}.keyless.identities[].subjectRegExp`]: d('Regular expression (Go RE2) for the identity; anchor it with `^…$`. Takes precedence over `subject`.'),
  [`${C}.keyless.identities[].issuerRegExp`]: d('Regular expression (Go RE2) for the issuer; anchor it with `^…$`. Takes precedence over `issuer`.'),
  [`${C}.keyless.identities[].subjectExpression`]: d('CEL expression whose result is used as the subject regular expression.'),
  [`${C}.keyless.roots`]: d('PEM roots to trust instead of the public sigstore roots.'),
  [`${C}.keyless.additionalExtensions`]: d('Certificate extensions that must have these values.'),
  [`${C}.certificate`]: d('Verify with a certificate you provide (`cert`) and its chain (`certChain`).'),
  ...prefixed(`${C}.certificate.cert`, VALUE_OR_EXPR('Signing certificate')),
  ...prefixed(`${C}.certificate.certChain`, VALUE_OR_EXPR('Certificate chain')),
  [`${C}.source`]: d('Where signatures are stored, when not next to the image.'),
  [`${C}.source.repository`]: d('OCI repository holding the signatures.'),
  [`${C}.source.PullSecrets`]: d('Pull secrets for the signature repository. Note the capital `P`: the CRD field is `PullSecrets`.'),
  [`${C}.source.PullSecrets[]`]: d('One pull secret reference.'),
  [`${C}.source.PullSecrets[].name`]: d('Name of the Secret.'),
  [`${C}.source.tagPrefix`]: d('Prefix of the signature tags.'),
  [`${C}.ctlog`]: d('Transparency-log settings: Rekor URL and keys, CT log key, TSA chain, and switches to skip the checks.'),
  [`${C}.ctlog.url`]: d('Rekor URL.', { default: 'https://rekor.sigstore.dev' }),
  [`${C}.ctlog.rekorPubKey`]: d('PEM key of a private Rekor.'),
  [`${C}.ctlog.ctLogPubKey`]: d('PEM key of a private certificate-transparency log.'),
  [`${C}.ctlog.tsaCertChain`]: d('PEM chain of an RFC 3161 timestamp authority.'),
  [`${C}.ctlog.insecureIgnoreTlog`]: d('Skip the Rekor check. Removes the public record of signatures; avoid.', { default: 'false' }),
  [`${C}.ctlog.insecureIgnoreSCT`]: d('Skip the certificate-transparency (SCT) check; avoid outside private deployments.', { default: 'false' }),
  [`${C}.tuf`]: d('TUF repository to fetch the sigstore trust root from (for private sigstore deployments).'),
  [`${C}.tuf.root`]: d('Initial TUF root: a file `path` or inline `data`.'),
  [`${C}.tuf.root.path`]: d('Path of the TUF root file.'),
  [`${C}.tuf.root.data`]: d('TUF root JSON, base64 or inline.'),
  [`${C}.tuf.mirror`]: d('URL of the TUF mirror.'),
  ...prefixed(`${C}.trustedRoot`, VALUE_OR_EXPR('Sigstore trusted-root JSON (takes precedence over `tuf`)')),
  [`${C}.annotations`]: d('Annotations that must be present in the signature payload.'),
  'spec.attestors[].notary': d('Notary (Notation) verification with X.509 certificates.'),
  ...prefixed('spec.attestors[].notary.certs', VALUE_OR_EXPR('Trusted signing certificates')),
  ...prefixed('spec.attestors[].notary.tsaCerts', VALUE_OR_EXPR('Timestamp-authority certificates')),
  'spec.attestations': d('Attestations the validations may check, referenced as `attestations.<name>`.'),
  'spec.attestations[]': d('One attestation: a `name` and either `intoto` or `referrer`.'),
  'spec.attestations[].name': d('Name used in CEL as `attestations.<name>`.'),
  'spec.attestations[].intoto': d('An in-toto attestation stored the cosign way.'),
  'spec.attestations[].intoto.type': d('Predicate type URI, e.g. `https://slsa.dev/provenance/v1`.'),
  'spec.attestations[].referrer': d('An attestation attached through the OCI referrers API (e.g. Notary).'),
  'spec.attestations[].referrer.type': d('Artifact type of the referrer.'),
  'spec.validations': d('CEL checks; each must return true. Call `verifyImageSignatures(image, [attestors.x])` (returns how many attestors verified) and `verifyAttestationSignatures(...)` here.', {
    example: 'validations:\n  - expression: >-\n      images.containers.map(i, verifyImageSignatures(i, [attestors.cosign])).all(n, n > 0)\n    message: image is not signed',
  }),
  'spec.validations[]': d('One check: a CEL `expression` and the `message` shown when it is false.'),
  'spec.validations[].expression': d('CEL expression that must evaluate to true.'),
  'spec.validations[].message': d('Message returned when the expression is false.'),
  'spec.validations[].messageExpression': d('CEL expression building the message.'),
  'spec.validations[].reason': d('HTTP-style reason returned to the client: `Unauthorized`, `Forbidden`, `Invalid`, `RequestEntityTooLarge`.', { default: 'Invalid' }),
  'spec.validationConfigurations': d('Digest handling after verification.'),
  'spec.validationConfigurations.mutateDigest': d('Replace image tags with the verified digest.'),
  'spec.validationConfigurations.verifyDigest': d('Reject images that are not pinned by digest.'),
  'spec.validationConfigurations.required': d('Reject resources whose images were not verified.'),
  'spec.credentials': d('How Kyverno authenticates to registries for this policy.'),
  'spec.credentials.allowInsecureRegistry': d('Allow plain-HTTP or self-signed registries.', { default: 'false' }),
  'spec.credentials.providers': d('Cloud credential helpers: `default`, `amazon`, `azure`, `google`, `github`.'),
  'spec.credentials.secrets': d('Image pull secrets to use.'),
  'spec.webhookConfiguration': d('Admission webhook settings.'),
  'spec.webhookConfiguration.timeoutSeconds': d('Seconds the API server waits for Kyverno, 1–30.', { default: '10' }),
  'spec.evaluation': d('When the policy runs: admission, background scans, and the payload mode.'),
  'spec.evaluation.mode': d('`Kubernetes` for admission requests; `JSON` for arbitrary JSON payloads (CLI / SDK use).', { default: 'Kubernetes' }),
  'spec.evaluation.admission': d('Admission-time evaluation.'),
  'spec.evaluation.admission.enabled': d('Run the policy on admission requests.'),
  'spec.evaluation.background': d('Background scans of existing resources.'),
  'spec.evaluation.background.enabled': d('Run the policy in background scans.'),
  'spec.autogen': d('Generation of equivalent policies for pod controllers (Deployment, Job, CronJob…).'),
  'spec.autogen.podControllers': d('Which controllers get generated policies.'),
  'spec.autogen.podControllers.controllers': d('Controller resources, e.g. `deployments`, `cronjobs`. Empty disables generation.'),
};

// ---------------------------------------------------------------------------------------------------------
// sigstore policy-controller ClusterImagePolicy (policy.sigstore.dev)
// ---------------------------------------------------------------------------------------------------------

const AU = 'spec.authorities[]';
const POLICY: DocTable = {
  '': d('A CUE or Rego policy evaluated over the verified data.'),
  type: d('`cue` or `rego`.'),
  data: d('The policy source, inline.'),
  configMapRef: d('Read the policy from a ConfigMap (`name`, `namespace`, `key`).'),
  'configMapRef.name': d('ConfigMap name.'),
  'configMapRef.namespace': d('ConfigMap namespace.'),
  'configMapRef.key': d('Data key holding the policy.'),
  remote: d('Download the policy from an HTTPS `url`, pinned by `sha256sum`.'),
  'remote.url': d('HTTPS URL of the policy.'),
  'remote.sha256sum': d('Expected SHA-256 of the downloaded policy.'),
  fetchConfigFile: d('Include the image\'s config file in the evaluated input.'),
  includeSpec: d('Include the resource spec in the evaluated input.'),
  includeObjectMeta: d('Include the resource metadata in the evaluated input.'),
  includeTypeMeta: d('Include apiVersion/kind in the evaluated input.'),
};
const KEY_REF: DocTable = {
  '': d('A public key: inline PEM `data`, a `kms` URI or a `secretRef` — exactly one.'),
  data: d('PEM public key; parsed when the policy is admitted, so a broken key is rejected.'),
  kms: d('KMS key URI in cosign syntax.'),
  secretRef: d('Secret holding the key (one data entry).'),
  'secretRef.name': d('Secret name.'),
  'secretRef.namespace': d('Secret namespace (the policy-controller namespace when empty).'),
  hashAlgorithm: d('Signature hash algorithm.', { default: 'sha256' }),
};

const CIP: DocTable = {
  ...METADATA,
  apiVersion: d('`policy.sigstore.dev/v1beta1` or `v1alpha1` (stored); same fields.'),
  kind: d('`ClusterImagePolicy`, a cluster-scoped sigstore policy-controller policy.'),
  spec: d('Which images (`images`) must be signed by which `authorities`, and how strictly (`mode`).'),
  'spec.images': d('Globs selecting the images this policy covers. Images are normalised first (`nginx` → `index.docker.io/library/nginx:latest`). `*` does not cross `/`, `**` does; the glob `*` alone means Docker Hub official images only.', {
    example: 'images:\n  - glob: "ghcr.io/my-org/**"',
  }),
  'spec.images[]': d('One image glob.'),
  'spec.images[].glob': d('Glob over the normalised image: `*` stays within one path segment, `**` crosses `/`; only letters, digits and `-_:/*.@` are allowed. To allow any tag use `:**`.', { example: 'glob: "ghcr.io/my-org/**"' }),
  'spec.authorities': d('Who may sign. An image passes when any authority verifies it.', {
    example: 'authorities:\n  - keyless:\n      identities:\n        - issuer: https://token.actions.githubusercontent.com\n          subjectRegExp: "^https://github\\\\.com/my-org/.*$"',
  }),
  [AU]: d('One authority: exactly one of `key`, `keyless` or `static`, optional `source`, `ctlog`, `attestations`.'),
  [`${AU}.name`]: d('Name of the authority, used in policy results.', { default: 'authority-<index>' }),
  [`${AU}.key`]: d('Verify with a public key.'),
  ...prefixed(`${AU}.key`, KEY_REF),
  [`${AU}.keyless`]: d('Keyless verification with Fulcio certificates; `identities` is required.'),
  [`${AU}.keyless.url`]: d('Fulcio URL.', { default: 'https://fulcio.sigstore.dev' }),
  [`${AU}.keyless.ca-cert`]: d('CA certificate to trust instead of Fulcio\'s roots (`data`, `kms` or `secretRef`).'),
  ...prefixed(`${AU}.keyless.ca-cert`, KEY_REF),
  [`${AU}.keyless.trustRootRef`]: d('Name of a `TrustRoot` object with the roots to trust.'),
  [`${AU}.keyless.identities`]: d('Accepted identities; one match is enough. `subject`/`issuer` are exact; use the `RegExp` variants for patterns.'),
  [`${AU}.keyless.identities[]`]: d('One identity: `issuer` or `issuerRegExp`, and `subject` or `subjectRegExp` — exactly one of each pair; the policy-controller rejects both.'),
  [`${AU}.keyless.identities[].issuer`]: d('Exact OIDC issuer URL.'),
  [`${AU}.keyless.identities[].issuerRegExp`]: d('Regular expression for the issuer.'),
  [`${AU}.keyless.identities[].subject`]: d('Exact certificate identity.'),
  [`${AU}.keyless.identities[].subjectRegExp`]: d('Regular expression for the identity; anchor it with `^…$`.'),
  [`${AU}.keyless.insecureIgnoreSCT`]: d('Skip the certificate-transparency check; avoid.', { default: 'false' }),
  [`${AU}.static`]: d('Pass or fail every matching image without verification (`action: pass|fail`).'),
  [`${AU}.static.action`]: d('`pass` or `fail`.'),
  [`${AU}.static.message`]: d('Message shown when `action: fail` rejects an image.'),
  [`${AU}.source`]: d('Where signatures are stored when not next to the image (at most one source).'),
  [`${AU}.source[]`]: d('One signature source.'),
  [`${AU}.source[].oci`]: d('OCI repository holding the signatures.'),
  [`${AU}.source[].signaturePullSecrets`]: d('Pull secrets for the signature repository.'),
  [`${AU}.source[].signaturePullSecrets[]`]: d('One pull secret.'),
  [`${AU}.source[].signaturePullSecrets[].name`]: d('Secret name.'),
  [`${AU}.source[].tagPrefix`]: d('Prefix of the signature tags.'),
  [`${AU}.ctlog`]: d('Rekor transparency-log settings.'),
  [`${AU}.ctlog.url`]: d('Rekor URL.', { default: 'https://rekor.sigstore.dev' }),
  [`${AU}.ctlog.trustRootRef`]: d('Name of a `TrustRoot` with the Rekor key.'),
  [`${AU}.rfc3161timestamp`]: d('Trust signatures timestamped by an RFC 3161 authority.'),
  [`${AU}.rfc3161timestamp.trustRootRef`]: d('Name of a `TrustRoot` with the TSA certificates.'),
  [`${AU}.signatureFormat`]: d('`legacy` (cosign signature tags) or `bundle` (sigstore bundles).', { default: 'legacy' }),
  [`${AU}.attestations`]: d('Attestations that must be signed by this authority, each with an optional policy over its content.'),
  [`${AU}.attestations[]`]: d('One attestation: `name`, `predicateType` and an optional `policy`.'),
  [`${AU}.attestations[].name`]: d('Name of the attestation in results.'),
  [`${AU}.attestations[].predicateType`]: d('Predicate type: `slsaprovenance`, `spdx`, `cyclonedx`, `vuln`, `custom`, or a URI.'),
  [`${AU}.attestations[].policy`]: d('CUE or Rego policy over the attestation.'),
  ...prefixed(`${AU}.attestations[].policy`, POLICY),
  'spec.policy': d('CUE or Rego policy over the verified signatures and attestations of all authorities.'),
  ...prefixed('spec.policy', POLICY),
  'spec.mode': d('`enforce` rejects failing images; `warn` admits them with a warning.', { default: 'enforce' }),
  'spec.match': d('Restrict the policy to some resource types or labels (pods and pod controllers by default).'),
  'spec.match[]': d('One resource filter: `group`, `version`, `resource`, `selector`.'),
  'spec.match[].group': d('API group, empty for core.'),
  'spec.match[].version': d('API version.'),
  'spec.match[].resource': d('Plural resource name, e.g. `pods`.'),
  'spec.match[].selector': d('Label selector on the resource.'),
  ...prefixed('spec.match[].selector', SELECTOR),
};

const TABLES: Record<DocFamily, DocTable> = {
  'kyverno-policy': KYVERNO,
  'image-validating-policy': IVP,
  'cluster-image-policy': CIP,
};

/** `spec.rules[0].verifyImages[1].type` style pattern: indexes become `[]`, imageExtractors kinds become `*`. */
export function pathPattern(path: readonly PathStep[]): string {
  let out = '';
  path.forEach((step, i) => {
    if (typeof step === 'number') out += '[]';
    else if (path[i - 1] === 'imageExtractors' && typeof path[i - 2] === 'number') out += '.*';
    else out += out === '' ? step : `.${step}`;
  });
  return out;
}

// Kyverno reuses the same types at several places; these rewrites map a pattern to the one documented.
const KYVERNO_ALIASES: [RegExp, string][] = [
  [/\.entries\[\]\.attestor\./g, '.'],
  [/\.attestations\[\]\.attestors(?=\[\]|$)/, '.attestors'],
  [/\.(certificates|keyless)\.(rekor|ctlog)/, '.keys.$2'],
  [/\.conditions\[\]\.any\[\]/, '.conditions[].all[]'],
  [/\.exclude(?=\.|$)/, '.match'],
  [/\.match\.(any|all)\[\]\.resources/, '.match.resources'],
  [/\.match\.(any|all)\[\]\.(subjects|roles|clusterRoles)/, '.match.$2'],
];
const IVP_ALIASES: [RegExp, string][] = [[/\.excludeResourceRules\[\]/, '.resourceRules[]']];

/** Our documentation for the field at `path` (a path or a pattern string), or undefined if we have none. */
export function docFor(family: DocFamily, path: readonly PathStep[] | string): FieldDoc | undefined {
  const table = TABLES[family];
  let pattern = typeof path === 'string' ? path : pathPattern(path);
  if (table[pattern]) return table[pattern];
  const aliases = family === 'kyverno-policy' ? KYVERNO_ALIASES : family === 'image-validating-policy' ? IVP_ALIASES : [];
  for (const [re, replacement] of aliases) {
    pattern = pattern.replace(re, replacement);
    if (table[pattern]) return table[pattern];
  }
  return undefined;
}

export function isDocFamily(kind: string): kind is DocFamily {
  return kind in TABLES;
}
