import { isScalar, Node, Pair, Scalar, YAMLMap } from 'yaml';
import type { Rule, RuleContext } from '../rule';
import { Severity } from '../../types';
import { asMap, pairOf, scalarValue, seqItems } from '../../document/yamlFile';
import { attestorEntries, specOf, verifyImagesEntries } from '../../policy/kyvernoPolicy';

type Map = YAMLMap<Scalar, Node | null>;

/** The pair when the value is a non-empty string: Kyverno, cosign and sigstore-go all treat "" as unset. */
function setPair(map: Map, key: string): Pair<Scalar, Node | null> | undefined {
  const pair = pairOf(map, key);
  return pair && isScalar(pair.value) && typeof pair.value.value === 'string' && pair.value.value !== '' ? pair : undefined;
}

const SIDES = [
  { exact: 'subject', regexp: 'subjectRegExp', what: 'SANs' },
  { exact: 'issuer', regexp: 'issuerRegExp', what: 'OIDC issuer' },
] as const;

/**
 * ClusterPolicy keyless, `type: Cosign` (Kyverno `matchCertificateData`): `subject` and `subjectRegExp` are alternatives,
 * so the narrower one adds nothing. (`issuer` and `issuerRegExp` must both match: nothing to report.)
 * `type: SigstoreBundle` (sigstore-go `NewShortCertificateIdentity`): no identity is checked unless a subject side and
 * an issuer side are both set, so a lone one is ignored.
 */
function checkKyvernoKeyless(ctx: RuleContext, keyless: Map, bundle: boolean): void {
  const subject = setPair(keyless, 'subject');
  const subjectRegExp = setPair(keyless, 'subjectRegExp');
  if (bundle) {
    const subjectSide = subject ?? subjectRegExp;
    const issuerSide = setPair(keyless, 'issuer') ?? setPair(keyless, 'issuerRegExp');
    const lone = subjectSide && !issuerSide ? subjectSide : issuerSide && !subjectSide ? issuerSide : undefined;
    if (!lone) return;
    const missing = lone === subjectSide ? 'issuer or issuerRegExp' : 'subject or subjectRegExp';
    ctx.report({
      keyOf: lone,
      message: `keyless.${lone.key.value} is ignored: for type: SigstoreBundle Kyverno checks a certificate identity only when a subject (or subjectRegExp) ` +
        `and an issuer (or issuerRegExp) are both set, so any identity passes. Add ${missing}.`,
    });
    return;
  }
  if (subject && subjectRegExp) {
    ctx.report({
      keyOf: subject,
      message: 'keyless.subject and keyless.subjectRegExp are alternatives in Kyverno: a certificate passes when either matches one of its SANs, ' +
        'so the narrower of the two restricts nothing. Keep the one you mean (issuer and issuerRegExp, by contrast, must both match).',
    });
  }
}

/** ImageValidatingPolicy identities go to cosign (`CheckCertificatePolicy`): the regexp decides, the exact value is ignored. */
function checkCosignIdentity(ctx: RuleContext, identity: Map, field: string): void {
  for (const side of SIDES) {
    const exact = setPair(identity, side.exact);
    if (!exact || !setPair(identity, side.regexp)) continue;
    ctx.report({
      keyOf: exact,
      message: `${field}.${side.exact} is ignored: when ${side.regexp} is also set, cosign matches the ${side.what} with the regexp alone. ` +
        `Remove ${side.exact}, or remove ${side.regexp} to require the exact value.`,
    });
  }
}

/** ClusterImagePolicy identities: the policy-controller webhook refuses both at admission. */
function checkPolicyControllerIdentity(ctx: RuleContext, identity: Map): void {
  for (const side of SIDES) {
    const regexp = setPair(identity, side.regexp);
    if (!setPair(identity, side.exact) || !regexp) continue;
    ctx.report({
      keyOf: regexp,
      severity: Severity.Error,
      message: `keyless.identities[].${side.exact} and ${side.regexp} are both set: the policy-controller rejects the policy at admission ` +
        `("expected exactly one, got both"). Keep one of them.`,
    });
  }
}

export const identityFieldIgnored: Rule = {
  id: 'policy-identity-field-ignored',
  severity: Severity.Warning,
  summary: 'A keyless identity sets a subject or issuer field that is ignored (or rejected) next to another one.',
  docs: [
    'Each verifier combines `subject`/`subjectRegExp` and `issuer`/`issuerRegExp` differently, and some combinations make one field count for nothing.',
    'Kyverno ClusterPolicy (`type: Cosign`): `subject` and `subjectRegExp` are alternatives — either matching a SAN is enough — while `issuer` and',
    '`issuerRegExp` must both match. `type: SigstoreBundle`: an identity is checked only when a subject side and an issuer side are both given;',
    'a lone `subject` or `issuer` is ignored and any identity passes. ImageValidatingPolicy (cosign): when a regexp and its exact twin are both',
    'set, the regexp alone decides and the exact value is ignored. ClusterImagePolicy: the policy-controller rejects an identity with both.',
  ].join(' '),
  appliesTo: ['kyverno-policy', 'image-validating-policy', 'cluster-image-policy'],
  check(ctx) {
    if (ctx.doc.kind === 'kyverno-policy') {
      for (const entry of verifyImagesEntries(ctx.doc)) {
        const bundle = scalarValue(entry.node, 'type') === 'SigstoreBundle';
        for (const attestor of attestorEntries(entry)) {
          const keyless = asMap(attestor.node.get('keyless', true));
          if (keyless) checkKyvernoKeyless(ctx, keyless, bundle);
        }
      }
    } else if (ctx.doc.kind === 'image-validating-policy') {
      for (const item of seqItems(specOf(ctx.doc)?.get('attestors', true))) {
        const keyless = asMap(asMap(asMap(item)?.get('cosign', true))?.get('keyless', true));
        for (const id of seqItems(keyless?.get('identities', true))) {
          const identity = asMap(id);
          if (identity) checkCosignIdentity(ctx, identity, 'cosign.keyless.identities[]');
        }
      }
    } else if (ctx.doc.kind === 'cluster-image-policy') {
      for (const item of seqItems(specOf(ctx.doc)?.get('authorities', true))) {
        const keyless = asMap(asMap(item)?.get('keyless', true));
        for (const id of seqItems(keyless?.get('identities', true))) {
          const identity = asMap(id);
          if (identity) checkPolicyControllerIdentity(ctx, identity);
        }
      }
    }
  },
};
