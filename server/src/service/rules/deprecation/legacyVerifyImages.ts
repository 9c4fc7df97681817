// The v1 top-level verifyImages fields (`image`, `key`, `subject`, `issuer`, `roots`, `annotations`,
// `additionalExtensions`), deprecated since Kyverno 1.7. Kyverno rewrites them on the fly
// (ImageVerification.Convert): `image` joins `imageReferences`; one attestor set is built from `key`
// (a keys attestor) or else, when `issuer` is set, from `issuer`/`subject`/`roots` (a keyless attestor),
// carrying `annotations`; it goes to every attestation's `attestors` when there are attestations, else to
// the entry's `attestors`. The fix writes that result into the file.
import { isSeq, Pair, Scalar } from 'yaml';
import type { FixContext, RuleContext } from '../rule';
import type { YamlDoc } from '../../document/yamlFile';
import { asMap, seqItems } from '../../document/yamlFile';
import { child, KyvernoEntry, kyvernoModel, LEGACY_KEYS, LegacyFields, LegacyKey } from '../../policy/model';
import type { DeprecationChecker, DeprecationReport } from './checker';
import { quickFix } from './checker';
import { appendToMap, appendToSeq, indent, isBlockMap, movedPair, OffsetEdit, removePairs, scalarSource, Snippet, toTextEdits } from './yamlEdits';

type Entry = NonNullable<ReturnType<typeof asMap>>;

/** The model's entry at `path` (the fix runs on a later parse than the check). */
function entryAtPath(doc: YamlDoc, path: readonly (string | number)[]): KyvernoEntry | undefined {
  return kyvernoModel(doc)?.entries.find((e) => e.view.path.length === path.length && e.view.path.every((step, i) => step === path[i]));
}

function message(key: LegacyKey, present: Partial<Record<LegacyKey, unknown>>): string {
  const since = `\`${key}\` at the top of a verifyImages entry is deprecated since Kyverno 1.7`;
  switch (key) {
    case 'image':
      return `${since}: list the pattern under \`imageReferences\`.`;
    case 'key':
      return `${since}: use an attestor, \`attestors: [{entries: [{keys: {publicKeys: …}}]}]\`.`;
    case 'annotations':
      return `${since}: set \`annotations\` on the attestor entry.`;
    case 'additionalExtensions':
      return `${since} and Kyverno ignores it here: put it under the keyless attestor's \`additionalExtensions\`.`;
    default:
      if (present.key) return `${since}, and Kyverno ignores it because \`key\` is set (it builds a keys attestor); remove it or use a separate keyless attestor.`;
      if (!present.issuer) return `${since}, and Kyverno ignores it unless \`issuer\` is set: use a \`keyless\` attestor with subject and issuer.`;
      return `${since}: use a \`keyless\` attestor in \`attestors\`.`;
  }
}

export const legacyVerifyImages: DeprecationChecker = {
  kind: 'legacy-verify-images',
  check(ctx: RuleContext, report: (r: DeprecationReport) => void) {
    // The model has them only in kyverno.io/v1: v2beta1 has no such fields (the schema rules report them as unknown there).
    for (const entry of kyvernoModel(ctx.doc)?.entries ?? []) {
      const present = entry.legacy.pairs;
      for (const key of LEGACY_KEYS) {
        const pair = present[key];
        if (pair) report({ keyOf: pair, message: message(key, present), data: { kind: 'legacy-verify-images', path: entry.view.path, key } });
      }
    }
  },
  fix(ctx: FixContext, data) {
    const entry = entryAtPath(ctx.doc!, data.path);
    if (!entry || !isBlockMap(entry.view.node)) return [];
    const edits = convertEntry(ctx, entry);
    if (!edits) return [];
    return [quickFix(ctx, 'Convert the deprecated fields to `imageReferences` and `attestors`', toTextEdits(ctx.file, edits))];
  },
};

/** The edits turning an entry's legacy fields into their current form, or undefined when a part is not block YAML. */
function convertEntry(ctx: FixContext, modelEntry: KyvernoEntry): OffsetEdit[] | undefined {
  const file = ctx.file;
  const entry: Entry = modelEntry.view.node;
  const legacy = modelEntry.legacy.pairs;
  const edits: OffsetEdit[] = removePairs(file, entry, Object.values(legacy) as Pair[]);
  const newPairs: Snippet = [];

  if (legacy.image?.value) {
    const image = scalarSource(file, legacy.image.value as Scalar);
    const refs = child(entry, 'imageReferences');
    if (isSeq(refs) && refs.items.length > 0) {
      const edit = appendToSeq(file, refs, [image]);
      if (!edit) return undefined;
      edits.push(edit);
    } else if (refs === undefined) {
      newPairs.push('imageReferences:', `  - ${image}`);
    } else return undefined;
  }

  const attestor = attestorEntry(ctx, modelEntry.legacy);
  if (attestor.length > 0) {
    const set: Snippet = ['entries:', ...indent([`- ${attestor[0]}`, ...indent(attestor.slice(1), 2)], 2)];
    const attestations = seqItems(child(entry, 'attestations')).map(asMap);
    const targets = attestations.length > 0 ? attestations : [entry];
    for (const target of targets) {
      if (!target || !isBlockMap(target)) return undefined;
      const existing = child(target, 'attestors');
      if (isSeq(existing) && existing.items.length > 0 && !existing.flow) {
        const edit = appendToSeq(file, existing, set);
        if (!edit) return undefined;
        edits.push(edit);
      } else if (existing !== undefined) {
        return undefined;
      } else {
        const pairSnippet = ['attestors:', ...indent([`- ${set[0]}`, ...indent(set.slice(1), 2)], 2)];
        if (target === entry) newPairs.push(...pairSnippet);
        else edits.push(appendToMap(file, target, pairSnippet));
      }
    }
  }
  if (newPairs.length > 0) edits.push(appendToMap(file, entry, newPairs));
  return edits;
}

/**
 * The attestor entry Kyverno's Convert() builds (the model says which), as lines (the first follows `- `).
 * A `subject` or `roots` written without `issuer`, which Kyverno ignores, is kept in a keyless attestor rather
 * than deleted: the fix must not drop what the author wrote, and the result then says what it means.
 */
function attestorEntry(ctx: FixContext, fields: LegacyFields): Snippet {
  const file = ctx.file;
  const legacy = fields.pairs;
  const lines: Snippet = [];
  const kind = fields.converts ?? (legacy.subject || legacy.roots ? 'keyless' : undefined);
  if (kind === 'keys' && legacy.key) {
    lines.push('keys:', ...indent(movedPair(file, legacy.key, 'publicKeys'), 2));
  } else if (kind === 'keyless') {
    const keyless: Snippet = [];
    for (const key of ['subject', 'issuer', 'roots', 'additionalExtensions'] as const) {
      const pair = legacy[key];
      if (pair) keyless.push(...movedPair(file, pair));
    }
    // Kyverno requires rekor or roots on a keyless attestor; the public Rekor is what the legacy form used.
    if (!legacy.roots) keyless.push('rekor:', '  url: https://rekor.sigstore.dev');
    lines.push('keyless:', ...indent(keyless, 2));
  }
  if (legacy.annotations) lines.push(...movedPair(file, legacy.annotations));
  return lines;
}
