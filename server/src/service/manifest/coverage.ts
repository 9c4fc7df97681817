// Which Kyverno ClusterPolicy/Policy rules act on one image of one workload: the verifyImages entries that
// would verify it (after Kyverno's normalisation and wildcard matching), and the validate patterns that
// restrict which images may run. Index-agnostic: callers pass whichever policy documents they know.
import { isMap, isScalar, isSeq, Node, Scalar } from 'yaml';
import type { YamlDoc } from '../document/yamlFile';
import { asMap, mapItems, nodeAt, scalarValue, seqItems } from '../document/yamlFile';
import {
  effectiveRuleAction, policyRules, PolicyRuleView, specOf, verifyImagesEntries, VerifyImagesView,
} from '../policy/kyvernoPolicy';
import { kyvernoNormalize, KyvernoNormalizeOptions, wildcardMatch } from '../image/wildcard';
import type { ContainerList, ImageOccurrence } from './images';
import { podSpecPath } from './images';
import { attestorSummary } from './attestorSummary';
import {
  and, metadataString, or, ResourceSubject, ruleApplicability, stringMap, subjectNamespace, Tri, MatchVia,
} from './ruleMatch';

export type { Tri, MatchVia, ResourceSubject } from './ruleMatch';

export interface ImageSubject extends ResourceSubject {
  /** The image as written in the manifest. */
  image: string;
  list?: ContainerList;
  containerName?: string;
}

/** The subject of an extracted image: the workload's kind, name, namespace and labels. */
export function subjectOf(o: ImageOccurrence): ImageSubject {
  const root = asMap(o.doc.doc.contents);
  const metadata = asMap(root?.get('metadata', true));
  const specPath = podSpecPath(o.resourceKind) ?? ['spec'];
  const templateMetadata = specPath.length > 1 ? nodeAt(root, [...specPath.slice(0, -1), 'metadata']) : undefined;
  return {
    image: o.image,
    kind: o.resourceKind,
    apiVersion: o.apiVersion,
    name: o.resourceName,
    namespace: o.namespace,
    labels: stringMap(asMap(metadata?.get('labels', true))),
    annotations: stringMap(asMap(metadata?.get('annotations', true))),
    podLabels: o.resourceKind === 'Pod' ? stringMap(asMap(metadata?.get('labels', true))) : stringMap(asMap(asMap(templateMetadata)?.get('labels', true))),
    list: o.list,
    containerName: o.containerName,
  };
}

interface RuleContextInfo {
  policy: YamlDoc;
  policyName?: string;
  rule: PolicyRuleView;
  /** 'yes' or 'maybe' (rules that cannot apply are not returned). */
  applies: Tri;
  via: MatchVia;
  /** Why the answer is "maybe", or what to know about how it applies. */
  caveats: string[];
  action: 'Enforce' | 'Audit';
}

export interface ImageRuleMatch extends RuleContextInfo {
  entry: VerifyImagesView;
  /** The `imageReferences` (or deprecated `image`) pattern that matched, and its node. */
  pattern: string;
  patternNode: Scalar;
  /** The string Kyverno compared with the pattern, e.g. `docker.io/nginx:latest`. */
  normalizedImage: string;
  /** Set when a `skipImageReferences` pattern exempts the image: Kyverno skips verification. */
  skippedBy?: { pattern: string; node: Scalar };
  /** e.g. "keys (1 key)", "keyless subject=…, issuer=…", "2 of 3 attestors (…)". */
  attestors: string;
}

export interface CoverageOptions extends KyvernoNormalizeOptions {}

/** Every verifyImages entry whose imageReferences match the image, including those that skip it. */
export function imageRuleMatches(policies: readonly YamlDoc[], subject: ImageSubject, options: CoverageOptions = {}): ImageRuleMatch[] {
  const normalizedImage = kyvernoNormalize(subject.image, options);
  if (normalizedImage === undefined) return [];
  const out: ImageRuleMatch[] = [];
  for (const policy of policies) {
    if (policy.kind !== 'kyverno-policy') continue;
    for (const entry of verifyImagesEntries(policy)) {
      const matched = patternNodes(entry.node, ['imageReferences', 'image']).find((p) => wildcardMatch(p.value, normalizedImage));
      if (!matched) continue;
      const context = ruleContext(policy, entry.rule, subject, 'verifyImages');
      if (!context) continue;
      const skip = patternNodes(entry.node, ['skipImageReferences']).find((p) => wildcardMatch(p.value, normalizedImage));
      const match: ImageRuleMatch = {
        ...context,
        entry,
        pattern: matched.value,
        patternNode: matched.node,
        normalizedImage,
        attestors: attestorSummary(entry),
      };
      if (skip) match.skippedBy = { pattern: skip.value, node: skip.node };
      out.push(match);
    }
  }
  return out;
}

/** The verifyImages entries that would verify the image (matched and not skipped). */
export function coveringRules(policies: readonly YamlDoc[], subject: ImageSubject, options: CoverageOptions = {}): ImageRuleMatch[] {
  return imageRuleMatches(policies, subject, options).filter((m) => !m.skippedBy);
}

export interface RegistryRestriction extends RuleContextInfo {
  /** `pattern`, or `anyPattern` (the image passes when any alternative accepts it). */
  source: 'pattern' | 'anyPattern';
  /** The image patterns of the rule that concern this container list (one per alternative that has one). */
  patterns: { pattern: string; node: Scalar; passes: Tri }[];
  /** Whether the image satisfies the rule's image constraint. */
  passes: Tri;
  /** What happens at admission, as far as the image is concerned. */
  outcome: 'allowed' | 'blocked' | 'audited' | 'unknown';
  /** The rule's `validate.message`. */
  message?: string;
}

/**
 * Validate rules whose `pattern`/`anyPattern` constrain the image of this container (e.g.
 * `image: "registry.example.com/*"`, `=(initContainers)` anchors), and whether the image passes. Kyverno
 * matches these patterns against the image as written, not normalised.
 */
export function registryRestrictions(policies: readonly YamlDoc[], subject: ImageSubject): RegistryRestriction[] {
  const out: RegistryRestriction[] = [];
  for (const policy of policies) {
    if (policy.kind !== 'kyverno-policy') continue;
    for (const rule of policyRules(policy)) {
      const validate = asMap(rule.node.get('validate', true));
      if (!validate) continue;
      const pattern = validate.get('pattern', true);
      const anyPattern = seqItems(validate.get('anyPattern', true));
      if (pattern === undefined && anyPattern.length === 0) continue;
      const context = ruleContext(policy, rule, subject, 'validate');
      if (!context) continue;
      const alternatives = pattern !== undefined ? [pattern] : anyPattern;
      const specPath = context.via === 'direct' ? podSpecPath(subject.kind) ?? ['spec'] : ['spec'];
      const perAlternative = alternatives.map((alt) => imageConstraint(alt, specPath, subject));
      const patterns = perAlternative.flatMap((c) => (c ? [c] : []));
      if (patterns.length === 0) continue;
      // An alternative that says nothing about this container's image accepts it, as far as images go.
      const passes = or(...perAlternative.map((c) => c?.passes ?? 'yes'));
      const messageValue = scalarValue(validate, 'message');
      out.push({
        ...context,
        source: pattern !== undefined ? 'pattern' : 'anyPattern',
        patterns,
        passes,
        outcome: outcomeOf(passes, context.applies, context.action),
        message: typeof messageValue === 'string' ? messageValue : undefined,
      });
    }
  }
  return out;
}

function outcomeOf(passes: Tri, applies: Tri, action: 'Enforce' | 'Audit'): RegistryRestriction['outcome'] {
  if (passes === 'yes') return 'allowed';
  if (passes === 'maybe' || applies !== 'yes') return 'unknown';
  return action === 'Enforce' ? 'blocked' : 'audited';
}

function ruleContext(policy: YamlDoc, rule: PolicyRuleView, subject: ImageSubject, type: 'verifyImages' | 'validate'): RuleContextInfo | undefined {
  const applicability = ruleApplicability(policy, rule, subject);
  if (applicability.applies === 'no') return undefined;
  return {
    policy,
    policyName: metadataString(policy, 'name'),
    rule,
    applies: applicability.applies,
    via: applicability.via,
    caveats: applicability.caveats,
    action: ruleAction(policy, rule, subject, type),
  };
}

const isEnforce = (v: unknown) => v === 'Enforce' || v === 'enforce';

/**
 * The failure action Kyverno uses for this rule on this resource: per-rule settings first (verifyImages
 * entries' or `validate.failureAction`), then the deprecated per-namespace overrides, then the spec.
 */
export function ruleAction(policy: YamlDoc, rule: PolicyRuleView, subject: ResourceSubject, type: 'verifyImages' | 'validate'): 'Enforce' | 'Audit' {
  if (type === 'verifyImages') {
    const set = seqItems(rule.node.get('verifyImages', true)).some((n) => scalarValue(n, 'failureAction') !== undefined);
    if (set) return effectiveRuleAction(policy, rule);
  } else {
    const fa = scalarValue(asMap(rule.node.get('validate', true)), 'failureAction');
    if (fa !== undefined) return isEnforce(fa) ? 'Enforce' : 'Audit';
  }
  const spec = specOf(policy);
  for (const override of seqItems(spec?.get('validationFailureActionOverrides', true))) {
    const namespaces = seqItems(asMap(override)?.get('namespaces', true)).flatMap((n) => (isScalar(n) && typeof n.value === 'string' ? [n.value] : []));
    if (namespaces.some((ns) => wildcardMatch(ns, subjectNamespace(subject)))) {
      return isEnforce(scalarValue(override, 'action')) ? 'Enforce' : 'Audit';
    }
  }
  return isEnforce(scalarValue(spec, 'validationFailureAction')) ? 'Enforce' : 'Audit';
}

function patternNodes(entry: NonNullable<ReturnType<typeof asMap>>, keys: string[]): { value: string; node: Scalar }[] {
  const out: { value: string; node: Scalar }[] = [];
  for (const key of keys) {
    const v = entry.get(key, true);
    const nodes = isSeq(v) ? v.items : v !== undefined ? [v] : [];
    for (const n of nodes) if (isScalar(n) && typeof n.value === 'string') out.push({ value: n.value, node: n });
  }
  return out;
}

// ---- Kyverno validate patterns -------------------------------------------------------------------------

/**
 * The image constraint a pattern places on this subject's container: walks the pod spec path and the
 * container list (through `=(…)`/`^(…)` anchors), takes the list's element pattern (Kyverno applies the
 * first element to every item), honours `(name)` conditional anchors, and evaluates `image`.
 */
function imageConstraint(pattern: unknown, specPath: (string | number)[], subject: ImageSubject): { pattern: string; node: Scalar; passes: Tri } | undefined {
  let node: unknown = pattern;
  for (const step of [...specPath, subject.list ?? 'containers']) {
    node = anchoredChild(node, String(step));
    if (node === undefined) return undefined;
  }
  const element = isSeq(node) ? node.items[0] : undefined;
  if (!isMap(element)) return undefined;
  const imageNode = anchoredChild(element, 'image');
  if (!isScalar(imageNode) || typeof imageNode.value !== 'string') return undefined;
  let passes = patternValueMatches(imageNode.value, subject.image);
  const condition = conditionalAnchors(element, subject);
  // A failed condition means the element pattern does not apply to this container.
  if (condition === 'no') passes = 'yes';
  else if (condition === 'maybe' && passes !== 'yes') passes = 'maybe';
  return { pattern: imageNode.value, node: imageNode as Scalar, passes };
}

/** `key`, `=(key)` (equality anchor: checked if present) or `^(key)` (global anchor). */
function anchoredChild(node: unknown, key: string): Node | undefined {
  for (const p of mapItems(node)) {
    const k = String(p.key.value);
    if (k === key || k === `=(${key})` || k === `^(${key})`) return p.value ?? undefined;
  }
  return undefined;
}

function conditionalAnchors(element: unknown, subject: ImageSubject): Tri {
  const results: Tri[] = [];
  for (const p of mapItems(element)) {
    const m = /^\((.+)\)$/.exec(String(p.key.value));
    if (!m) continue;
    const value = isScalar(p.value) ? p.value.value : undefined;
    if (m[1] === 'name' && typeof value === 'string' && subject.containerName !== undefined) {
      results.push(patternValueMatches(value, subject.containerName));
    } else if (m[1] === 'image' && typeof value === 'string') {
      results.push(patternValueMatches(value, subject.image));
    } else {
      results.push('maybe');
    }
  }
  return and(...results);
}

/**
 * Kyverno's string pattern semantics (pkg/engine/pattern): `a | b` alternatives, `a & b` conjunctions,
 * a leading `!` negates, `?*` means non-empty, everything else is a go-wildcard match. Comparison
 * operators and variables cannot be decided for images here.
 */
export function patternValueMatches(pattern: string, value: string): Tri {
  if (pattern === value) return 'yes';
  if (pattern.includes('{{')) return 'maybe';
  return or(...pattern.split('|').map((alternative) => and(...alternative.split('&').map((c) => singlePattern(c.trim(), value)))));
}

function singlePattern(pattern: string, value: string): Tri {
  if (pattern === '?*') return value !== '' ? 'yes' : 'no';
  if (/^(>=|<=|>|<)/.test(pattern)) return 'maybe';
  if (pattern.startsWith('!')) return wildcardMatch(pattern.slice(1).trim(), value) ? 'no' : 'yes';
  return wildcardMatch(pattern, value) ? 'yes' : 'no';
}
