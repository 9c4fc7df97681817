// Offers the workspace's *.pub files as the value of a public-key field, inserted as a block scalar.
import type { CursorContext } from '../document/cursor';
import type { YamlFile } from '../document/yamlFile';
import type { WorkspaceFiles } from '../languageService';
import { CompletionItemKind, InsertTextFormat } from '../types';
import { describePublicKeys, splitPemBlocks } from '../crypto';
import { materialFieldAt } from '../policy/model';
import { INSERT_AS_IS, pad, PositionedCompletionItem, replacing } from './edits';

/** Fields whose value is PEM public-key text (the policy model's list: `keys.publicKeys`, `rekor.pubkey`, `cosign.key.data`…). */
export function isPublicKeyField(docKind: string, path: readonly (string | number)[]): boolean {
  return materialFieldAt(docKind, path) === 'public-key';
}

function fileName(uri: string): string {
  return decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));
}

export async function publicKeyCompletions(file: YamlFile, ctx: CursorContext, workspace: WorkspaceFiles | undefined): Promise<PositionedCompletionItem[]> {
  if (!workspace || ctx.kind !== 'value' || !isPublicKeyField(ctx.doc.kind, ctx.path)) return [];
  const block = ctx.blockScalar;
  // Inside a block that already has content only a blank line is a safe place to insert.
  if (block && ctx.offset > block.headerEnd && !(ctx.word.text.trim() === '')) return [];
  const files = await workspace.findFiles('**/*.pub');
  const contentIndent = pad(ctx.column + 2);
  const typed = file.text.slice(ctx.word.start, ctx.offset);
  const items: PositionedCompletionItem[] = [];
  for (const f of files) {
    const keys = splitPemBlocks(f.text).filter((b) => b.label === 'PUBLIC KEY');
    if (keys.length === 0) continue;
    const pemLines = keys.flatMap((k) => k.text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean));
    const body = pemLines.map((l) => contentIndent + l).join('\n');
    const onKeyLine = !block || ctx.offset <= block.headerEnd;
    let newText: string;
    let start = ctx.word.start;
    let end = ctx.word.end;
    if (onKeyLine) {
      // Replace whatever follows `publicKeys:` (nothing, `|`, `|-`) with a fresh `|-` header and the key.
      const needsSpace = file.text[start - 1] === ':';
      newText = `${needsSpace ? ' ' : ''}|-\n${body}`;
    } else {
      // An empty line inside `publicKeys: |`: replace the whole line so the indentation is ours.
      start = ctx.lineStart;
      end = ctx.word.end;
      newText = body;
    }
    const info = describePublicKeys(f.text)[0];
    const summary = !info.ok ? info.error : `${info.algorithm}${info.bits ? ` (${info.bits} bits)` : ''} · SHA-256 ${info.fingerprint.slice(0, 16)}…`;
    const name = fileName(f.uri);
    items.push({
      label: name,
      kind: CompletionItemKind.File,
      detail: summary,
      documentation: { kind: 'markdown', value: `Public key from \`${f.uri}\`\n\n\`\`\`\n${pemLines.join('\n')}\n\`\`\`` },
      textEdit: replacing(file, start, end, newText),
      insertTextFormat: InsertTextFormat.PlainText,
      insertTextMode: INSERT_AS_IS,
      filterText: typed + name,
      sortText: `0_${name}`,
    });
  }
  return items;
}
