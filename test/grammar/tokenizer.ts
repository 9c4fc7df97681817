// Tokenizes YAML the way VS Code does: a base YAML TextMate grammar with this extension's injection grammars
// (read from package.json `contributes.grammars`, so the contribution itself is what gets tested).
// The base grammar comes from the test-only `tm-grammars` package (textmate/yaml.tmbundle, the YAML grammar
// VS Code shipped before its current one); the injections only rely on scope names both grammars share.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

export const repoRoot = path.resolve(__dirname, '..', '..');
const baseYamlGrammarPath = require.resolve('tm-grammars/grammars/yaml.json');

export interface GrammarContribution {
  scopeName: string;
  path: string;
  injectTo?: string[];
  language?: string;
}

export function contributedGrammars(): GrammarContribution[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  return pkg.contributes?.grammars ?? [];
}

export interface Token {
  text: string;
  start: number;
  end: number;
  scopes: string[];
}

let onigLib: Promise<vsctm.IOnigLib> | undefined;

/** Oniguruma ships as WASM inside the npm package, so nothing is downloaded. */
export function loadOniguruma(): Promise<vsctm.IOnigLib> {
  onigLib ??= (async () => {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    return {
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    };
  })();
  return onigLib;
}

const grammarCache = new Map<boolean, Promise<vsctm.IGrammar>>();

/** The `source.yaml` grammar, with or without this extension's injections. */
export function yamlGrammar(withInjections: boolean): Promise<vsctm.IGrammar> {
  let grammar = grammarCache.get(withInjections);
  if (!grammar) {
    grammar = loadYamlGrammar(withInjections);
    grammarCache.set(withInjections, grammar);
  }
  return grammar;
}

async function loadYamlGrammar(withInjections: boolean): Promise<vsctm.IGrammar> {
  const injections = withInjections ? contributedGrammars().filter((g) => g.injectTo?.includes('source.yaml')) : [];
  const files = new Map<string, string>([['source.yaml', baseYamlGrammarPath]]);
  for (const g of injections) files.set(g.scopeName, path.join(repoRoot, g.path));
  const registry = new vsctm.Registry({
    onigLib: loadOniguruma(),
    loadGrammar: async (scopeName) => {
      const file = files.get(scopeName);
      return file ? vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
    getInjections: (scopeName) => (scopeName === 'source.yaml' ? injections.map((g) => g.scopeName) : undefined),
  });
  const grammar = await registry.loadGrammar('source.yaml');
  if (!grammar) throw new Error('the base YAML grammar did not load');
  return grammar;
}

/** Tokens of each line, tokenized in sequence so multi-line state carries over. */
export async function tokenizeLines(lines: string[], withInjections = true): Promise<Token[][]> {
  const grammar = await yamlGrammar(withInjections);
  let state = vsctm.INITIAL;
  return lines.map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens
      .map((t) => ({ text: line.slice(t.startIndex, Math.min(t.endIndex, line.length)), start: t.startIndex, end: Math.min(t.endIndex, line.length), scopes: t.scopes }))
      .filter((t) => t.end > t.start);
  });
}
