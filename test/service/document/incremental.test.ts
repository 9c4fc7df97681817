import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Document, isAlias, isCollection, isPair, isScalar, visit } from 'yaml';
import { changedRegion, reparseYamlFile, ReparseMode } from '../../../server/src/service/document/incremental';
import { docAtOffset, parseYamlFile, positionAt, YamlFile } from '../../../server/src/service/document/yamlFile';

const URI = 'file:///test/policy.yaml';

// ---------------------------------------------------------------------------------------------------
// Inputs.

/** A Kyverno ClusterPolicy with `rules` rules of about 28 lines each (66 rules: about 2,000 lines). */
function bigPolicy(rules: number): string {
  const lines = ['apiVersion: kyverno.io/v1', 'kind: ClusterPolicy', 'metadata:', '  name: big', 'spec:', '  background: false', '  rules:'];
  for (let i = 0; i < rules; i++) {
    if (i % 7 === 3) lines.push('');
    if (i % 5 === 2) lines.push(`  # rule ${i} checks the images of team ${i}`);
    lines.push(
      `  - name: verify-team-${i}`,
      '    match:',
      '      any:',
      '      - resources:',
      i % 2 ? '          kinds: [Pod, Deployment]' : '          kinds:\n          - Pod',
      '    verifyImages:',
      '    - imageReferences:',
      `      - "ghcr.io/team${i}/*"`,
      `      - 'registry.example.com/t${i}/app:*'`,
      '      failureAction: Enforce',
      '      attestors:',
      '      - count: 1',
      '        entries:',
      '        - keys:',
      i % 3 ? '            publicKeys: |-' : '            publicKeys: |',
      '              -----BEGIN PUBLIC KEY-----',
      '              MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8nXRh950IZbRj8Ra/N9sbqOPZrfM',
      '',
      '              5/KAQN0/KjHcorm/J5yctVd7iEcnessRQjU917hmKO6JWVGHpDguIyakZA==',
      '              -----END PUBLIC KEY-----',
      '            rekor:',
      '              url: https://rekor.sigstore.dev # public instance',
      '        - keyless:',
      '            subject: "https://github.com/org/repo/.github/workflows/*"',
      '            issuer: https://token.actions.githubusercontent.com',
      '      mutateDigest: true',
      '      verifyDigest: true',
      '      required: true',
    );
    // Rules end in comments, a blank line, or nothing (the next `- ` right after content).
    if (i % 3 !== 1) lines.push('    # trailing comment of the rule', i % 4 ? '    # second trailing comment' : '');

  }
  lines.push('  validationFailureAction: Audit', '# end of policy');
  return lines.join('\n') + '\n';
}

function threeDocuments(): string {
  return [
    '# leading comment of the file',
    'apiVersion: kyverno.io/v1',
    'kind: ClusterPolicy',
    'metadata:',
    '  name: first',
    'spec:',
    '  rules:',
    ...[0, 1, 2, 3].flatMap((i) => [
      `  - name: r${i}`,
      '    verifyImages:',
      '    - imageReferences: ["ghcr.io/org/*"]',
      '      attestors:',
      '      - entries:',
      '        - keyless:',
      `            subject: "s${i}"`,
      '            issuer: https://issuer',
      '',
    ]),
    '# between the documents',
    '---',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: web}',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '      - name: web',
    '        image: ghcr.io/org/web:1.0',
    '        args:',
    '        - --port=80',
    '        - |',
    '          multi',
    '          line',
    '      - name: side',
    '        image: ghcr.io/org/side@sha256:' + 'a'.repeat(64),
    '      - name: last',
    '        image: busybox',
    '--- # third',
    'apiVersion: policy.sigstore.dev/v1beta1',
    'kind: ClusterImagePolicy',
    'metadata:',
    '  name: cip',
    'spec:',
    '  images:',
    '  - glob: "ghcr.io/**"',
    '  - glob: docker.io/*',
    '  authorities:',
    '  - keyless:',
    '      identities:',
    '      - issuer: https://issuer',
    '        subject: me',
    '  - key:',
    '      data: |',
    '        -----BEGIN PUBLIC KEY-----',
    '        abc',
    '        -----END PUBLIC KEY-----',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Deep comparison: everything a consumer of YamlFile can see.

/** Plain description of a node: class, every own property (range, type, source, comments, spaceBefore...). */
function describeNode(node: unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map(describeNode);
  const out: Record<string, unknown> = { class: node.constructor.name };
  for (const [key, value] of Object.entries(node)) out[key] = describeNode(value);
  return out;
}

/** The node sequence `yaml.visit` reports (pairs included), with what each node carries. */
function visited(doc: Document.Parsed): unknown[] {
  const seen: unknown[] = [];
  visit(doc, (key, node) => {
    if (isPair(node)) seen.push({ key: String(key), pair: true });
    else if (isScalar(node)) {
      seen.push({ key: String(key), range: node.range, type: node.type, value: node.value, source: node.source, comment: node.comment, commentBefore: node.commentBefore, spaceBefore: node.spaceBefore });
    } else if (isCollection(node) || isAlias(node)) {
      seen.push({ key: String(key), class: node.constructor.name, range: node.range, comment: node.comment, commentBefore: node.commentBefore, spaceBefore: node.spaceBefore, flow: isCollection(node) ? node.flow : undefined });
    }
  });
  return seen;
}

function describeFile(file: YamlFile): unknown {
  return {
    text: file.text,
    lineStarts: file.lineCounter.lineStarts,
    docs: file.docs.map((d) => ({
      index: d.index,
      kind: d.kind,
      apiVersion: d.apiVersion,
      kindName: d.kindName,
      start: d.start,
      end: d.end,
      range: d.doc.range,
      comment: d.doc.comment,
      commentBefore: d.doc.commentBefore,
      docStart: d.doc.directives?.docStart,
      docEnd: d.doc.directives?.docEnd,
      errors: d.doc.errors.map((e) => ({ code: e.code, message: e.message, pos: e.pos, linePos: e.linePos })),
      warnings: d.doc.warnings.map((e) => ({ code: e.code, message: e.message, pos: e.pos, linePos: e.linePos })),
      js: safeJS(d.doc),
      visited: visited(d.doc),
      contents: describeNode(d.doc.contents),
    })),
  };
}

function safeJS(doc: Document.Parsed): unknown {
  try {
    return doc.toJS({ mapAsMap: true, maxAliasCount: -1 });
  } catch (error) {
    return `toJS threw: ${(error as Error).message}`;
  }
}

/** JSON of the description (Maps from toJS as entry lists); comparing strings is much faster than deepEqual. */
function serialized(file: YamlFile, indent?: number): string {
  return JSON.stringify(describeFile(file), (_key, value) => (value instanceof Map ? { map: [...value.entries()] } : value), indent);
}

function assertSameAsFullParse(file: YamlFile, text: string, context: string): void {
  const full = parseYamlFile(file.uri, text, file.version);
  if (serialized(file) === serialized(full)) return;
  const actual = serialized(file, 1);
  const expected = serialized(full, 1);
  let at = 0;
  while (actual[at] === expected[at]) at++;
  const around = (s: string) => s.slice(Math.max(0, at - 600), at + 300);
  assert.fail(`${context}: differs from a full parse\n--- incremental:\n${around(actual)}\n--- full parse:\n${around(expected)}`);
}

// ---------------------------------------------------------------------------------------------------
// Seeded random edits.

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Edit {
  at: number;
  remove: number;
  insert: string;
  what: string;
}

function apply(text: string, edit: Edit): string {
  return text.slice(0, edit.at) + edit.insert + text.slice(edit.at + edit.remove);
}

function randomEdit(text: string, random: () => number): Edit {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)];
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1 && i + 1 < text.length; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const line = int(lineStarts.length);
  const lineStart = lineStarts[line];
  const lineEnd = line + 1 < lineStarts.length ? lineStarts[line + 1] - 1 : text.length;
  const lineText = text.slice(lineStart, lineEnd);
  const indent = lineText.match(/^ */)![0].length;
  const at = lineStart + int(lineEnd - lineStart + 1);
  const spaces = (n: number) => ' '.repeat(Math.max(0, n));
  const chars = ['a', 'x', '1', ' ', ' ', ':', ': ', '-', '- ', '#', ' #', '"', "'", '\n', '|', '>', '[', ']', '{', '}', ',', '*', '&', '!', '?', '\t', '---'];
  switch (int(20)) {
    case 0:
    case 1:
    case 2:
      return { at, remove: 0, insert: pick(chars), what: 'insert char' };
    case 3:
      return { at, remove: Math.min(1 + int(4), text.length - at), insert: '', what: 'delete chars' };
    case 4:
      return { at, remove: Math.min(1 + int(2), text.length - at), insert: pick(chars), what: 'replace chars' };
    case 5:
      return { at: lineStart, remove: Math.min(lineText.length + 1, text.length - lineStart), insert: '', what: 'delete line' };
    case 6:
      return { at: lineStart, remove: 0, insert: lineText + '\n', what: 'duplicate line' };
    case 7:
      return { at: lineStart, remove: 0, insert: `${spaces(indent - pick([0, 2]))}- name: added-${int(100)}\n`, what: 'insert item' };
    case 8:
      return random() < 0.5 || indent < 1
        ? { at: lineStart, remove: 0, insert: pick([' ', '  ']), what: 'indent' }
        : { at: lineStart, remove: Math.min(indent, pick([1, 2])), insert: '', what: 'dedent' };
    case 9:
      return random() < 0.5
        ? { at: lineStart, remove: 0, insert: `${spaces(pick([indent - 2, indent, indent + 2, 0]))}# note ${int(10)}\n`, what: 'comment line' }
        : { at: lineEnd, remove: 0, insert: ' # trailing', what: 'trailing comment' };
    case 10:
      return { at: lineStart, remove: 0, insert: '\n', what: 'blank line' };
    case 11:
      return {
        at: lineStart,
        remove: 0,
        insert: `${spaces(indent)}${pick(['text', 'key'])}: ${pick(['|', '|-', '|+', '>', '>-', '|2'])}\n${spaces(indent + pick([0, 2, 4]))}body line\n`,
        what: 'block scalar',
      };
    case 12: {
      const colon = lineText.indexOf(': ');
      if (colon < 0) return { at, remove: 0, insert: ': ', what: 'colon' };
      const valueStart = lineStart + colon + 2;
      const q = pick(['"', "'"]);
      return random() < 0.5
        ? { at: valueStart, remove: lineEnd - valueStart, insert: q + text.slice(valueStart, lineEnd) + q, what: 'quote value' }
        : { at: valueStart, remove: 0, insert: q, what: 'unbalanced quote' };
    }
    case 13:
      return { at: lineEnd, remove: 0, insert: `\n${spaces(indent)}extra${int(9)}: ${pick(['v', '[a, b]', '{k: v}', '"q"', '1', ''])}`, what: 'new key line' };
    case 14:
      return random() < 0.5
        ? { at: lineStart, remove: 0, insert: '---\n', what: 'document marker' }
        : { at: lineStart, remove: 0, insert: `${spaces(indent)}- ${pick(['x', 'k: v', '"q"', '[a]'])}\n`, what: 'list item line' };
    default: {
      // Typing inside a value: the most common edit.
      const colon = lineText.indexOf(': ');
      const start = colon < 0 ? at : lineStart + colon + 2 + int(Math.max(1, lineEnd - lineStart - colon - 1));
      return random() < 0.7
        ? { at: Math.min(start, lineEnd), remove: 0, insert: pick(['a', 'b', '0', '-', '.', '/']), what: 'type in value' }
        : { at: Math.max(lineStart, Math.min(start, lineEnd) - 1), remove: 1, insert: '', what: 'backspace in value' };
    }
  }
}

/**
 * Applies `steps` random edits one after another, each re-parsed incrementally from the previous result, and
 * checks every result against a full parse. Edits that leave errors are mostly undone (an undo is an
 * edit too), and the text goes back to the start now and then, so most edits happen on valid YAML.
 */
function fuzz(base: string, seed: number, steps: number): Record<ReparseMode, number> {
  const random = mulberry32(seed);
  const modes: Record<ReparseMode, number> = { unchanged: 0, item: 0, document: 0, full: 0 };
  let file = parseYamlFile(URI, base, 0);
  let lastValid = base;
  for (let step = 1; step <= steps; step++) {
    const hasErrors = file.docs.some((d) => d.doc.errors.length > 0);
    let text: string;
    let what: string;
    if (step % 60 === 0) {
      text = base;
      what = 'back to the start';
    } else if (hasErrors && random() < 0.6) {
      text = lastValid;
      what = 'undo';
    } else {
      const edit = randomEdit(file.text, random);
      text = apply(file.text, edit);
      what = `${edit.what} at ${edit.at} (-${edit.remove} +${JSON.stringify(edit.insert)})`;
    }
    const result = reparseYamlFile(file, text, step);
    modes[result.mode]++;
    // To debug a failure: INCREMENTAL_DUMP=/tmp/edit.json keeps the last edit's texts.
    if (process.env.INCREMENTAL_DUMP) fs.writeFileSync(process.env.INCREMENTAL_DUMP, JSON.stringify({ before: file.text, after: text }));
    assertSameAsFullParse(result.file, text, `seed ${seed}, step ${step}: ${what} (${result.mode})`);
    file = result.file;
    if (!file.docs.some((d) => d.doc.errors.length > 0)) lastValid = file.text;
  }
  return modes;
}

// ---------------------------------------------------------------------------------------------------

describe('incremental re-parse', () => {
  const policy = bigPolicy(66);

  it('generates a policy of about 2,000 lines', () => {
    const lines = policy.split('\n').length;
    assert.ok(lines > 1900 && lines < 2200, `${lines} lines`);
  });

  it('finds the changed region from the common prefix and suffix', () => {
    assert.deepStrictEqual(changedRegion('abcdef', 'abXYef'), { start: 2, oldEnd: 4, newEnd: 4, delta: 0 });
    assert.deepStrictEqual(changedRegion('aaa', 'aaaa'), { start: 3, oldEnd: 3, newEnd: 4, delta: 1 });
    assert.deepStrictEqual(changedRegion('abc', 'ac'), { start: 1, oldEnd: 2, newEnd: 1, delta: -1 });
  });

  it('re-parses only the rule that holds a one-character edit', () => {
    const before = parseYamlFile(URI, policy, 1);
    const at = policy.indexOf('verify-team-30') + 'verify-team-'.length;
    const text = policy.slice(0, at) + 'x' + policy.slice(at);
    const result = reparseYamlFile(before, text, 2);
    assert.equal(result.mode, 'item');
    assertSameAsFullParse(result.file, text, 'one-character edit');
    assert.equal(result.file.version, 2);
  });

  it('shares the nodes before the edit and leaves the previous tree untouched', () => {
    const before = parseYamlFile(URI, policy, 1);
    const snapshot = serialized(before);
    const at = policy.indexOf('verify-team-30') + 3;
    const text = policy.slice(0, at) + 'longer' + policy.slice(at);
    const result = reparseYamlFile(before, text, 2);
    assert.equal(result.mode, 'item');
    assert.equal(serialized(before), snapshot, 'previous file changed');
    assert.notEqual(result.file.docs[0].doc, before.docs[0].doc, 'a changed document must be a new object (caches are keyed by it)');
    const rules = (d: YamlFile) => (d.docs[0].doc.getIn(['spec', 'rules'], true) as { items: unknown[] }).items;
    assert.equal(rules(result.file)[0], rules(before)[0], 'rule before the edit is shared');
    assert.notEqual(rules(result.file)[40], rules(before)[40], 'rule after the edit is moved');
  });

  it('re-parses only the edited document of a multi-document file', () => {
    const base = threeDocuments();
    const before = parseYamlFile(URI, base, 1);
    const at = base.indexOf('metadata: {name: web}') + 'metadata: {name: w'.length;
    const text = base.slice(0, at) + 'e' + base.slice(at);
    const result = reparseYamlFile(before, text, 2);
    assert.equal(result.mode, 'document');
    assertSameAsFullParse(result.file, text, 'edit in the second document');
    assert.equal(result.file.docs[0], before.docs[0], 'the document before the edit is reused as is');
  });

  it('handles CRLF line ends', () => {
    const crlf = bigPolicy(6).replace(/\n/g, '\r\n');
    const before = parseYamlFile(URI, crlf, 1);
    const at = crlf.indexOf('verify-team-3') + 7;
    const text = crlf.slice(0, at) + 'z' + crlf.slice(at);
    const result = reparseYamlFile(before, text, 2);
    assert.equal(result.mode, 'item');
    assertSameAsFullParse(result.file, text, 'CRLF');
  });

  describe('matches a full parse in corner cases', () => {
    const rule = (name: string, extra = '') => `  - name: ${name}\n    match:\n      any: [x]\n${extra}`;
    // `mode`, where given: the fast path these must keep taking.
    const cases: { name: string; text: string; find: string; insert: string; mode?: ReparseMode }[] = [
      { name: 'comment after the parent key', text: `spec:\n  rules: # the rules\n${rule('a')}${rule('b')}`, find: 'name: a', insert: 'x', mode: 'item' },
      { name: 'comment at column 0 inside an item', text: `rules:\n${rule('a', '# col 0\n    y: 1\n')}${rule('b')}`, find: 'y: 1', insert: '2', mode: 'item' },
      { name: 'comment at column 0 before the next item', text: `rules:\n${rule('a', '# about b\n')}${rule('b')}`, find: 'name: a', insert: 'x' },
      { name: 'indentation indicator', text: `rules:\n${rule('a', '    key: |2\n       text\n')}${rule('b')}`, find: 'text', insert: 'y' },
      { name: 'keep chomping then blank lines', text: `rules:\n${rule('a', '    key: |+\n      text\n\n\n')}${rule('b')}`, find: 'text', insert: 'y', mode: 'item' },
      { name: 'typing keep chomping', text: `rules:\n${rule('a', '    key: |\n      text\n\n')}${rule('b')}`, find: '|\n', insert: '+' },
      { name: 'nested sequences', text: 'list:\n- - a\n  - b\n- - c\n  - d\n- - e\n', find: 'c', insert: 'x', mode: 'item' },
      { name: 'value on the line after the dash', text: 'list:\n-\n  name: a\n-\n  name: b\n- name: c\n', find: 'a', insert: 'x' },
      { name: 'multi-line flow sequence', text: 'list:\n- k: [a,\n    b]\n- k: [c]\n', find: 'b]', insert: 'x' },
      { name: 'empty items', text: 'list:\n-\n- a\n-\n- b\n', find: 'a', insert: 'x' },
      { name: 'next item with a comment', text: `rules:\n${rule('a')}  - name: b # the b rule\n    x: 1\n`, find: 'name: a', insert: 'x' },
      { name: 'blank line before the next item', text: `rules:\n${rule('a')}\n${rule('b')}\n${rule('c')}`, find: 'name: b', insert: 'x', mode: 'item' },
      { name: 'delete the blank line before the next item', text: `rules:\n${rule('a')}\n\n${rule('b')}\n${rule('c')}`, find: '\n\n  - name: b', insert: '' },
      { name: 'item turns into a scalar', text: `rules:\n${rule('a')}${rule('b')}${rule('c')}`, find: 'name: b', insert: '"' },
      { name: 'top-level sequence', text: '- a: 1\n  b: 2\n- a: 3\n- a: 4\n', find: 'b: 2', insert: 'x', mode: 'item' },
      { name: 'second document', text: `a: 1\n---\nrules:\n${rule('a')}${rule('b')}---\nc: 3\n`, find: 'name: a', insert: 'x', mode: 'item' },
      { name: 'comment before ---', text: 'a: 1\n# about b\n---\nb: 2\n---\nc: 3\n', find: 'a: 1', insert: '1', mode: 'document' },
      { name: 'comment on the --- line', text: 'a: 1\n--- # b doc\nb: 2\n---\nc: 3\n', find: 'b: 2', insert: '2', mode: 'document' },
      { name: 'document end marker', text: 'a: 1\n...\n---\nb: 2\n', find: 'b: 2', insert: '2' },
      { name: 'unclosed quote before ---', text: 'a: 1\n---\nb: x\n---\nc: 3\n', find: 'b: ', insert: "'" },
    ];
    for (const { name, text, find, insert, mode } of cases) {
      it(name, () => {
        const at = text.indexOf(find) + (insert === '' ? 0 : find.length - (find.endsWith('\n') ? 1 : 0));
        const edited = insert === '' ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + insert + text.slice(at);
        const result = reparseYamlFile(parseYamlFile(URI, text, 1), edited, 2);
        assertSameAsFullParse(result.file, edited, `${name} (${result.mode})`);
        if (mode) assert.equal(result.mode, mode);
      });
    }
  });

  it('falls back to a full parse for documents with anchors', () => {
    const text = 'a: &x 1\nlist:\n- k: *x\n- k: 2\n- k: 3\n';
    const before = parseYamlFile(URI, text, 1);
    const edited = text.replace('k: 2', 'k: 22');
    const result = reparseYamlFile(before, edited, 2);
    assert.equal(result.mode, 'full');
    assertSameAsFullParse(result.file, edited, 'anchors');
  });

  it('is what the language service parse returns after an edit', () => {
    // Loaded here so that the parser tests above do not depend on every rule module loading.
    const { getLanguageService } = require('../../../server/src/service/languageService') as typeof import('../../../server/src/service/languageService');
    const service = getLanguageService();
    const first = service.parse(URI, policy, 1);
    const at = policy.indexOf('verify-team-12') + 4;
    const text = policy.slice(0, at) + 'q' + policy.slice(at);
    const second = service.parse(URI, text, 2);
    assert.notEqual(second, first);
    assertSameAsFullParse(second, text, 'language service');
    assert.equal(second.docs[0].doc.getIn(['spec', 'rules', 12, 'name']), 'veriqfy-team-12');
  });

  // Each step compares with a full parse of 2,000 lines, so the step count is kept modest here; the
  // multi-document test below and INCREMENTAL_FUZZ cover many more edits on smaller texts.
  it('matches a full parse after 80 random edits of a 2,000-line policy', function () {
    this.timeout(180_000);
    const modes = fuzz(policy, 20240611, 80);
    assert.ok(modes.item > 20, `item path taken ${modes.item} times: ${JSON.stringify(modes)}`);
  });

  it('matches a full parse after 400 random edits of a three-document file', function () {
    this.timeout(180_000);
    const modes = fuzz(threeDocuments(), 7, 400);
    assert.ok(modes.item > 50, `item path taken ${modes.item} times: ${JSON.stringify(modes)}`);
    assert.ok(modes.document > 50, `document path taken ${modes.document} times: ${JSON.stringify(modes)}`);
  });
});

describe('parseYamlFile line starts', () => {
  it('counts every line even after a stream-level error (the parser skips lines inside rejected tokens)', () => {
    const text = '---\n  b: 1\n c: |\n   l1\n   l2\nd: 2\n';
    const file = parseYamlFile(URI, text);
    assert.ok(file.docs[0].doc.errors.length > 0);
    assert.deepStrictEqual(positionAt(file, text.indexOf('d: 2')), { line: 5, character: 0 });
  });
});

describe('docAtOffset', () => {
  const text = '# head\na: 1\n\n\n---\nb: 2\n\n# tail of b\n--- # c\nc: 3\n';
  const file = parseYamlFile(URI, text);
  const docOf = (needle: string, delta = 0) => docAtOffset(file, text.indexOf(needle) + delta)?.index;

  it('gives the first document for text before its content', () => {
    assert.equal(docOf('# head'), 0);
  });

  it('gives the earlier document for its blank and comment tail', () => {
    assert.equal(docOf('\n\n\n---', 2), 0);
    assert.equal(docOf('# tail of b'), 1);
  });

  it('gives the following document on a --- line and past the end', () => {
    assert.equal(docOf('---\nb'), 1);
    assert.equal(docOf('--- # c', 5), 2);
    assert.equal(docAtOffset(file, text.length)?.index, 2);
  });
});

// Timing of full vs incremental parse for one-character edits inside rules: INCREMENTAL_BENCH=1 to run.
if (process.env.INCREMENTAL_BENCH) {
  describe('incremental re-parse timing', () => {
    it('reports p50/p95 of 200 one-character edits inside rules', function () {
      this.timeout(600_000);
      const base = bigPolicy(66);
      const random = mulberry32(99);
      const edits: string[] = [];
      for (let i = 0; i < 200; i++) {
        const rule = int(random, 65); // not the last rule: it ends at a dedent and takes the document path
        const at = base.indexOf(`verify-team-${rule}\n`) + 'verify-team-'.length;
        edits.push(base.slice(0, at) + 'abcdefgh'[int(random, 8)] + base.slice(at));
      }
      const previous = parseYamlFile(URI, base, 1);
      const time = (f: () => void) => {
        const start = process.hrtime.bigint();
        f();
        return Number(process.hrtime.bigint() - start) / 1e6;
      };
      const modes = new Set<string>();
      const full = edits.map((text) => time(() => parseYamlFile(URI, text, 2)));
      const incremental = edits.map((text) => time(() => modes.add(reparseYamlFile(previous, text, 2).mode)));
      const pct = (list: number[], p: number) => [...list].sort((a, b) => a - b)[Math.floor((list.length - 1) * p)].toFixed(2);
      console.log(`      ${base.split('\n').length} lines; full parse p50 ${pct(full, 0.5)} ms, p95 ${pct(full, 0.95)} ms; ` +
        `incremental p50 ${pct(incremental, 0.5)} ms, p95 ${pct(incremental, 0.95)} ms (${[...modes].join(', ')})`);
      assert.deepStrictEqual([...modes], ['item']);
    });
  });
}

function int(random: () => number, n: number): number {
  return Math.floor(random() * n);
}

// Longer runs on smaller texts (the logic does not depend on size): INCREMENTAL_FUZZ=<first seed>:<seeds>:<steps>.
if (process.env.INCREMENTAL_FUZZ) {
  const [first, count, steps] = process.env.INCREMENTAL_FUZZ.split(':').map(Number);
  describe('incremental re-parse, long fuzz', () => {
    for (let seed = first; seed < first + count; seed++) {
      it(`seed ${seed}: ${steps} edits of a policy and of a three-document file`, function () {
        this.timeout(0);
        fuzz(bigPolicy(8), seed, steps);
        fuzz(threeDocuments(), seed, steps);
      });
    }
  });
}
