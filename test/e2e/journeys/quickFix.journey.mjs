// Journey: a person puts the cursor on the misspelt key `verifyDigests`, opens Quick Fix (Ctrl+.) and picks the
// fix. The key must become `verifyDigest` and its problem must go away. The edit is reverted at the end.
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

const { POLICY_FILE, PENDING_FEATURES } = createRequire(import.meta.url)('../expectations.cjs');

export default {
  name: 'quick-fix',
  summary: 'quick fix renames a misspelt key',
  pending: PENDING_FEATURES.quickFix,
  async run({ wb, note, assert }) {
    const p = wb.page;
    await wb.openFile(POLICY_FILE, 'verify-company-images');
    await wb.filterProblems('schema-unknown-field');
    await wb.waitForProblemRow(['schema-unknown-field']);
    try {
      await wb.goToLine(21, 13); // inside `verifyDigests` (1-based line 21)
      await p.keyboard.press('Control+.');
      const fix = p.locator('.action-widget .monaco-list-row', { hasText: 'verifyDigest' }).first();
      await fix.waitFor({ timeout: 15_000 }).catch(async () => {
        const shown = await p.locator('.action-widget .monaco-list-row').allTextContents();
        throw new Error(`no quick fix mentioning verifyDigest; the menu shows ${JSON.stringify(shown)}`);
      });
      note(`picked quick fix: ${(await fix.textContent()).trim()}`);
      await fix.click();
      // Monaco renders spaces as U+00A0, which \s matches.
      await wb.activeEditor().locator('.view-line', { hasText: /verifyDigest:\s+true/ }).first().waitFor();
      const misspelt = await wb.activeEditor().locator('.view-line', { hasText: 'verifyDigests' }).count();
      assert(misspelt === 0, 'the editor still shows verifyDigests after the fix');
      await sleep(1500);
      await wb.filterProblems('schema-unknown-field');
      await sleep(500);
      const left = await wb.problemRows();
      assert(left.length === 0, `schema-unknown-field still listed after the fix: ${JSON.stringify(left)}`);
      await wb.filterProblems('');
      await wb.screenshot(wb.screenshotPath);
    } finally {
      await wb.revertActiveFile();
    }
  },
};
