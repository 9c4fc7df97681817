// Property-based fuzzing of the bundled language server over stdio (dist/server.js): mutated policies and manifests
// opened, edited incrementally, hovered, completed and fixed. The server must answer every request, publish
// diagnostics inside the document, offer edits that apply, stay alive, and answer within a bound. Fewer runs than
// the service fuzzer: each one is a round trip through a real process.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { docUri, startServer } from '../lsp/harness';
import type { LspClient } from '../support/lspClient';
import { loadSeeds } from './seeds';
import { mutatedText } from './mutations';
import { applyEdits, assertRange, fuzzSettings, lineLengths, Timings } from './properties';

function positionOf(text: string, offset: number) {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

describe('fuzz: language server over stdio on mutated policies and manifests', function () {
  const { seed, numRuns, long } = fuzzSettings(15, 400);
  this.timeout(long ? 0 : 120_000);
  const seeds = loadSeeds(30, 20_000);
  const timings = new Timings(10_000, 10_000);
  let client: LspClient;

  before(async () => {
    client = await startServer();
  });
  after(async () => {
    await client?.stop();
    console.log(`      seed ${seed}, ${numRuns} runs, ${seeds.texts.length} seed texts (${seeds.fromCorpus} from the corpus)`);
    console.log(timings.report('      LSP server').replace(/\n/g, '\n      '));
  });

  it('publishes diagnostics and answers hover, completion and code actions for any text, and stays up', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        mutatedText(seeds.texts),
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.constantFrom('', 'x', '\n', '  - ', '*a', '&a ', '<<: *a\n', '[', '"', '\uFEFF')),
        async ({ text }, offsets, [editAt, editLength, insert]) => {
          const uri = docUri(`fuzz-${run++}.yaml`);
          const bytes = text.length;
          const opened = await timings.time('didOpen→diag', bytes, () => {
            const published = client.waitForDiagnostics(uri, () => true, timings.bound(bytes));
            client.didOpen(uri, text);
            return published;
          });
          const lengths = lineLengths(text);
          for (const d of opened.diagnostics) assertRange(lengths, d.range, `diagnostic ${d.code}`);

          for (const n of offsets) {
            const position = positionOf(text, n % (text.length + 1));
            const hover = await timings.time('hover', bytes, () => client.hover(uri, position));
            if (hover?.range) assertRange(lengths, hover.range, 'hover');
            const items = await timings.time('completion', bytes, () => client.completionItems(uri, position));
            for (const item of items) {
              const edit = item.textEdit as TextEdit | undefined;
              if (edit?.range) applyEdits(text, [edit], `completion ${item.label}`);
            }
          }
          for (const d of opened.diagnostics.slice(0, 10) as Diagnostic[]) {
            const actions = (await timings.time('codeAction', bytes, () => client.codeAction(uri, d.range, [d]))) ?? [];
            for (const action of actions) {
              const edits = 'edit' in action ? action.edit?.changes?.[uri] : undefined;
              if (edits) applyEdits(text, edits, `code action "${action.title}"`);
            }
          }

          // One incremental edit: the server re-parses only what changed where it can.
          const start = positionOf(text, editAt % (text.length + 1));
          const endOffset = Math.min(text.length, (editAt % (text.length + 1)) + editLength);
          const end = positionOf(text, endOffset);
          const edited = await timings.time('didChange→diag', bytes, () => {
            const published = client.waitForDiagnostics(uri, () => true, timings.bound(bytes));
            client.replace(uri, { start, end }, insert);
            return published;
          });
          const after = client.text(uri)!;
          for (const d of edited.diagnostics) assertRange(lineLengths(after), d.range, `diagnostic ${d.code} after an edit`);
          client.didClose(uri);
        },
      ),
      { seed, numRuns, endOnFailure: true },
    );
    // Still alive and answering.
    const probe = docUri('fuzz-probe.yaml');
    const published = client.waitForDiagnostics(probe);
    client.didOpen(probe, 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: p}\nspec: {rulez: []}\n');
    assert.ok((await published).diagnostics.some((d) => d.code === 'schema-unknown-field'));
    assert.deepEqual(timings.overruns, [], timings.report('LSP server'));
  });
});
