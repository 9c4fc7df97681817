// Property-based fuzzing of the pure language service: mutated real policies and manifests (see mutations.ts) through
// validation, code lenses, hover, completion and code actions. Nothing may throw, every range must lie inside its
// document, every code action's edit must apply cleanly, and every call must finish within a bound. `npm test` runs
// a fixed seed; `npm run fuzz` runs longer (FUZZ_SEED / FUZZ_RUNS to choose).
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { getLanguageService } from '../../server/src/service/languageService';
import { defaultSettings } from '../../server/src/service/settings';
import type { Position } from '../../server/src/service/types';
import { loadSeeds } from './seeds';
import { mutatedText } from './mutations';
import { applyEdits, assertRange, fuzzSettings, lineLengths, Timings } from './properties';

function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

describe('fuzz: language service on mutated policies and manifests', function () {
  const { seed, numRuns, long } = fuzzSettings(60, 2_000);
  this.timeout(long ? 0 : 120_000);
  const seeds = loadSeeds();
  const timings = new Timings(5_000, 5_000);

  after(() => {
    console.log(`      seed ${seed}, ${numRuns} runs, ${seeds.texts.length} seed texts (${seeds.fromCorpus} from the corpus)`);
    console.log(timings.report('      service').replace(/\n/g, '\n      '));
  });

  it('answers every request on any text, inside the document, with edits that apply, in bounded time', async () => {
    if (seeds.fromCorpus === 0) console.log('      (corpus not found: seeding from the examples and fixtures only)');
    const service = getLanguageService();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(mutatedText(seeds.texts), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), async ({ seed: from, text }, offsets) => {
        const uri = `file:///fuzz/${run++ % 7}.yaml`;
        const bytes = text.length;
        const lengths = lineLengths(text);
        // The previous text of this URI makes parse() take the incremental path when it can.
        const file = await timings.time('parse', bytes, () => service.parse(uri, text, run));
        const diagnostics = await timings.time('validation', bytes, () => service.doValidation(file, defaultSettings));
        for (const d of diagnostics) assertRange(lengths, d.range, `diagnostic ${d.code} (seed text ${from})`);
        const lenses = await timings.time('codeLens', bytes, () => service.doCodeLens(file));
        for (const l of lenses) assertRange(lengths, l.range, 'code lens');

        for (const n of offsets) {
          const position = positionOf(text, n % (text.length + 1));
          const hover = await timings.time('hover', bytes, () => service.doHover(file, position));
          if (hover?.range) assertRange(lengths, hover.range, 'hover');
          const list = await timings.time('completion', bytes, () => service.doComplete(file, position));
          for (const item of list.items) if (item.textEdit) applyEdits(text, [item.textEdit], `completion ${item.label}`);
        }

        for (const d of diagnostics.slice(0, 25)) {
          const actions = await timings.time('codeAction', bytes, () => service.doCodeActions(file, d.range, [d]));
          for (const action of actions) {
            const edits = action.edit?.changes[uri];
            if (!edits) continue;
            const fixed = applyEdits(text, edits, `code action "${action.title}"`);
            // The fixed text must be readable again (it goes through the same service).
            service.parse(`${uri}.fixed`, fixed);
          }
        }
      }),
      { seed, numRuns, endOnFailure: true },
    );
    assert.deepEqual(timings.overruns, [], timings.report('service'));
  });
});
