// Corpus check for the image extractor: every container image that IMAGES.tsv lists for a pod-bearing kind
// is found at exactly that path (none missing), nothing else is found (none invented), nothing throws.
// The corpus lives outside the repo; without it this suite reports SKIPPED and why.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseYamlFile } from '../../server/src/service/document/yamlFile';
import { POD_BEARING_KINDS } from '../../server/src/service/document/classify';
import { imagesInFile, podSpecPath } from '../../server/src/service/manifest/images';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CORPUS = process.env.IMAGE_TRUST_CORPUS ?? path.resolve(REPO_ROOT, '..', 'shared', 'reference', 'corpus');
const RESOURCES = path.join(CORPUS, 'kyverno-policies-resources');
const TSV = path.join(RESOURCES, 'IMAGES.tsv');

interface Row { file: string; docIndex: number; kind: string; path: string; image: string }

const key = (file: string, docIndex: number, p: string, image: string) => `${file}\t${docIndex}\t${p}\t${image}`;

/** Rows for container images of pod-bearing kinds (not CR fields or volume `rbd.image`). */
function isContainerImageRow(row: Row): boolean {
  const spec = podSpecPath(row.kind);
  if (!POD_BEARING_KINDS.has(row.kind) || !spec) return false;
  const re = new RegExp(`^${spec.join('/')}/(initContainers|containers|ephemeralContainers)/\\d+/image$`);
  return re.test(row.path);
}

describe('corpus: container images of kyverno/policies test resources', function () {
  this.timeout(120_000);
  let rows: Row[] = [];

  before(function () {
    if (!fs.existsSync(TSV)) {
      console.log(`    SKIPPED corpus image check: ${TSV} not found (set IMAGE_TRUST_CORPUS to the corpus folder)`);
      this.skip();
    }
    rows = fs.readFileSync(TSV, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '').map((line) => {
      const [file, docIndex, kind, p, ...image] = line.split('\t');
      return { file, docIndex: Number(docIndex), kind, path: p, image: image.join('\t') };
    });
  });

  it('finds exactly the listed container images, none missing and none invented', () => {
    const expected = new Map<string, number>();
    const files = new Set<string>();
    let otherRows = 0;
    for (const row of rows) {
      files.add(row.file);
      if (!isContainerImageRow(row)) { otherRows++; continue; }
      const k = key(row.file, row.docIndex, row.path, row.image);
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    const found = new Map<string, number>();
    const crashes: string[] = [];
    for (const file of files) {
      try {
        const parsed = parseYamlFile(`file:///${file}`, fs.readFileSync(path.join(RESOURCES, file), 'utf8'));
        // IMAGES.tsv numbers only documents with content (a comment-only `---` section is not counted).
        const ordinal = new Map(parsed.docs.filter((d) => d.doc.toJS() != null).map((d, i) => [d, i]));
        for (const o of imagesInFile(parsed)) {
          const k = key(file, ordinal.get(o.doc) ?? -1, o.path.join('/'), o.image);
          found.set(k, (found.get(k) ?? 0) + 1);
        }
      } catch (err) {
        crashes.push(`${file}: ${(err as Error).message}`);
      }
    }
    const missing = [...expected.keys()].filter((k) => found.get(k) !== expected.get(k));
    const invented = [...found.keys()].filter((k) => !expected.has(k));
    const expectedCount = [...expected.values()].reduce((a, b) => a + b, 0);
    const foundCount = [...found.values()].reduce((a, b) => a + b, 0);
    console.log(`    corpus: ${files.size} files, ${rows.length} image rows: ${expectedCount} container images of pod-bearing kinds, ${otherRows} other (CR fields, volume images); found ${foundCount}`);
    assert.deepEqual(crashes, [], 'no crash');
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} listed images not found`);
    assert.deepEqual(invented.slice(0, 10), [], `${invented.length} images found that are not listed`);
    assert.equal(foundCount, expectedCount);
  });
});
