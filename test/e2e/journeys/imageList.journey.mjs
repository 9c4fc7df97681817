// Journey: a person opens a release's image list (the seed's images.txt: one reference per line) and clicks the
// "Verify all (2)" lens, verifies with the workspace's cosign.pub, accepting signatures without a log entry (the
// test signatures have none: no Rekor offline). The signed image's line must get image-list-verified and the
// unsigned one image-list-not-verified in the Problems panel; then "Pin verified images (1)" must rewrite only the
// signed line to `name:tag@sha256:…` with the digest the registry serves. The edit is reverted at the end.
import { createRequire } from 'node:module';

const { SUPPLY_CHAIN, PENDING_FEATURES } = createRequire(import.meta.url)('../expectations.cjs');

/** Clicks the row of the open quick pick that contains `text`. */
async function pick(wb, text) {
  const p = wb.page;
  const row = p.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  await row.waitFor({ timeout: 15_000 }).catch(async () => {
    throw new Error(`no "${text}" in the quick pick: ${JSON.stringify(await p.locator('.quick-input-list .monaco-list-row').allTextContents())}`);
  });
  await row.click();
}

export default {
  name: 'image-list',
  summary: 'an image list verifies line by line from its lens, and pins the verified images',
  pending: (facts) => PENDING_FEATURES.imageList ?? facts.pending.registry ?? facts.pending.signature,
  async run({ wb, note, assert, facts }) {
    const p = wb.page;
    const file = SUPPLY_CHAIN.imageListFile;
    await wb.openFile(file, 'Images of the demo release');
    const lens = await wb.lensAbove('Images of the demo release', { accept: (t) => t.includes('Verify all (2)') });
    note(`lens: "${lens.text}"`);
    await lens.locator.locator('a', { hasText: 'Verify all (2)' }).first().click();
    await pick(wb, 'Public key');
    await pick(wb, SUPPLY_CHAIN.keyFile);
    await pick(wb, 'Accept signatures without one');
    const summary = await wb.notification('Image Trust:', 60_000).catch(async () => {
      throw new Error(`no summary notification; notifications: ${JSON.stringify(await p.locator('.notification-toast').allTextContents())}`);
    });
    note(`notification: ${(await summary.locator('.notification-list-item-message').first().textContent()).trim()}`);

    await wb.filterProblems('image-list');
    const verified = await wb.waitForProblemRow(['image-list-verified'], 30_000);
    const failed = await wb.waitForProblemRow(['image-list-not-verified'], 30_000);
    note(`Problems: ${verified.trim().slice(0, 140)} | ${failed.trim().slice(0, 140)}`);
    assert(verified.includes('Ln 2,'), `image-list-verified is not on line 2 (the signed image): ${verified}`);
    assert(failed.includes('Ln 3,'), `image-list-not-verified is not on line 3 (the unsigned image): ${failed}`);
    const rows = (await wb.problemRows()).filter((r) => r.includes('image-list-'));
    assert(rows.length === 2, `expected one result per image, got ${JSON.stringify(rows)}`);
    await wb.filterProblems('');

    try {
      // Back in the editor: VS Code drops lens requests for an editor without focus (see verifyPalette.journey).
      await wb.goToLine(2, 1);
      const pin = await wb.lensAbove('Images of the demo release', { accept: (t) => t.includes('Pin verified images (1)') });
      await pin.locator.locator('a', { hasText: 'Pin verified images (1)' }).first().click();
      const pinned = `${facts.images.signed}@${facts.digests.signed}`;
      const line = wb.activeEditor().locator('.view-line', { hasText: '@sha256:' }).first();
      await line.waitFor({ timeout: 30_000 });
      const text = (await line.textContent()).replace(/\u00a0/g, ' ').trim();
      note(`pinned line: ${text}`);
      assert(text === pinned, `the signed line reads "${text}", expected "${pinned}"`);
      const pinnedLines = await wb.activeEditor().locator('.view-line', { hasText: '@sha256:' }).count();
      assert(pinnedLines === 1, `${pinnedLines} lines were pinned; only the verified image should be`);
      await wb.screenshot();
    } finally {
      await wb.revertActiveFile().catch(() => {});
    }
  },
};
