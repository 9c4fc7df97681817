// Code lenses for live verification: "Verify signature" above each manifest image and "Verify N matching
// workspace images" above each Kyverno verifyImages entry. Pure: reads the parsed file and the workspace view
// (whose recorded verification results, when the host ran any, replace the lens titles). No network here —
// the lenses only name the commands; the LSP server runs them.
import { isScalar } from 'yaml';
import type { YamlDoc, YamlFile } from './document/yamlFile';
import { mapItems, nodeRange } from './document/yamlFile';
import { imagesInFile } from './manifest/images';
import { KyvernoEntry, kyvernoModel } from './policy/model';
import { matcherAccepts } from './policy/match';
import type { Command, Range } from './types';
import type { IndexedImage, RecordedEntryVerification, VerifyEntryRef, WorkspaceView } from './workspace/policyIndex';

export interface CodeLens {
  range: Range;
  command: Command;
}

/** `imageTrust.verifyImage(uri, range, image)`: verify one manifest image against the rules covering it. */
export const VERIFY_IMAGE_COMMAND = 'imageTrust.verifyImage';
/** `imageTrust.verifyRule(ref: VerifyEntryRef)`: verify every workspace image one verifyImages entry matches. */
export const VERIFY_RULE_COMMAND = 'imageTrust.verifyRule';

export function codeLenses(file: YamlFile, workspace?: WorkspaceView): CodeLens[] {
  return [...imageLenses(file, workspace), ...entryLenses(file, workspace)];
}

function imageLenses(file: YamlFile, workspace?: WorkspaceView): CodeLens[] {
  return imagesInFile(file)
    .filter((o) => !o.templated)
    .map((o) => {
      const range = nodeRange(file, o.node);
      const recorded = workspace?.verificationOf?.(file.uri, o.image);
      return { range, command: { title: recorded?.summary ?? 'Verify signature', command: VERIFY_IMAGE_COMMAND, arguments: [file.uri, range, o.image] } };
    });
}

function entryLenses(file: YamlFile, workspace?: WorkspaceView): CodeLens[] {
  // Without a workspace index there is nothing to count, and the command would have nothing to verify.
  if (!workspace) return [];
  const out: CodeLens[] = [];
  for (const doc of file.docs) {
    for (const entry of kyvernoModel(doc)?.entries ?? []) {
      const anchor = mapItems(entry.view.node)[0]?.key;
      if (!isScalar(anchor) || !anchor.range) continue;
      const ref: VerifyEntryRef = { uri: file.uri, docIndex: doc.index, ruleIndex: entry.rule.index, entryIndex: entry.view.index };
      const count = distinctImages(entryImages(entry, workspace)).length;
      const noun = count === 1 ? 'image' : 'images';
      let title = count === 0 ? 'No workspace image matches this entry' : `Verify ${count} matching workspace ${noun}`;
      const last = workspace.entryVerificationOf?.(ref);
      if (last && count > 0) title += ` · last run: ${describeEntryRun(last)}`;
      out.push({ range: nodeRange(file, anchor), command: { title, command: VERIFY_RULE_COMMAND, arguments: [ref] } });
    }
  }
  return out;
}

function describeEntryRun(r: RecordedEntryVerification): string {
  const parts = [`✓ ${r.verified} verified`];
  if (r.failed > 0) parts.push(`✗ ${r.failed} failed`);
  if (r.other > 0) parts.push(`${r.other} not checked`);
  return parts.join(', ');
}

/**
 * Workspace images an entry's `imageReferences` (after Convert(), so with the deprecated `image`) match after
 * Kyverno's normalisation, less those its `skipImageReferences` exempt. Patterns only: the rule's
 * match/exclude is not applied here (the index keeps no labels), so this may count an image whose workload
 * the rule does not select.
 */
export function entryImages(entry: KyvernoEntry, workspace: WorkspaceView): IndexedImage[] {
  const seen = new Set<IndexedImage>();
  for (const m of entry.imageReferences) for (const image of workspace.imagesMatching(m.pattern)) seen.add(image);
  return [...seen].filter((i) => !entry.skipImageReferences.some((s) => matcherAccepts(s, i.image)));
}

/** One entry per distinct normalised image, keeping the first occurrence. */
export function distinctImages(images: readonly IndexedImage[]): IndexedImage[] {
  const byName = new Map<string, IndexedImage>();
  for (const i of images) if (!byName.has(i.normalized!)) byName.set(i.normalized!, i);
  return [...byName.values()];
}

/** The verifyImages entry a `VerifyEntryRef` names in this parsed file, if it is still there. */
export function entryAt(file: YamlFile, ref: Pick<VerifyEntryRef, 'docIndex' | 'ruleIndex' | 'entryIndex'>): { doc: YamlDoc; entry: KyvernoEntry } | undefined {
  const doc = file.docs.find((d) => d.index === ref.docIndex && d.kind === 'kyverno-policy');
  const entry = doc && kyvernoModel(doc)?.entries.find((e) => e.rule.index === ref.ruleIndex && e.view.index === ref.entryIndex);
  return doc && entry ? { doc, entry } : undefined;
}
