// Hover on a container image of a manifest: how Kyverno and sigstore see the reference, whether it is
// pinned, and which workspace policies verify or restrict it. And, on a policy's imageReferences entry,
// which workspace images the pattern matches.
import type { YamlDoc, YamlFile } from '../document/yamlFile';
import { nodeRange } from '../document/yamlFile';
import type { Hover } from '../types';
import { imagesInDoc, ImageOccurrence } from '../manifest/images';
import { imageRuleMatches, ImageRuleMatch, registryRestrictions, RegistryRestriction, subjectOf } from '../manifest/coverage';
import { kyvernoNormalized, parseImageReference, sigstoreNormalized } from '../image/reference';
import type { IndexedImage, WorkspaceView } from '../workspace/policyIndex';
import { coverageHint } from '../workspace/coverageHint';

/** How many matching workspace images a pattern hover lists before "and N more". */
export const MATCH_LIST_LIMIT = 20;

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

/** The hover for the image under `offset` in a manifest document, or null when the cursor is elsewhere. */
export function imageHover(file: YamlFile, doc: YamlDoc, offset: number, workspace?: WorkspaceView): Hover | null {
  const occurrence = imagesInDoc(doc).find((o) => o.node.range && offset >= o.node.range[0] && offset <= o.node.range[1]);
  if (!occurrence) return null;
  return { contents: { kind: 'markdown', value: imageMarkdown(occurrence, workspace) }, range: nodeRange(file, occurrence.node) };
}

export function imageMarkdown(occurrence: ImageOccurrence, workspace?: WorkspaceView): string {
  const lines = [`**Image** ${code(occurrence.image)}`, ''];
  if (occurrence.templated) {
    lines.push('A template placeholder: the image is only known once the template is rendered.');
    return lines.join('\n');
  }
  const ref = parseImageReference(occurrence.image);
  if (!ref.ok) {
    lines.push(`Not a valid image reference: ${ref.error}.`);
    return lines.join('\n');
  }
  lines.push(`- Kyverno matches it as ${code(kyvernoNormalized(ref))}`);
  const sigstore = sigstoreNormalized(ref);
  lines.push(sigstore ? `- sigstore policy-controller matches it as ${code(sigstore)}` : '- sigstore policy-controller cannot parse it');
  lines.push(ref.digest
    ? `- Pinned to ${code(ref.digest)}${ref.tag ? ` (the tag ${code(ref.tag)} is informational)` : ''}`
    : `- Not pinned: the tag ${code(ref.tag ?? 'latest')} can be moved to another image; add \`@sha256:…\``);
  if (!workspace) return lines.join('\n');

  const policies = workspace.policies();
  const subject = subjectOf(occurrence);
  const matches = imageRuleMatches(policies, subject);
  lines.push('');
  if (matches.length > 0) {
    lines.push('**Verification** (workspace verifyImages rules matching it):');
    for (const m of matches) lines.push(`- ${matchLine(m)}`);
  } else if (workspace.hasVerificationPolicy()) {
    const hint = coverageHint(policies, subject);
    const closest = !hint ? '' : hint.kind === 'not-selected'
      ? ` ${ruleName(hint.policyName, hint.ruleName)} matches it with ${code(hint.pattern)} but does not select this ${subject.kind}.`
      : ` Closest: ${ruleName(hint.policyName, hint.ruleName)} verifies ${code(hint.pattern)} on the same registry.`;
    lines.push(`**Not verified:** no verifyImages rule in the workspace covers this image.${closest}`);
  } else {
    lines.push('**Not verified:** the workspace has no Kyverno verifyImages policy.');
  }
  if (matches.length > 0 && matches.every((m) => m.skippedBy)) lines.push('', 'Every matching rule skips it: the image is admitted without a signature check.');

  const restrictions = registryRestrictions(policies, subject);
  if (restrictions.length > 0) {
    lines.push('', '**Image restrictions** (workspace validate rules):');
    for (const r of restrictions) lines.push(`- ${restrictionLine(r)}`);
  }
  return lines.join('\n');
}

function ruleName(policy: string | undefined, rule: string | undefined): string {
  return `${code(policy ?? '(unnamed)')} / ${code(rule ?? '(unnamed)')}`;
}

function matchLine(m: ImageRuleMatch): string {
  const head = `${ruleName(m.policyName, m.rule.name)} (${code(m.pattern)})`;
  if (m.skippedBy) return `${head} — skipped by skipImageReferences ${code(m.skippedBy.pattern)}`;
  const via = m.via === 'autogen' ? ', via autogen' : m.via === 'pod-creation' ? ', on Pod creation' : '';
  const caveats = m.caveats.length > 0 ? ` — may apply: ${m.caveats.join('; ')}` : '';
  return `${head} — ${m.action}${via} — ${m.attestors}${caveats}`;
}

function restrictionLine(r: RegistryRestriction): string {
  const patterns = r.patterns.map((p) => code(p.pattern)).join(' or ');
  const outcome = r.passes === 'yes' ? 'allowed' : r.passes === 'maybe' ? 'cannot tell' : `not allowed (${r.action})`;
  const caveats = r.applies !== 'yes' && r.caveats.length > 0 ? ` — may apply: ${r.caveats.join('; ')}` : '';
  return `${ruleName(r.policyName, r.rule.name)} requires ${patterns} — ${outcome}${caveats}`;
}

/**
 * The workspace images an imageReferences / skipImageReferences pattern matches, as a markdown section to
 * append to the pattern explanation; undefined without a workspace.
 */
export function patternMatchesMarkdown(pattern: string, field: 'imageReferences' | 'skipImageReferences', workspace?: WorkspaceView): string | undefined {
  if (!workspace) return undefined;
  const matched = workspace.imagesMatching(pattern);
  const verb = field === 'imageReferences' ? 'Matches' : 'Skips';
  if (matched.length === 0) return `**${verb} no image** of the workspace manifests (${workspace.images().length} indexed).`;
  const distinct = new Set(matched.map((i) => i.normalized)).size;
  const lines = [`**${verb} ${plural(distinct, 'workspace image')}** (${plural(matched.length, 'container')}):`];
  for (const image of matched.slice(0, MATCH_LIST_LIMIT)) lines.push(`- ${imageLine(image)}`);
  if (matched.length > MATCH_LIST_LIMIT) lines.push(`- … and ${matched.length - MATCH_LIST_LIMIT} more`);
  return lines.join('\n');
}

function imageLine(i: IndexedImage): string {
  const workload = `${i.resourceKind}${i.resourceName ? ` ${i.resourceName}` : ''}`;
  return `${code(i.normalized ?? i.image)} — ${workload} — [${shortPath(i.uri)}:${i.line + 1}](${i.uri}#L${i.line + 1})`;
}

/** The last two segments of a uri's path: enough to recognise the file without the workspace root. */
function shortPath(uri: string): string {
  const parts = uri.split('/').filter((p) => p !== '');
  const tail = parts.slice(-2).join('/');
  try {
    return decodeURIComponent(tail);
  } catch {
    return tail;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
