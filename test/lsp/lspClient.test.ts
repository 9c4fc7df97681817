// The test client's own text bookkeeping: if it drifted from the server's copy, every incremental-edit
// test above would be testing the wrong text.
import { strict as assert } from 'node:assert';
import { applyChange, offsetAt, positionAt } from '../support/lspClient';

describe('LSP test client: text changes', () => {
  const text = 'a: 1\nbb: 22\nccc: 333\n';

  it('applies an incremental change within a line', () => {
    assert.equal(applyChange(text, { range: { start: { line: 1, character: 4 }, end: { line: 1, character: 6 } }, text: '7' }), 'a: 1\nbb: 7\nccc: 333\n');
  });

  it('applies a change spanning lines, and an insertion', () => {
    assert.equal(applyChange(text, { range: { start: { line: 0, character: 3 }, end: { line: 2, character: 5 } }, text: 'x' }), 'a: x333\n');
    assert.equal(applyChange(text, { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: 'd: 4\n' }), text + 'd: 4\n');
  });

  it('treats a change without a range as the full text', () => {
    assert.equal(applyChange(text, { text: 'z: 0\n' }), 'z: 0\n');
  });

  it('clamps a character past the end of its line to the line end, as LSP specifies', () => {
    assert.equal(offsetAt(text, { line: 0, character: 99 }), 4);
    assert.equal(offsetAt(text, { line: 9, character: 0 }), text.length);
    assert.deepEqual(positionAt(text, offsetAt(text, { line: 2, character: 3 })), { line: 2, character: 3 });
  });
});
