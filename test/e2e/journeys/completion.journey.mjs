// Journey: a person adds a line inside a verifyImages entry and asks for suggestions (Ctrl+Space).
// The list must offer the entry's keys, e.g. `mutateDigest`. The edit is reverted at the end.
import { createRequire } from 'node:module';

const { POLICY_FILE, PENDING_FEATURES } = createRequire(import.meta.url)('../expectations.cjs');

export default {
  name: 'completion',
  summary: 'completion offers verifyImages keys',
  pending: PENDING_FEATURES.completion,
  async run({ wb, note, assert }) {
    const p = wb.page;
    await wb.openFile(POLICY_FILE, 'verify-company-images');
    // The file's problems prove the language server is up; before that only word-based suggestions exist.
    await wb.filterProblems('schema-unknown-field');
    await wb.waitForProblemRow(['schema-unknown-field']);
    try {
      await wb.goToLine(21, 1); // `          verifyDigests: true` (1-based line 21)
      await p.keyboard.press('End');
      await p.keyboard.press('Enter'); // keeps the entry's indentation
      await p.keyboard.press('Control+Space');
      const rows = p.locator('.suggest-widget .monaco-list-row');
      await rows.first().waitFor({ timeout: 15_000 }).catch(() => {
        throw new Error('no suggestion list appeared');
      });
      const found = await rows.filter({ hasText: 'mutateDigest' }).first().waitFor({ timeout: 10_000 }).then(() => true, () => false);
      const labels = await rows.allTextContents();
      assert(found, `suggestions lack mutateDigest: ${JSON.stringify(labels)}`);
      note(`suggestions: ${labels.slice(0, 6).join(' | ')}`);
      await wb.screenshot(wb.screenshotPath);
    } finally {
      await wb.revertActiveFile();
    }
  },
};
