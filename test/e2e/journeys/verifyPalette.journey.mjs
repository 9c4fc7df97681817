// Journey: a person runs "Image Trust: Verify Image…" from the command palette, types an image, picks how to
// verify it, and reads the notification:
//   1. the signed image with the workspace's supply-chain/cosign.pub: "✓ …" (pending, see PENDING_FEATURES);
//   2. the signed image against the workspace rule check-images / verify-signature: an information notification
//      "✓ …" whose "Show details" opens the Image Trust output with the VERIFIED record;
//   3. the unsigned image against that rule: an error notification "✗ …".
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

const { SUPPLY_CHAIN, MANIFEST_FILE, PENDING_FEATURES } = createRequire(import.meta.url)('../expectations.cjs');

/** Palette → input box → quick pick; resolves the result notification's locator and text. */
async function verifyFromPalette(wb, note, image, pick, thenPick) {
  const p = wb.page;
  await wb.runCommand('Image Trust: Verify Image…');
  const widget = p.locator('.quick-input-widget');
  await widget.filter({ hasText: 'Image reference to verify' }).waitFor({ timeout: 15_000 });
  const input = widget.locator('input');
  await input.fill(image);
  await p.keyboard.press('Enter');
  await p.locator('.quick-input-list .monaco-list-row', { hasText: pick }).first().waitFor({ timeout: 15_000 }).catch(async () => {
    throw new Error(`the "Verify with…" list has no "${pick}": ${JSON.stringify(await p.locator('.quick-input-list .monaco-list-row').allTextContents())}`);
  });
  const labels = await p.locator('.quick-input-list .monaco-list-row .label-name').allTextContents();
  note(`"Verify with…" offers: ${labels.map((t) => t.trim()).join(' | ')}`);
  // Filter, then click the row itself: Enter right after typing may land on a row the filter is still replacing.
  await input.fill(pick);
  const row = p.locator('.quick-input-list .monaco-list-row', { hasText: pick }).first();
  await row.waitFor();
  await row.click();
  if (thenPick) {
    // A second quick pick (the transparency-log question after a key file).
    const next = p.locator('.quick-input-list .monaco-list-row', { hasText: thenPick }).first();
    await next.waitFor({ timeout: 15_000 }).catch(async () => {
      throw new Error(`no "${thenPick}" in the follow-up list: ${JSON.stringify(await p.locator('.quick-input-list .monaco-list-row').allTextContents())}`);
    });
    await next.click();
  }
  const toast = await wb.notification(`${image}: `, 60_000).catch(async () => {
    throw new Error(`no result notification for ${image}; notifications: ${JSON.stringify(await p.locator('.notification-toast').allTextContents())}`);
  });
  const text = (await toast.locator('.notification-list-item-message').first().textContent()).trim();
  note(`notification: ${text}`);
  return { toast, text };
}

export default {
  name: 'verify-palette',
  summary: 'Verify Image… from the palette reports verified / failed in a notification',
  pending: (facts) => PENDING_FEATURES.verifyPalette ?? facts.pending.registry ?? facts.pending.signature,
  async run({ wb, note, assert, facts }) {
    const p = wb.page;
    // A person has a manifest open; its "Verify signature" lens proves the extension is active and its server up.
    // (Wait with the editor focused: VS Code 1.139 cancels a pending lens request when the editor loses focus, and
    // may meanwhile show the lenses of the file the editor showed before.)
    await wb.openFile(MANIFEST_FILE, 'name: web');
    await wb.lensAbove(facts.images.signed, { accept: (t) => /^(Verify signature|[✓✗])/.test(t) });
    await wb.runCommand('Notifications: Clear All Notifications');
    const rule = `${SUPPLY_CHAIN.policyName} / ${SUPPLY_CHAIN.ruleName}`;
    const keyFile = SUPPLY_CHAIN.keyFile;

    // 1. The workspace cosign.pub. The test signature has no transparency-log entry (no Rekor offline): like
    //    cosign, requiring the log fails with that reason, and accepting log-less signatures verifies.
    const strict = await verifyFromPalette(wb, note, facts.images.signed, keyFile, 'Require a transparency-log entry');
    assert(strict.text.startsWith(`${facts.images.signed}: ✗`) && /transparency-log/.test(strict.text),
      `requiring the log with ${keyFile} says "${strict.text}", expected "✗ …transparency-log…"`);
    await wb.runCommand('Notifications: Clear All Notifications');
    const byKey = await verifyFromPalette(wb, note, facts.images.signed, keyFile, 'Accept signatures without one');
    assert(byKey.text.startsWith(`${facts.images.signed}: ✓`), `verifying ${facts.images.signed} with ${keyFile} (log not required) says "${byKey.text}", expected "✓ …"`);
    await wb.runCommand('Notifications: Clear All Notifications');

    // 2. The signed image against the workspace verifyImages rule (which ignores the log): verified.
    const signed = await verifyFromPalette(wb, note, facts.images.signed, rule);
    assert(signed.text.startsWith(`${facts.images.signed}: ✓`), `verifying ${facts.images.signed} against ${rule} says "${signed.text}", expected "✓ …"`);
    assert((await signed.toast.locator('.codicon-info').count()) > 0, 'the verified result is not an information notification');
    const details = signed.toast.locator('.monaco-button', { hasText: 'Show details' });
    assert((await details.count()) > 0, 'the result notification has no "Show details" button');
    // Let the progress toast go and the result toast finish fading in before the picture.
    await p.locator('.notification-toast', { hasText: 'Verifying ' }).waitFor({ state: 'detached', timeout: 5_000 }).catch(() => {});
    await sleep(800);
    await wb.screenshot();
    await details.first().click();
    const output = p.locator('.part.panel .view-lines', { hasText: 'VERIFIED' }).first();
    await output.waitFor({ timeout: 15_000 }).catch(() => {
      throw new Error('"Show details" did not show the Image Trust output with the VERIFIED line');
    });
    const outputText = (await output.textContent()).replace(/\u00a0/g, ' ');
    note(`output: ${outputText.match(/VERIFIED: .{0,100}/)?.[0] ?? outputText.slice(0, 100)}`);

    // 3. The unsigned image against the same rule: an error notification with the failure.
    const unsigned = await verifyFromPalette(wb, note, facts.images.unsigned, rule);
    assert(unsigned.text.startsWith(`${facts.images.unsigned}: ✗`), `verifying ${facts.images.unsigned} against ${rule} says "${unsigned.text}", expected "✗ …"`);
    assert((await unsigned.toast.locator('.codicon-error').count()) > 0, 'the failed result is not an error notification');
    await wb.runCommand('Notifications: Clear All Notifications');
  },
};
