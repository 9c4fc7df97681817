import { strict as assert } from 'node:assert';
import { wildcardMatch } from '../../../server/src/service/image/wildcard';

/**
 * The matcher as first written (rune arrays via Array.from): the reference the allocation-free version
 * must agree with on every input.
 */
function referenceWildcardMatch(pattern: string, value: string): boolean {
  const p = Array.from(pattern);
  const s = Array.from(value);
  let pi = 0;
  let si = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (si < s.length) {
    if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === s[si]))) {
      pi++;
      si++;
    } else if (pi < p.length && p[pi] === '*') {
      starAt = pi++;
      resumeAt = si;
    } else if (starAt >= 0) {
      pi = starAt + 1;
      si = ++resumeAt;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/** mulberry32: small, seeded, good enough to spread cases. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Literal runes: ASCII image characters, a BMP non-ASCII letter, two astral characters (surrogate pairs,
// one sharing its high surrogate with the other) and lone surrogates, which must count as one rune each.
const LITERALS = ['a', 'b', 'c', '/', ':', '@', '.', 'é', '😀', '😁', '𝄞', '\ud83d', '\ude00'];
const METAS = ['*', '?'];

describe('image/wildcard: allocation-free matcher agrees with the rune-array reference', () => {
  const random = seeded(0x5eed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const literal = (max: number) => Array.from({ length: Math.floor(random() * (max + 1)) }, () => pick(LITERALS)).join('');

  function randomPattern(): string {
    const length = Math.floor(random() * 8);
    return Array.from({ length }, () => (random() < 0.3 ? pick(METAS) : pick(LITERALS))).join('');
  }

  /** A value the pattern matches (stars and `?` filled in), sometimes mutated so it may not. */
  function valueFor(pattern: string): string {
    let out = '';
    for (const rune of pattern) out += rune === '*' ? literal(3) : rune === '?' ? pick(LITERALS) : rune;
    if (random() < 0.4) {
      const runes = Array.from(out);
      const at = Math.floor(random() * (runes.length + 1));
      const action = random();
      if (action < 0.33) runes.splice(at, 0, pick([...LITERALS, ...METAS]));
      else if (action < 0.66) runes.splice(at, 1);
      else runes[at] = pick(LITERALS);
      out = runes.join('');
    }
    return out;
  }

  it('on 4,000 seeded random pattern/value pairs', () => {
    let matches = 0;
    for (let i = 0; i < 4000; i++) {
      const pattern = randomPattern();
      const value = i % 4 === 0 ? literal(8) : valueFor(pattern);
      const expected = referenceWildcardMatch(pattern, value);
      assert.equal(wildcardMatch(pattern, value), expected, `pattern ${JSON.stringify(pattern)} value ${JSON.stringify(value)}`);
      if (expected) matches++;
    }
    // Both outcomes must be well represented, or the comparison proves little.
    assert.ok(matches > 1000 && matches < 3000, `${matches} matches of 4000`);
  });

  it('on surrogate-pair edge cases', () => {
    const cases: [string, string][] = [
      ['?', '\ud83d'], ['?', '\ud83d\ude00'], ['??', '\ud83d\ude00'], ['\ud83d', '\ud83d\ude00'], ['\ud83d*', '\ud83d\ude00'],
      ['*\ude00', '\ud83d\ude00'], ['*?', '\ud83d\ude00'], ['😀', '😁'], ['*😀', 'a😁😀'], ['a?b', 'a\ude00b'], ['*', '\ud83d'],
    ];
    for (const [pattern, value] of cases) {
      assert.equal(wildcardMatch(pattern, value), referenceWildcardMatch(pattern, value), `pattern ${JSON.stringify(pattern)} value ${JSON.stringify(value)}`);
    }
  });
});
