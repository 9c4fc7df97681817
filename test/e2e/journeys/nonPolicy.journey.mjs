// Journey: a person opens ordinary YAML (app settings that mention an image and a "*" kind). Image Trust must
// stay silent: no Problems rows for the file and no squiggles in its editor.
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const { PLAIN_FILE, BROKEN_FILE } = createRequire(import.meta.url)('../expectations.cjs');

export default {
  name: 'non-policy-yaml',
  summary: 'plain YAML gets no image-trust problems',
  async run({ wb, note, assert }) {
    await wb.openFile(PLAIN_FILE, 'billing');
    // Sentinel: the server answers documents in order, so once a file opened after this one has its problems,
    // anything we would say about the plain file has been said too.
    await wb.openFile(BROKEN_FILE, 'broken-policy');
    await wb.filterProblems('yaml-syntax');
    await wb.waitForProblemRow(['yaml-syntax']);
    await wb.openFile(PLAIN_FILE, 'billing');
    await sleep(1000);

    await wb.filterProblems(basename(PLAIN_FILE));
    await sleep(500);
    const rows = await wb.problemRows();
    assert(rows.length === 0, `Problems shows rows for ${PLAIN_FILE}: ${JSON.stringify(rows)}`);
    const squiggles = await wb.activeEditor().locator('[class*="squiggly-"]').count();
    assert(squiggles === 0, `${PLAIN_FILE} has ${squiggles} squiggle(s)`);
    note(`no Problems rows and no squiggles for ${PLAIN_FILE}`);
    await wb.filterProblems('');
  },
};
