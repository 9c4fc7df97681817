// Journey: a person opens the policy files and the generated Deployment and reads the Problems panel. Every code
// in the table must show up under its file, from the "image-trust" source, and the policy editor must have
// error squiggles.
//
// THE TABLE of expected codes is EXPECTED_PROBLEMS in ../expectations.cjs (shared with the extension-host suite);
// rows marked `pending` are reported, not asserted.
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const { EXPECTED_PROBLEMS, POLICY_FILE } = createRequire(import.meta.url)('../expectations.cjs');

export default {
  name: 'problems-policy',
  summary: 'Problems panel lists our codes for the policy and manifest files',
  async run({ wb, note, assert }) {
    // Every file of the table (diagnostics are published for open documents), the policy file last: its editor is
    // the one checked for squiggles at the end.
    for (const file of new Set(EXPECTED_PROBLEMS.map((r) => r.file).filter((f) => f !== POLICY_FILE))) await wb.openFile(file);
    await wb.openFile(POLICY_FILE, 'verify-company-images');

    let timeout = 30_000; // the first code also waits for the language server to start
    for (const row of EXPECTED_PROBLEMS.filter((r) => r.hidden)) note(`not in the Problems panel, checked in the extension host only: ${row.code} (${row.hidden})`);
    for (const row of EXPECTED_PROBLEMS.filter((r) => !r.pending && !r.hidden)) {
      await wb.filterProblems(row.code);
      // The filter leaves only matching markers and the file rows above them.
      const text = await wb.waitForProblemRow([row.code, 'image-trust'], timeout).catch(async () => {
        const seen = await wb.problemRows();
        throw new Error(`no Problems row with code ${row.code}; rows shown for that filter: ${JSON.stringify(seen)}`);
      });
      const fileRows = await wb.page.locator('.markers-panel .monaco-list-row', { hasText: basename(row.file) }).count();
      assert(fileRows > 0, `code ${row.code} shows, but not under ${row.file}`);
      note(`${row.code} shows under ${row.file}: ${text.trim()}`);
      timeout = 10_000;
    }
    // Every file's diagnostics arrive in one message, so the asserted codes being visible means pending ones
    // would be too: no extra wait is needed to tell whether a pending code has landed.
    for (const row of EXPECTED_PROBLEMS.filter((r) => r.pending && !r.hidden)) {
      await wb.filterProblems(row.code);
      await sleep(300);
      const shown = (await wb.problemRows()).some((t) => t.includes(row.code));
      note(shown
        ? `PENDING ${row.code} ALREADY SHOWS: delete its pending mark in test/e2e/expectations.cjs`
        : `pending ${row.code}: ${row.pending}`);
    }

    await wb.filterProblems('');
    const squiggles = await wb.activeEditor().locator('.squiggly-error, .squiggly-warning').count();
    assert(squiggles > 0, `the editor of ${POLICY_FILE} shows no error or warning squiggle`);
    note(`${squiggles} squiggle(s) in ${POLICY_FILE}`);
  },
};
