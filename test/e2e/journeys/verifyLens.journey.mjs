// Journey: a person clicks the "Verify signature" code lens above each loopback-registry image of the generated
// Deployment. Above the image cosign signed, the lens must turn into "✓ …"; above the unsigned one into "✗ …",
// and the Problems panel must then list `image-signature-failed` on the unsigned image's line (and only there).
// Then, in the policy, the "Verify 2 matching workspace images" lens above the verifyImages entry must report
// the run: one verified, one failed.
import { createRequire } from 'node:module';

const { SUPPLY_CHAIN, MANIFEST_FILE, PENDING_FEATURES } = createRequire(import.meta.url)('../expectations.cjs');

export default {
  name: 'verify-lens',
  summary: 'the Verify signature lens turns into ✓ / ✗ and the failure shows in Problems',
  pending: (facts) => PENDING_FEATURES.verifyLens ?? facts.pending.registry ?? facts.pending.signature,
  async run({ wb, note, assert, facts }) {
    const toasts = () => wb.page.locator('.notification-toast').allTextContents();
    const withToasts = async (promise) => promise.catch(async (err) => {
      throw new Error(`${err.message}; notifications: ${JSON.stringify(await toasts())}`);
    });

    await wb.openFile(MANIFEST_FILE, 'name: web');
    for (const [which, verdict] of [['signed', '✓'], ['unsigned', '✗']]) {
      const image = facts.images[which];
      const lens = await wb.lensAbove(image, { accept: (t) => t.startsWith('Verify signature') });
      await lens.locator.locator('a').first().click();
      const after = await withToasts(wb.lensAbove(image, { accept: (t) => /^[✓✗]/.test(t), timeout: 60_000 }));
      note(`lens above ${which}: "${lens.text}" -> "${after.text}"`);
      assert(after.text.startsWith(verdict), `the lens above ${image} reads "${after.text}", expected it to start with ${verdict}`);
    }

    await wb.filterProblems('image-signature-failed');
    const row = await wb.waitForProblemRow(['image-signature-failed', 'demo/unsigned'], 30_000).catch(async () => {
      throw new Error(`no image-signature-failed row for the unsigned image; rows: ${JSON.stringify(await wb.problemRows())}`);
    });
    assert(row.includes(`Ln ${facts.lines.unsigned},`), `image-signature-failed is not on line ${facts.lines.unsigned}: ${row}`);
    const rows = (await wb.problemRows()).filter((r) => r.includes('image-signature-failed'));
    assert(rows.length === 1, `expected one image-signature-failed row (the unsigned image), got ${JSON.stringify(rows)}`);
    note(`Problems: ${row.trim()}`);
    // Scroll the unsigned image clear of the editor's bottom edge for the picture (the cursor goes below it).
    await wb.goToLine(facts.lines.unsigned + 3, 1);
    await wb.screenshot();
    await wb.filterProblems('');

    // The verifyImages entry's lens in the policy verifies both matching images and keeps the tally.
    await wb.openFile(SUPPLY_CHAIN.policyFile, SUPPLY_CHAIN.policyName);
    const entry = await wb.lensAbove('imageReferences:', { accept: (t) => t.startsWith('Verify 2 matching workspace images') });
    await entry.locator.locator('a').first().click();
    const tally = await withToasts(wb.lensAbove('imageReferences:', { accept: (t) => t.includes('last run:'), timeout: 60_000 }));
    note(`policy lens: "${entry.text}" -> "${tally.text}"`);
    assert(tally.text.includes('✓ 1 verified') && tally.text.includes('✗ 1 failed'), `the entry lens reads "${tally.text}", expected 1 verified and 1 failed`);
    const message = await wb.notification('1 of 2 image(s) verified, 1 failed');
    note(`notification: ${(await message.locator('.notification-list-item-message').first().textContent()).trim().slice(0, 160)}`);
  },
};
