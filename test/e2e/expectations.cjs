// What the end-to-end tests expect from the extension on test/e2e/workspace/, in one place so the lead can
// switch checks on as features land. Read by the UI journeys (journeys/*.journey.mjs) and by the
// extension-host suite (exthost/*.exthost.js).
//
// EXPECTED_PROBLEMS: what a person should see in the Problems panel.
// Each row: the workspace file, the diagnostic code, where it sits (`underlines`: the exact text under its range,
// or `line`: its 1-based line; both are checked in the extension host, where ranges are exact), `pending` when
// the rule that reports it has not landed yet, and `hidden` (the reason) when the Problems panel cannot show it,
// e.g. a Hint: such a row is checked in the extension host only.
// A pending row is never asserted: the run prints it as pending, and says so loudly if the code already shows
// (then delete the `pending` field). To add a check, add a row here and, if needed, a problem to the workspace.
'use strict';

const POLICY_FILE = 'policies/verify-images.yaml';
const BROKEN_FILE = 'policies/broken.yaml';
/** Plain YAML that mentions images; Image Trust must report nothing for it. */
const PLAIN_FILE = 'config/app-settings.yaml';

/**
 * The files run.mjs generates into the workspace for every run (test/e2e/lib/supplyChain.mjs): they name the
 * loopback registry's host:port, which changes from run to run. `{REGISTRY}` in an `underlines` value below
 * stands for that host:port.
 */
const SUPPLY_CHAIN = {
  manifestFile: 'supply-chain/deploy.yaml',
  policyFile: 'supply-chain/check-images.yaml',
  keyFile: 'supply-chain/cosign.pub',
  imageListFile: 'supply-chain/release-images.txt',
  policyName: 'check-images',
  ruleName: 'verify-signature',
  restrictPolicyName: 'restrict-registries',
};
const MANIFEST_FILE = SUPPLY_CHAIN.manifestFile;

const EXPECTED_PROBLEMS = [
  { file: BROKEN_FILE, code: 'yaml-syntax', line: 11 },
  { file: POLICY_FILE, code: 'schema-unknown-field', underlines: 'verifyDigests' },
  { file: POLICY_FILE, code: 'policy-mutate-digest-audit', line: 19 },
  { file: POLICY_FILE, code: 'policy-wildcard-kind', underlines: '"*"' },
  { file: POLICY_FILE, code: 'policy-deprecated', underlines: 'validationFailureAction' },
  // The generated Deployment: Docker Hub images the workspace policies neither verify nor allow.
  { file: MANIFEST_FILE, code: 'image-latest-tag', underlines: 'nginx:latest' },
  { file: MANIFEST_FILE, code: 'image-no-tag', underlines: 'busybox' },
  { file: MANIFEST_FILE, code: 'image-not-covered', underlines: 'nginx:latest' },
  { file: MANIFEST_FILE, code: 'image-registry-not-allowed', underlines: 'nginx:latest' },
  // A Hint: VS Code does not list hints in the Problems panel (only a faint underline), so only the extension
  // host checks it (`hidden` rows are skipped by the UI journey, with this reason printed).
  { file: MANIFEST_FILE, code: 'image-not-pinned', underlines: '{REGISTRY}/demo/signed:v1', hidden: 'a Hint, which the Problems panel does not list' },
  // A row for a rule that has not landed yet looks like:
  // { file: POLICY_FILE, code: 'policy-some-rule', line: 9, pending: 'rule policy-some-rule has not landed yet' },
];

// Editor features with a journey each. `null` = asserted; a string = pending, with the reason printed on every run
// (a pending journey is counted as skipped, never as passed). `node test/e2e/run.mjs --run-pending` runs the
// pending ones anyway, to see whether they can be switched on.
const PENDING_FEATURES = {
  hover: null,
  completion: null,
  quickFix: null,
  // Manifest and verification features (journeys manifest-hover, verify-lens, pin-digest, verify-palette and the
  // extension host's manifest suite). Journeys that need the registry or cosign are also pending, with the
  // reason, when those cannot be set up on the machine (see lib/supplyChain.mjs).
  manifestHover: null,
  verifyLens: null,
  pinDigest: null,
  verifyPalette: null,
  deprecationFix: null,
};

module.exports = { POLICY_FILE, BROKEN_FILE, PLAIN_FILE, SUPPLY_CHAIN, MANIFEST_FILE, EXPECTED_PROBLEMS, PENDING_FEATURES };
