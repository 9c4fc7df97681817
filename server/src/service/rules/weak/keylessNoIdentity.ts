import { isScalar, Node, Pair, Scalar, YAMLMap } from 'yaml';
import type { Rule, RuleContext } from '../rule';
import { Severity } from '../../types';
import { asMap, mapItems, pairOf, seqItems } from '../../document/yamlFile';
import { attestorEntries, verifyImagesEntries, VerifyImagesView } from '../../policy/kyvernoPolicy';
import { child, KyvernoEntry, kyvernoModel } from '../../policy/model';
import { isAllWildcards, quote, scalarChild } from './imagePatterns';

type Map = YAMLMap<Scalar, Node | null>;

const TRIVIAL_REGEXPS = new Set(['', '.*', '.+', '^.*', '^.+', '.*$', '.+$', '^.*$', '^.+$', '(.*)', '^(.*)$']);

function stringNode(map: Map, key: string): Scalar | undefined {
  const field = scalarChild(map, key);
  return field && typeof field.value === 'string' && field.value.trim() !== '' ? field.node : undefined;
}

/** A wildcard value (`*`, `?*`) or a regexp that accepts everything. Reported on the value; returns whether it did. */
function reportAnyValue(ctx: RuleContext, map: Map, key: string, isRegExp: boolean): boolean {
  const node = stringNode(map, key);
  if (!node) return false;
  const value = String(node.value);
  const any = isRegExp ? TRIVIAL_REGEXPS.has(value.trim()) : isAllWildcards(value);
  if (!any) return false;
  const field = key.startsWith('subject') ? 'signer identity' : 'OIDC issuer';
  ctx.report({
    node,
    message: `${key}: ${quote(value)} accepts any ${field}, so a keyless signature made by anyone passes. ` +
      (key.startsWith('subject')
        ? 'Name the identity that signs your images (e.g. "https://github.com/<org>/<repo>/.github/workflows/<file>@refs/heads/main").'
        : 'Name the issuer (e.g. "https://token.actions.githubusercontent.com").'),
  });
  return true;
}

/** Extensions such as githubWorkflowRepository also tie a certificate to an identity. */
function hasExtensionConstraint(map: Map): boolean {
  return mapItems(map.get('additionalExtensions', true)).some((p) => isScalar(p.value) && typeof p.value.value === 'string' && !isAllWildcards(p.value.value));
}

/**
 * Checks one keyless identity (a `keyless` map, or the deprecated entry-level subject/issuer). `anchor` is the
 * key the "missing constraint" diagnostic goes on.
 */
function checkIdentity(ctx: RuleContext, map: Map, anchor: Pair, withRegExps: boolean): void {
  const anySubject = reportAnyValue(ctx, map, 'subject', false) || (withRegExps && reportAnyValue(ctx, map, 'subjectRegExp', true));
  const anyIssuer = reportAnyValue(ctx, map, 'issuer', false) || (withRegExps && reportAnyValue(ctx, map, 'issuerRegExp', true));
  const subject = stringNode(map, 'subject') ?? (withRegExps ? stringNode(map, 'subjectRegExp') : undefined);
  const issuer = stringNode(map, 'issuer') ?? (withRegExps ? stringNode(map, 'issuerRegExp') : undefined);
  const missingSubject = !anySubject && !subject && !hasExtensionConstraint(map);
  const missingIssuer = !anyIssuer && !issuer;
  if (!missingSubject && !missingIssuer) return;
  const issuerText = issuer ? `issuer ${quote(String(issuer.value))}` : 'any OIDC issuer Fulcio trusts';
  let message: string;
  if (missingSubject && missingIssuer) {
    message = 'Keyless attestor has no subject/subjectRegExp and no issuer/issuerRegExp: any Sigstore keyless signature passes, and anyone can make one with their own account. ' +
      'Add subject and issuer (e.g. subject "https://github.com/<org>/<repo>/.github/workflows/<file>@refs/heads/main", issuer "https://token.actions.githubusercontent.com").';
  } else if (missingSubject) {
    message = `Keyless attestor has no subject or subjectRegExp: any identity certified by ${issuerText} passes — for GitHub Actions, any workflow in any repository. ` +
      'Add subject (e.g. "https://github.com/<org>/<repo>/.github/workflows/<file>@refs/heads/main") or subjectRegExp.';
  } else {
    message = `Keyless attestor has no issuer or issuerRegExp: the subject ${quote(String(subject?.value ?? ''))} is accepted from any OIDC provider Fulcio trusts, ` +
      'and an e-mail or URI subject can be claimed through a different provider. Add issuer (e.g. "https://accounts.google.com" or "https://token.actions.githubusercontent.com").';
  }
  ctx.report({ keyOf: anchor, message });
}

export const keylessNoIdentity: Rule = {
  id: 'policy-keyless-no-identity',
  severity: Severity.Warning,
  summary: 'A keyless attestor that does not pin the signer identity (subject) and its OIDC issuer.',
  docs: [
    'Fulcio issues a certificate to anyone who logs in with a supported OIDC provider, so a keyless attestor only means something',
    'if it names who signed (`subject` / `subjectRegExp`) and which provider vouched for it (`issuer` / `issuerRegExp`). A missing',
    'field, `subject: "*"` or `subjectRegExp: ".*"` accepts signatures from anybody. An attestation without attestors is checked',
    'the same way: Kyverno substitutes an empty keyless attestor, which accepts any identity.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    for (const entry of verifyImagesEntries(ctx.doc)) {
      for (const attestor of attestorEntries(entry)) {
        const pair = pairOf(attestor.node, 'keyless');
        const keyless = asMap(pair?.value);
        if (pair && keyless) checkIdentity(ctx, keyless, pair, true);
      }
      // Deprecated v1 fields: Convert() turns `issuer` (without `key`) into a keyless attestor with `subject`,
      // which it also adds to every attestation.
      const legacy = modelEntry(ctx, entry)?.legacy;
      if (legacy?.converts === 'keyless' && legacy.pairs.issuer) checkIdentity(ctx, entry.node, legacy.pairs.issuer as Pair<Scalar, Node | null>, false);
      if (legacy?.converts) continue;
      for (const node of seqItems(child(entry.node, 'attestations'))) {
        const attestation = asMap(node);
        if (!attestation || seqItems(child(attestation, 'attestors')).length > 0) continue;
        const anchor = pairOf(attestation, 'attestors') ?? pairOf(attestation, 'type') ?? pairOf(attestation, 'predicateType') ?? mapItems(attestation)[0];
        if (!anchor) continue;
        ctx.report({
          keyOf: anchor,
          message: 'This attestation has no attestors, so Kyverno checks it with an empty keyless attestor: a statement signed by any Sigstore identity passes. ' +
            'Add attestors naming the key or the keyless subject and issuer that sign it.',
        });
      }
    }
  },
};

function modelEntry(ctx: RuleContext, view: VerifyImagesView): KyvernoEntry | undefined {
  return kyvernoModel(ctx.doc)?.entries.find((e) => e.view === view);
}
