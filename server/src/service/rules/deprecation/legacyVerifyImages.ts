// The v1 top-level verifyImages fields (`image`, `key`, `subject`, `issuer`, `roots`, `annotations`,
// `additionalExtensions`), deprecated since Kyverno 1.7. Kyverno rewrites them on the fly
// (ImageVerification.Convert): `image` joins `imageReferences`; one attestor set is built from `key`
// (a keys attestor) or else, when `issuer` is set, from `issuer`/`subject`/`roots` (a keyless attestor),
// carrying `annotations`; it goes to every attestation's `attestors` when there are attestations, else to
// the entry's `attestors`. The fix writes that result into the file.
import { isSeq, Pair, Scalar } from 'yaml';
import type { FixContext, RuleContext } from '../rule';
import { asMap, nodeAt, pairOf, seqItems } from '../../document/yamlFile';
import { verifyImagesEntries } from '../../policy/kyvernoPolicy';
import type { DeprecationChecker, DeprecationReport } from './checker';
import { quickFix } from './checker';
import { appendToMap, appendToSeq, indent, isBlockMap, movedPair, OffsetEdit, removePairs, scalarSource, Snippet, toTextEdits } from './yamlEdits';

const LEGACY_KEYS = ['image', 'key', 'subject', 'issuer', 'roots', 'annotations', 'additionalExtensions'] as const;
type LegacyKey = (typeof LEGACY_KEYS)[number];
type Entry = NonNullable<ReturnType<typeof asMap>>;

function legacyPairs(entry: Entry): Partial<Record<LegacyKey, Pair<Scalar, unknown>>> {
  const out: Partial<Record<LegacyKey, Pair<Scalar, unknown>>> = {};
  for (const key of LEGACY_KEYS) {
    const pair = pairOf(entry, key);
    if (pair) out[key] = pair as Pair<Scalar, unknown>;
  }
  return out;
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
    // kyverno.io/v2beta1 has no such fields: the schema rules report them as unknown there.
    if (ctx.doc.apiVersion !== 'kyverno.io/v1') return;
    for (const entry of verifyImagesEntries(ctx.doc)) {
      const present = legacyPairs(entry.node);
      for (const key of LEGACY_KEYS) {
        const pair = present[key];
        if (pair) report({ keyOf: pair, message: message(key, present), data: { kind: 'legacy-verify-images', path: entry.path, key } });
      }
    }
  },
  fix(ctx: FixContext, data) {
    const entry = asMap(nodeAt(ctx.doc!.doc.contents, data.path));
    if (!entry || !isBlockMap(entry)) return [];
    const edits = convertEntry(ctx, entry);
    if (!edits) return [];
    return [quickFix(ctx, 'Convert the deprecated fields to `imageReferences` and `attestors`', toTextEdits(ctx.file, edits))];
  },
};

/** The edits turning an entry's legacy fields into their current form, or undefined when a part is not block YAML. */
function convertEntry(ctx: FixContext, entry: Entry): OffsetEdit[] | undefined {
  const file = ctx.file;
  const legacy = legacyPairs(entry);
  const edits: OffsetEdit[] = removePairs(file, entry, Object.values(legacy) as Pair[]);
  const newPairs: Snippet = [];

  if (legacy.image?.value) {
    const image = scalarSource(file, legacy.image.value as Scalar);
    const refs = entry.get('imageReferences', true);
    if (isSeq(refs) && refs.items.length > 0) {
      const edit = appendToSeq(file, refs, [image]);
      if (!edit) return undefined;
      edits.push(edit);
    } else if (refs === undefined) {
      newPairs.push('imageReferences:', `  - ${image}`);
    } else return undefined;
  }

  const attestor = attestorEntry(ctx, legacy);
  if (attestor.length > 0) {
    const set: Snippet = ['entries:', ...indent([`- ${attestor[0]}`, ...indent(attestor.slice(1), 2)], 2)];
    const attestations = seqItems(entry.get('attestations', true)).map(asMap);
    const targets = attestations.length > 0 ? attestations : [entry];
    for (const target of targets) {
      if (!target || !isBlockMap(target)) return undefined;
      const existing = target.get('attestors', true);
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

/** The attestor entry Kyverno would build, as lines (the first follows `- `); empty when it builds none. */
function attestorEntry(ctx: FixContext, legacy: ReturnType<typeof legacyPairs>): Snippet {
  const file = ctx.file;
  const lines: Snippet = [];
  if (legacy.key) {
    lines.push('keys:', ...indent(movedPair(file, legacy.key, 'publicKeys'), 2));
  } else if (legacy.issuer || legacy.subject || legacy.roots) {
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
