// The YAML injection grammars (syntaxes/*.injection.tmLanguage.json), tokenized with a real TextMate engine.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { checkFixture, parseFixture } from './assertions';
import { contributedGrammars, loadOniguruma, repoRoot, tokenizeLines, Token } from './tokenizer';

const fixtureDir = __dirname;
const fixtures = fs.readdirSync(fixtureDir).filter((f) => f.endsWith('.yaml')).sort();
const ourScope = (scope: string) => scope.endsWith('.image-trust');
const flatten = (lines: Token[][]) => lines.map((tokens) => tokens.map((t) => `${t.text} => ${t.scopes.join(' ')}`));

describe('YAML injection grammars', () => {
  it('are contributed as injections into source.yaml, with files whose scopeName matches', () => {
    const grammars = contributedGrammars();
    assert.deepEqual(grammars.map((g) => g.scopeName).sort(), ['image-trust.image-reference.injection', 'image-trust.pem.injection']);
    for (const g of grammars) {
      assert.deepEqual(g.injectTo, ['source.yaml'], g.scopeName);
      assert.equal(g.language, undefined, `${g.scopeName} is an injection, not a language grammar`);
      const raw = JSON.parse(fs.readFileSync(path.join(repoRoot, g.path), 'utf8'));
      assert.equal(raw.scopeName, g.scopeName);
      assert.match(raw.injectionSelector, /^L:/, 'left-priority, so it wins over the YAML rule matching at the same spot');
    }
  });

  it('compile every regular expression with Oniguruma', async () => {
    await loadOniguruma();
    const bad: string[] = [];
    const visit = (node: unknown, where: string) => {
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (['match', 'begin', 'end', 'while'].includes(key) && typeof value === 'string') {
          try {
            new oniguruma.OnigScanner([value]).dispose();
          } catch (e) {
            bad.push(`${where}.${key}: ${(e as Error).message}`);
          }
        } else visit(value, `${where}.${key}`);
      }
    };
    for (const g of contributedGrammars()) visit(JSON.parse(fs.readFileSync(path.join(repoRoot, g.path), 'utf8')), g.scopeName);
    assert.deepEqual(bad, []);
  });

  for (const name of fixtures) {
    it(`${name}: every scope assertion holds`, async () => {
      const fixture = parseFixture(fs.readFileSync(path.join(fixtureDir, name), 'utf8'));
      assert.ok(fixture.assertions.length > 0, 'a fixture without assertions tests nothing');
      const failures = checkFixture(fixture, await tokenizeLines(fixture.source));
      assert.deepEqual(failures, [], `${failures.length} failed assertion(s) in ${name}`);
    });
  }

  it('leave ordinary YAML exactly as the base grammar tokenizes it', async () => {
    const { source } = parseFixture(fs.readFileSync(path.join(fixtureDir, 'plain.yaml'), 'utf8'));
    const injected = await tokenizeLines(source, true);
    const base = await tokenizeLines(source, false);
    assert.deepEqual(flatten(injected), flatten(base));
    assert.ok(!injected.flat().some((t) => t.scopes.some(ourScope)));
  });

  it('outside the values they target, change no token in the policy fixtures', async () => {
    for (const name of ['image-references.yaml', 'pem-blocks.yaml']) {
      const { source } = parseFixture(fs.readFileSync(path.join(fixtureDir, name), 'utf8'));
      const injected = await tokenizeLines(source, true);
      const base = await tokenizeLines(source, false);
      source.forEach((line, i) => {
        if (injected[i].some((t) => t.scopes.some(ourScope))) return;
        assert.deepEqual(flatten([injected[i]]), flatten([base[i]]), `${name}: ${JSON.stringify(line)}`);
      });
    }
  });

  it('end an unterminated PEM block at the first line that is not base64', async () => {
    const [, , , after] = await tokenizeLines(['key: |', '  -----BEGIN PUBLIC KEY-----', '  MFkw', 'next: value']);
    const keyToken = after.find((t) => t.start === 0);
    assert.ok(keyToken?.scopes.includes('entity.name.tag.yaml'), JSON.stringify(after));
    assert.ok(!after.some((t) => t.scopes.some(ourScope)), JSON.stringify(after));
  });
});
