// Reads grammar fixtures written in the vscode-tmgrammar-test format and checks them against real tokens.
//
//   # SYNTAX TEST "source.yaml" "what the file covers"
//   image: ghcr.io/org/app:v1
//   #      ^^^^^^^ entity.name.tag.registry.image-trust
//   #                     ^^ constant.other.tag.image-trust - invalid
//   # <- entity.name.tag.yaml
//
// A line whose first non-blank text is `#` followed by `^` or `<-` is an assertion about the nearest source line
// above it; assertion lines (like the header) are taken out before tokenizing, so they can sit inside block
// scalars without ending them. `^` marks columns; `<-` marks column 0 (`<~~-` shifts it right by the `~`s).
// Scopes must appear in the token's scope stack in the given order (a scope matches itself and its
// sub-scopes); scopes after ` - ` must not appear at all.
import { Token } from './tokenizer';

export interface Assertion {
  /** 1-based line of the assertion in the fixture file, for messages. */
  fixtureLine: number;
  /** Index into `source` of the line being asserted on. */
  sourceIndex: number;
  columns: number[];
  scopes: string[];
  excluded: string[];
}

export interface Fixture {
  description: string;
  source: string[];
  /** 1-based fixture line of each source line. */
  sourceLines: number[];
  assertions: Assertion[];
}

const HEADER = /^#\s*SYNTAX TEST\s+"([^"]+)"(?:\s+"([^"]*)")?\s*$/;
const ASSERTION = /^(\s*)#(\s*)((?:\^+\s*)+|<~*-+)\s*(.*)$/;

export function parseFixture(text: string): Fixture {
  const lines = text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  const header = HEADER.exec(lines[0] ?? '');
  if (!header) throw new Error('a fixture starts with `# SYNTAX TEST "source.yaml" "description"`');
  if (header[1] !== 'source.yaml') throw new Error(`fixtures test source.yaml, not ${header[1]}`);
  const fixture: Fixture = { description: header[2] ?? '', source: [], sourceLines: [], assertions: [] };
  lines.slice(1).forEach((line, i) => {
    const fixtureLine = i + 2;
    const m = ASSERTION.exec(line);
    if (!m) {
      fixture.source.push(line);
      fixture.sourceLines.push(fixtureLine);
      return;
    }
    if (fixture.source.length === 0) throw new Error(`line ${fixtureLine}: an assertion needs a source line above it`);
    const [, , , marks, rest] = m;
    const [wanted, unwanted = ''] = rest.split(/\s+-\s+|^-\s+/);
    const columns: number[] = [];
    if (marks.startsWith('<')) {
      const shift = (marks.match(/~/g) ?? []).length;
      const width = (marks.match(/-/g) ?? []).length;
      for (let c = shift; c < shift + width; c++) columns.push(c);
    } else {
      const offset = line.indexOf(marks);
      for (let c = 0; c < marks.length; c++) if (marks[c] === '^') columns.push(offset + c);
    }
    const scopes = wanted.split(/\s+/).filter(Boolean);
    const excluded = unwanted.split(/\s+/).filter(Boolean);
    if (!scopes.length && !excluded.length) throw new Error(`line ${fixtureLine}: the assertion names no scope`);
    fixture.assertions.push({ fixtureLine, sourceIndex: fixture.source.length - 1, columns, scopes, excluded });
  });
  return fixture;
}

const matchesScope = (actual: string, wanted: string) => actual === wanted || actual.startsWith(wanted + '.');

/** Human-readable failures; empty when every assertion holds. */
export function checkFixture(fixture: Fixture, tokens: Token[][]): string[] {
  const failures: string[] = [];
  for (const a of fixture.assertions) {
    const line = fixture.source[a.sourceIndex];
    for (const column of a.columns) {
      const where = `line ${a.fixtureLine}, column ${column} of ${JSON.stringify(line)}`;
      const token = tokens[a.sourceIndex].find((t) => t.start <= column && column < t.end);
      if (!token) {
        failures.push(`${where}: no token there (the line is ${line.length} characters long)`);
        continue;
      }
      let from = 0;
      for (const wanted of a.scopes) {
        const at = token.scopes.findIndex((s, i) => i >= from && matchesScope(s, wanted));
        if (at < 0) {
          failures.push(`${where}: expected ${wanted} on ${JSON.stringify(token.text)}, got: ${token.scopes.join(' ')}`);
          break;
        }
        from = at + 1;
      }
      for (const unwanted of a.excluded) {
        if (token.scopes.some((s) => matchesScope(s, unwanted))) {
          failures.push(`${where}: ${unwanted} must not apply to ${JSON.stringify(token.text)}, got: ${token.scopes.join(' ')}`);
        }
      }
    }
  }
  return failures;
}
