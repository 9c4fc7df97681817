import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { renderRuleDocs, RULE_DOCS_PATH } from '../../scripts/rule-docs';
import { allRules } from '../../server/src/service/rules';

describe('rule registry and docs/rules.md', () => {
  it('has unique ids, each with a summary and docs', () => {
    const ids = allRules.map((r) => r.id);
    assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'duplicate rule ids');
    for (const r of allRules) {
      assert.match(r.id, /^[a-z]+(-[a-z0-9]+)+$/, `${r.id}: ids are kebab-case with a family prefix`);
      assert.ok(r.summary.trim().length > 10, `${r.id}: summary`);
      assert.ok(r.docs.trim().length > 20, `${r.id}: docs`);
    }
  });

  it('is up to date (run `npx tsx scripts/rule-docs.ts --write`)', () => {
    assert.equal(readFileSync(RULE_DOCS_PATH, 'utf8'), renderRuleDocs());
  });
});
