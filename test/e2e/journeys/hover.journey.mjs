// Journey: a person places the cursor on the `verifyImages` key of a policy and asks for the hover.
// It must explain the field (our docs, not just the YAML extension's nothing).
import { createRequire } from 'node:module';

const { POLICY_FILE, PENDING_FEATURES } = createRequire(import.meta.url)('../expectations.cjs');

export default {
  name: 'hover',
  summary: 'hover on verifyImages explains the field',
  pending: PENDING_FEATURES.hover,
  async run({ wb, note, assert }) {
    await wb.openFile(POLICY_FILE, 'verify-company-images');
    // The file's problems prove the language server is up (a hover asked for earlier would come back empty).
    await wb.filterProblems('schema-unknown-field');
    await wb.waitForProblemRow(['schema-unknown-field']);
    const texts = await wb.hoverAt(17, 9); // `      verifyImages:` (1-based line 17)
    const text = texts.join('\n');
    assert(text.includes('verifyImages'), `the hover does not name verifyImages: ${JSON.stringify(texts)}`);
    assert(/signature/i.test(text), `the hover does not explain signatures: ${JSON.stringify(texts)}`);
    note(`hover: ${text.replace(/\s+/g, ' ').slice(0, 120)}…`);
  },
};
