import { Scalar } from 'yaml';
import type { FixContext, Rule } from '../rule';
import { CodeAction, Severity, TextEdit } from '../../types';
import { offsetAt, rangeAt } from '../../document/yamlFile';
import { hashLines, MaterialSite, materialSites } from './materialSites';
import { sourceSpan } from './scalarOffsets';

const isBlock = (site: MaterialSite) => site.node.type === Scalar.BLOCK_LITERAL || site.node.type === Scalar.BLOCK_FOLDED;

/**
 * `#` lines inside a `|` key or certificate block. They look like YAML comments but are part of the string,
 * so the PEM breaks (or, before `-----BEGIN`, Kyverno takes the whole value for a key reference).
 */
export const commentInBlock: Rule = {
  id: 'policy-comment-in-block',
  severity: Severity.Error,
  summary: 'A `#` line inside a key or certificate block scalar is content, not a comment.',
  docs:
    'Inside a `|` block scalar every indented line belongs to the string, `#` lines included, so a "comment" there ' +
    'ends up inside the PEM and the key or certificate no longer parses. Move the comment above the field (at its ' +
    'indentation, where YAML treats it as a comment) or delete it.',
  appliesTo: ['kyverno-policy', 'image-validating-policy', 'cluster-image-policy'],
  check(ctx) {
    for (const site of materialSites(ctx.doc)) {
      if (!isBlock(site)) continue;
      for (const line of hashLines(site.node.value)) {
        const span = sourceSpan(ctx.file, site.node, line.from, line.to);
        ctx.report({
          ...(span ? { offsets: span } : { node: site.node }),
          message: `This line is part of the ${site.field} text, not a YAML comment: inside a block scalar \`#\` lines are content, so the PEM breaks. Move it above \`${site.pair.key.value}:\` or delete it.`,
        });
      }
    }
  },
  fix: commentFixes,
};

function commentFixes(ctx: FixContext): CodeAction[] {
  const { file, doc, diagnostic } = ctx;
  if (!doc) return [];
  const at = offsetAt(file, diagnostic.range.start);
  const site = materialSites(doc).find((s) => s.node.range && s.node.range[0] <= at && at < s.node.range[1]);
  if (!site || !site.pair.key.range) return [];
  const text = file.text;
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const newline = text.indexOf('\n', at);
  const lineEnd = newline < 0 ? text.length : newline + 1;
  const comment = text.slice(at, newline < 0 ? text.length : newline).trimEnd();
  const deleteLine: TextEdit = { range: rangeAt(file, lineStart, lineEnd), newText: '' };
  const keyStart = site.pair.key.range[0];
  const keyLineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  const keyColumn = keyStart - keyLineStart;
  const insertAbove: TextEdit = { range: rangeAt(file, keyLineStart, keyLineStart), newText: `${' '.repeat(keyColumn)}${comment}\n` };
  const key = String(site.pair.key.value);
  return [
    {
      title: `Move the comment above \`${key}:\``,
      kind: 'quickfix',
      diagnostics: [diagnostic],
      isPreferred: true,
      edit: { changes: { [file.uri]: [insertAbove, deleteLine] } },
    },
    {
      title: `Delete the \`#\` line from \`${key}\``,
      kind: 'quickfix',
      diagnostics: [diagnostic],
      edit: { changes: { [file.uri]: [deleteLine] } },
    },
  ];
}
