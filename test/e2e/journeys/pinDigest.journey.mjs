// Journey: a person puts the cursor on a tag-only image of the generated Deployment, opens Quick Fix (Ctrl+.)
// and picks "Pin … to its current digest". The server asks the loopback registry, and the editor text must
// become `…:v1@sha256:<digest>` with exactly the digest the driver pushed (and checked the registry serves).
// The edit is reverted at the end.
import { createRequire } from 'node:module';

const { MANIFEST_FILE, PENDING_FEATURES } = createRequire(import.meta.url)('../expectations.cjs');

export default {
  name: 'pin-digest',
  summary: 'the Pin to digest quick fix writes the digest the registry serves',
  pending: (facts) => PENDING_FEATURES.pinDigest ?? facts.pending.registry,
  async run({ wb, note, assert, facts }) {
    const p = wb.page;
    const image = facts.images.signed;
    const pinned = `${image}@${facts.digests.signed}`;
    await wb.openFile(MANIFEST_FILE, 'name: web');
    // The file's problems prove the language server is up (code actions asked for earlier would come back empty).
    await wb.filterProblems('image-latest-tag');
    await wb.waitForProblemRow(['image-latest-tag']);
    await wb.filterProblems('');
    try {
      await wb.goToLine(facts.lines.signed, facts.imageColumn + 4);
      await p.keyboard.press('Control+.');
      const fix = p.locator('.action-widget .monaco-list-row', { hasText: `Pin ${image}` }).first();
      await fix.waitFor({ timeout: 15_000 }).catch(async () => {
        const shown = await p.locator('.action-widget .monaco-list-row').allTextContents();
        throw new Error(`no "Pin ${image} …" quick fix; the menu shows ${JSON.stringify(shown)}`);
      });
      note(`picked quick fix: ${(await fix.textContent()).trim()}`);
      await fix.click();
      const line = wb.activeEditor().locator('.view-line', { hasText: '@sha256:' }).first();
      await line.waitFor({ timeout: 30_000 }).catch(async () => {
        const toasts = await p.locator('.notification-toast').allTextContents();
        throw new Error(`the image was not rewritten to a digest within 30 s; notifications: ${JSON.stringify(toasts)}`);
      });
      const text = (await line.textContent()).replace(/\u00a0/g, ' ').trim();
      note(`line ${facts.lines.signed} now reads: ${text}`);
      assert(text === `image: ${pinned}`, `line ${facts.lines.signed} reads "${text}", expected "image: ${pinned}"`);
      const dirtyLines = await wb.activeEditor().locator('.view-line', { hasText: '@sha256:' }).count();
      assert(dirtyLines === 1, `${dirtyLines} lines were pinned; only the image under the cursor should be`);
      await wb.screenshot();
    } finally {
      await wb.revertActiveFile().catch(() => {});
    }
  },
};
