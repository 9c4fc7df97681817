// Inputs the fuzzers found, kept as fixtures so the fix stays (see test/fixtures/fuzz/).
import { strict as assert } from 'node:assert';
import { fixture, validate, withCode } from '../support/service';

describe('fuzz regressions', () => {
  it('validates a policy with a thousand unclosed `{` (each a map used as a key) in well under a second per hundred', () => {
    // The YAML library turned every nested map key into a string key, costing ~75 s for this 2 KB file.
    const text = fixture('fuzz/nested-flow-map-keys.yaml');
    const started = Date.now();
    const found = validate(text);
    const ms = Date.now() - started;
    assert.ok(ms < 3000, `validation took ${ms} ms`);
    assert.ok(withCode(found, 'yaml-syntax').length > 0);
  });
});
