// Whole-block snippets: a verifyImages rule under `spec.rules`, and one attestor of each kind under `entries`.
import type { CursorContext } from '../document/cursor';
import type { YamlFile } from '../document/yamlFile';
import { CompletionItemKind, InsertTextFormat } from '../types';
import { indentBlock, INSERT_AS_IS, PositionedCompletionItem, replacing } from './edits';

interface SnippetDef {
  label: string;
  detail: string;
  description: string;
  /** Lines indented relative to the first; tab stops in snippet syntax. */
  body: string[];
}

const VERIFY_IMAGES_RULE: SnippetDef = {
  label: 'verifyImages rule',
  detail: 'Rule verifying image signatures with a public key',
  description: 'A complete rule: matches Pods, verifies images of your registry with a cosign public key, and blocks unsigned ones.',
  body: [
    'name: ${1:verify-image-signatures}',
    'match:',
    '  any:',
    '    - resources:',
    '        kinds:',
    '          - Pod',
    'verifyImages:',
    '  - imageReferences:',
    '      - "${2:ghcr.io/my-org/*}"',
    '    failureAction: ${3|Enforce,Audit|}',
    '    attestors:',
    '      - entries:',
    '          - keys:',
    '              publicKeys: |-',
    '                -----BEGIN PUBLIC KEY-----',
    '                ${4:paste the base64 body of cosign.pub}',
    '                -----END PUBLIC KEY-----$0',
  ],
};

const ATTESTORS: SnippetDef[] = [
  {
    label: 'keys attestor',
    detail: 'Attestor: cosign public key',
    description: 'Verifies signatures made with a cosign key pair (`cosign sign --key`).',
    body: [
      'keys:',
      '  publicKeys: |-',
      '    -----BEGIN PUBLIC KEY-----',
      '    ${1:paste the base64 body of cosign.pub}',
      '    -----END PUBLIC KEY-----$0',
    ],
  },
  {
    label: 'certificates attestor',
    detail: 'Attestor: signing certificate and chain',
    description: 'Verifies signatures made with the key of a certificate you provide.',
    body: [
      'certificates:',
      '  cert: |-',
      '    -----BEGIN CERTIFICATE-----',
      '    ${1:paste the base64 body of the signing certificate}',
      '    -----END CERTIFICATE-----',
      '  certChain: |-',
      '    -----BEGIN CERTIFICATE-----',
      '    ${2:paste the base64 body of the CA certificate}',
      '    -----END CERTIFICATE-----$0',
    ],
  },
  {
    label: 'keyless attestor',
    detail: 'Attestor: keyless (Fulcio) identity',
    description: 'Verifies keyless signatures and pins the signer identity and its OIDC issuer.',
    body: [
      'keyless:',
      '  subject: "${1:https://github.com/my-org/my-repo/.github/workflows/release.yaml@refs/heads/main}"',
      '  issuer: ${2:https://token.actions.githubusercontent.com}',
      '  rekor:',
      '    url: ${3:https://rekor.sigstore.dev}$0',
    ],
  },
];

function render(file: YamlFile, ctx: CursorContext, def: SnippetDef, needsDash: boolean): PositionedCompletionItem {
  // Without a `- ` on the line yet, the snippet brings its own and its body sits two columns further in.
  const lines = needsDash ? def.body.map((l, i) => (i === 0 ? `- ${l}` : `  ${l}`)) : def.body;
  return {
    label: def.label,
    kind: CompletionItemKind.Snippet,
    detail: def.detail,
    documentation: { kind: 'markdown', value: `${def.description}\n\n\`\`\`yaml\n${lines.join('\n').replace(/\$\{\d+(?::|\|)([^}|]*)\|?[^}]*\}/g, '$1').replace(/\$0/g, '')}\n\`\`\`` },
    textEdit: replacing(file, ctx.word.start, ctx.word.end, indentBlock(lines, ctx.column)),
    insertTextFormat: InsertTextFormat.Snippet,
    insertTextMode: INSERT_AS_IS,
    sortText: `3_${def.label}`,
    filterText: def.label.split(' ')[0],
  };
}

const last = (path: readonly unknown[], n = 1) => path[path.length - n];

export function snippetCompletions(file: YamlFile, ctx: CursorContext): PositionedCompletionItem[] {
  if (ctx.kind !== 'key' || ctx.presentKeys.length > 0 || ctx.hasColon) return [];
  const path = ctx.path;
  const out: PositionedCompletionItem[] = [];
  if (ctx.doc.kind === 'kyverno-policy') {
    // A fresh item of spec.rules (`- |`), or an empty line right under `rules:`.
    const inRuleItem = path.length === 3 && path[0] === 'spec' && path[1] === 'rules' && typeof path[2] === 'number' && ctx.afterDash;
    const underRules = path.length === 2 && path[0] === 'spec' && path[1] === 'rules';
    if (inRuleItem || underRules) out.push(render(file, ctx, VERIFY_IMAGES_RULE, underRules));
    const inEntry = typeof last(path) === 'number' && last(path, 2) === 'entries' && ctx.afterDash;
    const underEntries = last(path) === 'entries';
    if (inEntry || underEntries) for (const def of ATTESTORS) out.push(render(file, ctx, def, underEntries));
  }
  return out;
}
