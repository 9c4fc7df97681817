// Journey: a person starts a new verifyImages entry and asks for suggestions (Ctrl+Space): the list must offer
// `imageReferences` and `attestors`; then, inside the existing entry, its missing keys such as `mutateDigest`.
// The edits are reverted at the end.
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
      await wb.goToLine(17, 1); // `      verifyImages:` (1-based line 17)
      await p.keyboard.press('End');
      await p.keyboard.press('Enter');
      // Whatever indentation the editor added goes (delete-word-left over a whitespace run); ours is exact.
      await p.keyboard.press('Control+Backspace');
      await p.keyboard.type('        - ');
      await p.keyboard.press('Control+Space');
      const fresh = p.locator('.suggest-widget .monaco-list-row');
      await fresh.first().waitFor({ timeout: 15_000 }).catch(() => {
        throw new Error('no suggestion list appeared in a new verifyImages entry');
      });
      for (const key of ['imageReferences', 'attestors']) {
        const shown = await fresh.filter({ hasText: key }).first().waitFor({ timeout: 10_000 }).then(() => true, () => false);
        assert(shown, `a new verifyImages entry is not offered ${key}: ${JSON.stringify(await fresh.allTextContents())}`);
      }
      await wb.screenshot(wb.screenshotPath.replace(/\.png$/, '-new-entry.png'));
      await p.keyboard.press('Escape');
      await wb.revertActiveFile();
      await wb.openFile(POLICY_FILE, 'verify-company-images');
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
