// What the end-to-end tests expect from the extension on test/e2e/workspace/, in one place so the lead can
// switch checks on as features land. Read by the UI journeys (journeys/*.journey.mjs) and by the
// extension-host suite (exthost/*.exthost.js).
//
// EXPECTED_PROBLEMS: what a person should see in the Problems panel.
// Each row: the workspace file, the diagnostic code, where it sits (`underlines`: the exact text under its range,
// or `line`: its 1-based line; both are checked in the extension host, where ranges are exact), and `pending`
// when the rule that reports it has not landed yet.
// A pending row is never asserted: the run prints it as pending, and says so loudly if the code already shows
// (then delete the `pending` field). To add a check, add a row here and, if needed, a problem to the workspace.
'use strict';

const POLICY_FILE = 'policies/verify-images.yaml';
const BROKEN_FILE = 'policies/broken.yaml';
/** Plain YAML that mentions images; Image Trust must report nothing for it. */
const PLAIN_FILE = 'config/app-settings.yaml';

const EXPECTED_PROBLEMS = [
  { file: BROKEN_FILE, code: 'yaml-syntax', line: 11 },
  { file: POLICY_FILE, code: 'schema-unknown-field', underlines: 'verifyDigests' },
  { file: POLICY_FILE, code: 'policy-mutate-digest-audit', line: 19 },
  { file: POLICY_FILE, code: 'policy-wildcard-kind', underlines: '"*"' },
  { file: POLICY_FILE, code: 'policy-deprecated', underlines: 'validationFailureAction' },
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
};

module.exports = { POLICY_FILE, BROKEN_FILE, PLAIN_FILE, EXPECTED_PROBLEMS, PENDING_FEATURES };
