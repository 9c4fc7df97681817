// Journey: a person puts the cursor on the deprecated `validationFailureAction`, opens Quick Fix (Ctrl+.) and picks
// the rewrite. The spec-level field must go, each verifyImages entry must get `failureAction: Audit`, and the
// deprecation problem must go away. The edit is reverted at the end.
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

const { POLICY_FILE, PENDING_FEATURES } = createRequire(import.meta.url)('../expectations.cjs');

export default {
  name: 'deprecation-fix',
  summary: 'quick fix rewrites spec.validationFailureAction into per-entry failureAction',
  pending: PENDING_FEATURES.deprecationFix,
  async run({ wb, note, assert }) {
    const p = wb.page;
    await wb.openFile(POLICY_FILE, 'verify-company-images');
    await wb.filterProblems('policy-deprecated');
    await wb.waitForProblemRow(['policy-deprecated']);
    try {
      await wb.goToLine(8, 5); // inside `validationFailureAction` (1-based line 8)
      await p.keyboard.press('Control+.');
      const fix = p.locator('.action-widget .monaco-list-row', { hasText: 'failureAction' }).first();
      await fix.waitFor({ timeout: 15_000 }).catch(async () => {
        const shown = await p.locator('.action-widget .monaco-list-row').allTextContents();
        throw new Error(`no quick fix mentioning failureAction; the menu shows ${JSON.stringify(shown)}`);
      });
      note(`picked quick fix: ${(await fix.textContent()).trim()}`);
      await fix.click();
      // The spec-level line goes (the added per-entry lines sit further down, outside the rendered viewport).
      await wb.activeEditor().locator('.view-line', { hasText: 'validationFailureAction' }).first().waitFor({ state: 'detached', timeout: 15_000 })
        .catch(() => { throw new Error('the editor still shows validationFailureAction after the fix'); });
      await sleep(1500);
      await wb.filterProblems('policy-deprecated');
      await sleep(500);
      const left = await wb.problemRows();
      assert(left.length === 0, `policy-deprecated still listed after the fix: ${JSON.stringify(left)}`);
      await wb.filterProblems('');
      await wb.screenshot(wb.screenshotPath);
    } finally {
      await wb.revertActiveFile();
    }
  },
};
