// Mutations of YAML text, as fast-check arbitraries: what editing, pasting, truncated transfers and hostile files do
// to a policy. Each produces the new text from the old one; a case chains a few of them.
import fc from 'fast-check';

export type Mutation = (text: string) => string;

const lines = (text: string) => text.split('\n');
const at = (n: number, length: number) => (length === 0 ? 0 : n % length);

function onLines(fn: (ls: string[], n: number) => void): (n: number) => Mutation {
  return (n) => (text) => {
    const ls = lines(text);
    fn(ls, n);
    return ls.join('\n');
  };
}

const deleteLine = fc.nat().map(onLines((ls, n) => void ls.splice(at(n, ls.length), 1)));
const duplicateLine = fc.nat().map(onLines((ls, n) => void ls.splice(at(n, ls.length), 0, ls[at(n, ls.length)] ?? '')));
const reindent = fc.tuple(fc.nat(), fc.integer({ min: 1, max: 12 }), fc.integer({ min: -4, max: 4 })).map(([n, count, by]) =>
  onLines((ls) => {
    for (let i = at(n, ls.length); i < Math.min(ls.length, at(n, ls.length) + count); i++) {
      ls[i] = by >= 0 ? ' '.repeat(by) + ls[i] : ls[i].replace(new RegExp(`^ {0,${-by}}`), '');
    }
  })(0),
);
const truncate = fc.nat().map((n): Mutation => (text) => text.slice(0, at(n, text.length + 1)));
const insertAt = (insert: fc.Arbitrary<string>) =>
  fc.tuple(fc.nat(), insert).map(([n, s]): Mutation => (text) => {
    const i = at(n, text.length + 1);
    return text.slice(0, i) + s + text.slice(i);
  });

/** Bytes as a decoder would turn them into text: invalid UTF-8 becomes U+FFFD; also lone surrogates and NULs. */
const randomBytes = insertAt(
  fc.oneof(
    fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b).toString('utf8')),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.constantFrom('\uD800', '\uDFFF', '\u0000', '\u2028', '\uFEFF', '\t', '\r', '\\', '"', "'", '{{', '}}', ': ', '- ', '#', '%YAML 1.1\n', '!!binary ', '? '),
  ),
);

const NAMES = ['a', 'b', 'base', 'x'];
const anchor = insertAt(fc.constantFrom(...NAMES).map((n) => `&${n} `));
const alias = insertAt(fc.constantFrom(...NAMES).map((n) => `*${n}`));
const mergeKey = fc.tuple(fc.nat(), fc.constantFrom(...NAMES), fc.boolean()).map(([n, name, list]) =>
  onLines((ls) => {
    const i = at(n, ls.length);
    const indent = /^ */.exec(ls[i] ?? '')![0];
    ls.splice(i, 0, `${indent}<<: ${list ? `[*${name}, *${NAMES[(NAMES.indexOf(name) + 1) % NAMES.length]}]` : `*${name}`}`);
  })(0),
);
/** A value of the text aliased elsewhere: anchors a `key: value` line and re-uses it on another line of that key. */
const anchorAndAlias = fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...NAMES)).map(([from, to, name]) =>
  onLines((ls) => {
    const i = at(from, ls.length);
    const m = /^(\s*(?:- )?[\w.-]+:)\s+(\S.*)$/.exec(ls[i] ?? '');
    if (!m) return;
    ls[i] = `${m[1]} &${name} ${m[2]}`;
    const j = at(to, ls.length);
    const key = /^(\s*(?:- )?[\w.-]+:)/.exec(ls[j] ?? '');
    if (key) ls[j] = `${key[1]} *${name}`;
  })(0),
);
const tabs = fc.nat().map(onLines((ls, n) => {
  const i = at(n, ls.length);
  ls[i] = (ls[i] ?? '').replace(/^ {2}/, '\t');
}));
const bom: fc.Arbitrary<Mutation> = fc.constant((text) => `\uFEFF${text}`);
const crlf: fc.Arbitrary<Mutation> = fc.constant((text) => text.replace(/\r?\n/g, '\r\n'));
const manyDocuments: fc.Arbitrary<Mutation> = fc.integer({ min: 200, max: 1000 }).map((n) => (text) => {
  const doc = text.length > 3000 ? text.slice(0, 3000) : text;
  return Array(n).fill(doc).join('\n---\n');
});
const deepNesting = fc.tuple(fc.nat(), fc.integer({ min: 100, max: 5000 }), fc.constantFrom('[', '{', '- ', '{a: ', '[[')).map(
  ([n, depth, open]): Mutation => (text) => {
    const i = at(n, text.length + 1);
    return text.slice(0, i) + open.repeat(depth) + text.slice(i);
  },
);
const deepBlock = fc.tuple(fc.nat(), fc.integer({ min: 100, max: 1200 })).map(([n, depth]) =>
  onLines((ls) => {
    const i = at(n, ls.length);
    ls.splice(i, 0, ...Array.from({ length: depth }, (_, d) => `${' '.repeat(d)}k${d}:`));
  })(0),
);
const bomb = fc.tuple(fc.nat(), fc.integer({ min: 3, max: 9 })).map(([n, levels]) =>
  onLines((ls) => {
    const i = at(n, ls.length);
    const bombLines = ['z0: &z0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let l = 1; l <= levels; l++) bombLines.push(`z${l}: &z${l} [${Array(9).fill(`*z${l - 1}`).join(', ')}]`);
    ls.splice(i, 0, ...bombLines);
  })(0),
);

/** One mutation; the rare expensive ones (thousands of documents, deep nesting, bombs) are weighted down. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: deleteLine, weight: 6 },
  { arbitrary: duplicateLine, weight: 6 },
  { arbitrary: reindent, weight: 6 },
  { arbitrary: truncate, weight: 3 },
  { arbitrary: randomBytes, weight: 6 },
  { arbitrary: anchor, weight: 3 },
  { arbitrary: alias, weight: 3 },
  { arbitrary: anchorAndAlias, weight: 5 },
  { arbitrary: mergeKey, weight: 4 },
  { arbitrary: tabs, weight: 3 },
  { arbitrary: bom, weight: 1 },
  { arbitrary: crlf, weight: 2 },
  { arbitrary: manyDocuments, weight: 1 },
  { arbitrary: deepNesting, weight: 1 },
  { arbitrary: deepBlock, weight: 1 },
  { arbitrary: bomb, weight: 1 },
);

/** A seed text with one to four mutations applied. */
export function mutatedText(seeds: readonly string[]): fc.Arbitrary<{ seed: number; text: string }> {
  return fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([seed, ms]) => ({
    seed,
    text: ms.reduce((text, m) => m(text), seeds[seed]),
  }));
}
