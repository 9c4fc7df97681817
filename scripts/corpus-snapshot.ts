// Records what every policy-reading feature says about the corpus, so a refactor of how policies are read can
// prove it changes nothing: `npx tsx scripts/corpus-snapshot.ts OUT.json [CORPUS_DIR] [--compare BASELINE.json]`
// writes the snapshot and, with --compare, lists every file and part (diagnostics, lenses, hovers, plans) that
// differs from the baseline, with the entries only one side has. Covers diagnostics (with their code actions), code lenses, hovers on
// every scalar value of a policy and on every manifest image, and the verification plan of every verifyImages
// entry with the corpus images it applies to. The snapshot is large: keep it out of the repository.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isScalar, visit } from 'yaml';
import { getLanguageService } from '../server/src/service/languageService';
import { PolicyIndex } from '../server/src/service/workspace/policyIndex';
import { positionAt, YamlFile } from '../server/src/service/document/yamlFile';
import { isPolicyKind } from '../server/src/service/document/classify';
import { imagesInFile } from '../server/src/service/manifest/images';
import { defaultSettings } from '../server/src/service/settings';
import { listEntries, matchImage, planFromPolicy } from '../server/src/verify/policySpec';

const argv = process.argv.slice(2);
const compareAt = argv.indexOf('--compare');
const baselineFile = compareAt >= 0 ? argv.splice(compareAt, 2)[1] : undefined;
const [out, corpusArg] = argv;
if (!out || (compareAt >= 0 && !baselineFile)) {
  console.error('usage: tsx scripts/corpus-snapshot.ts OUT.json [CORPUS_DIR] [--compare BASELINE.json]');
  process.exit(2);
}
const corpus = path.resolve(corpusArg ?? path.join(__dirname, '..', '..', '..', 'shared', 'reference', 'corpus'));

function yamlFiles(dir: string): string[] {
  const found: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) found.push(...yamlFiles(p));
    else if (/\.ya?ml$/i.test(e.name)) found.push(p);
  }
  return found;
}

function hoversOf(service: ReturnType<typeof getLanguageService>, file: YamlFile): unknown[] {
  const rows: unknown[] = [];
  for (const doc of file.docs) {
    if (!isPolicyKind(doc.kind)) continue;
    visit(doc.doc, {
      Pair(_, pair) {
        const v = pair.value;
        if (!isScalar(v) || !v.range) return;
        const at = positionAt(file, v.range[0]);
        const hover = service.doHover(file, at);
        if (hover) rows.push({ at, hover });
      },
      Scalar(key, node) {
        if (key !== null && typeof key === 'number' && node.range) {
          const at = positionAt(file, node.range[0]);
          const hover = service.doHover(file, at);
          if (hover) rows.push({ at, hover });
        }
      },
    });
  }
  for (const o of imagesInFile(file)) {
    const at = positionAt(file, o.node.range![0]);
    rows.push({ at, hover: service.doHover(file, at) });
  }
  return rows;
}

function plansOf(rel: string, text: string, images: string[]): unknown[] {
  return listEntries(rel, text).map((e) => {
    const plan = planFromPolicy(rel, text, e.ruleIndex, e.entryIndex, e.docIndex);
    const applies = plan.ok ? images.filter((i) => matchImage(plan.plan, i).applies) : [];
    return { entry: e, plan, applies };
  });
}

const snapshot: Record<string, unknown> = {};
for (const sub of fs.readdirSync(corpus, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
  const index = new PolicyIndex();
  const service = getLanguageService({ policyIndex: index });
  const files = yamlFiles(path.join(corpus, sub)).map((p) => {
    const rel = path.relative(corpus, p);
    const file = service.parse(pathToFileURL(p).toString(), fs.readFileSync(p, 'utf8'));
    index.update(file.uri, file);
    return { rel, file };
  });
  const images = [...new Set(index.images().map((i) => i.image))].sort();
  for (const { rel, file } of files) {
    const diagnostics = service.doValidation(file, defaultSettings);
    snapshot[rel] = {
      diagnostics: diagnostics.map((d) => ({ ...d, actions: service.doCodeActions(file, d.range, [d]) })),
      lenses: service.doCodeLens(file),
      hovers: hoversOf(service, file),
      plans: plansOf(rel, file.text, images),
    };
  }
}
fs.writeFileSync(out, JSON.stringify(snapshot, null, 1));
console.log(`${Object.keys(snapshot).length} files recorded in ${out}`);
if (baselineFile) process.exit(compare(JSON.parse(fs.readFileSync(baselineFile, 'utf8')), JSON.parse(JSON.stringify(snapshot))));

/** Prints what differs from the baseline; 0 when nothing does. */
function compare(before: Record<string, Record<string, unknown[]>>, after: Record<string, Record<string, unknown[]>>): number {
  let differing = 0;
  for (const file of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    for (const part of ['diagnostics', 'lenses', 'hovers', 'plans']) {
      const a = (before[file]?.[part] ?? []).map((x) => JSON.stringify(x));
      const b = (after[file]?.[part] ?? []).map((x) => JSON.stringify(x));
      if (JSON.stringify(a) === JSON.stringify(b)) continue;
      differing++;
      console.log(`${file} ${part}:`);
      for (const x of a.filter((x) => !b.includes(x))) console.log(`  - ${x.slice(0, 240)}`);
      for (const x of b.filter((x) => !a.includes(x))) console.log(`  + ${x.slice(0, 240)}`);
    }
  }
  console.log(differing === 0 ? 'identical to the baseline' : `${differing} part(s) differ from the baseline`);
  return differing === 0 ? 0 : 1;
}
