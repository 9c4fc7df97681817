// The texts the fuzzers start from: the bundled examples, the test fixtures, and a fixed sample of the real
// corpus (when it is present), so mutations start from what people really write.
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

function yamlFilesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry.name)) out.push(full);
    }
  };
  walk(dir);
  return out.sort();
}

/** Where the corpus is, as the corpus suites find it. */
export function corpusDir(): string {
  return process.env.IMAGE_TRUST_CORPUS ?? path.join(ROOT, '..', 'shared', 'reference', 'corpus');
}

export interface Seeds {
  texts: string[];
  /** How many came from the corpus (0 when it is absent: then the examples and fixtures alone seed the run). */
  fromCorpus: number;
}

/** Every example and fixture, plus every `stride`-th corpus file up to `corpusLimit` (deterministic). */
export function loadSeeds(corpusLimit = 60, maxBytes = 40_000): Seeds {
  const local = [
    ...yamlFilesUnder(path.join(ROOT, 'examples')),
    ...yamlFilesUnder(path.join(ROOT, 'test', 'fixtures', 'policies')),
    ...yamlFilesUnder(path.join(ROOT, 'test', 'fixtures', 'manifests')),
  ];
  const corpus = yamlFilesUnder(corpusDir());
  const stride = Math.max(1, Math.floor(corpus.length / corpusLimit));
  const sampled = corpus.filter((_, i) => i % stride === 0).slice(0, corpusLimit);
  const read = (files: string[]) => files.map((f) => fs.readFileSync(f, 'utf8')).filter((t) => t.length <= maxBytes);
  const fromCorpus = read(sampled);
  return { texts: [...read(local), ...fromCorpus], fromCorpus: fromCorpus.length };
}
