// Which Kyverno ClusterPolicy/Policy rules act on one image of one workload: the verifyImages entries that
// would verify it (after Kyverno's normalisation and wildcard matching), and the validate patterns that
// restrict which images may run. Index-agnostic: callers pass whichever policy documents they know.
import { isMap, isScalar, isSeq, Node, Scalar } from 'yaml';
import type { YamlDoc } from '../document/yamlFile';
import { asMap, mapItems, nodeAt, scalarValue, seqItems } from '../document/yamlFile';
import { policyRules, PolicyRuleView, VerifyImagesView } from '../policy/kyvernoPolicy';
import { ImageMatcher, KyvernoEntry, kyvernoModel, ruleModel } from '../policy/model';
import { kyvernoNormalize, KyvernoNormalizeOptions, wildcardMatch } from '../image/wildcard';
import type { ContainerList, ImageOccurrence } from './images';
import { podSpecPath } from './images';
import { attestorSummary } from './attestorSummary';
import {
  and, or, ResourceSubject, ruleApplicability, stringMap, subjectNamespace, Tri, MatchVia,
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
  const normalizedImage = normalizedImageOf(subject.image, options);
  if (normalizedImage === undefined) return [];
  const model = coverageModel(policies);
  const workload = new WorkloadKey(subject);
  // A copy: the memoised array is shared by every caller asking about this image in this workload.
  return model.imageMatches(normalizedImage, workload, () => computeImageRuleMatches(model, normalizedImage, subject, workload)).slice();
}

function computeImageRuleMatches(model: CoverageModel, normalizedImage: string, subject: ImageSubject, workload: WorkloadKey): ImageRuleMatch[] {
  const out: ImageRuleMatch[] = [];
  for (const { entry, matched, skip } of model.entriesMatching(normalizedImage)) {
    const context = model.ruleContext(entry.policy, entry.view.rule, subject, 'verifyImages', workload);
    if (!context) continue;
    const match: ImageRuleMatch = {
      ...context,
      entry: entry.view,
      pattern: matched.value,
      patternNode: matched.node,
      normalizedImage,
      attestors: model.attestors(entry),
    };
    if (skip) match.skippedBy = { pattern: skip.value, node: skip.node };
    out.push(match);
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
  const model = coverageModel(policies);
  const out: RegistryRestriction[] = [];
  const list = subject.list ?? 'containers';
  const directPath = podSpecPath(subject.kind) ?? ['spec'];
  const workload = new WorkloadKey(subject);
  for (const restriction of model.validateRules) {
    // Cheap structural test first: a rule whose patterns never reach this container list's image is skipped
    // before working out whether it applies (the outcome is the same, the order only saves work).
    const direct = restriction.shapes(directPath, list);
    const viaPod = restriction.shapes(POD_PATH, list);
    if (!direct.some(Boolean) && !viaPod.some(Boolean)) continue;
    const context = model.ruleContext(restriction.policy, restriction.rule, subject, 'validate', workload);
    if (!context) continue;
    const perAlternative = (context.via === 'direct' ? direct : viaPod).map((shape) => (shape ? evaluateShape(shape, subject) : undefined));
    const patterns = perAlternative.flatMap((c) => (c ? [c] : []));
    if (patterns.length === 0) continue;
    // An alternative that says nothing about this container's image accepts it, as far as images go.
    const passes = or(...perAlternative.map((c) => c?.passes ?? 'yes'));
    out.push({
      ...context,
      source: restriction.source,
      patterns,
      passes,
      outcome: outcomeOf(passes, context.applies, context.action),
      message: restriction.message,
    });
  }
  return out;
}

/** What Kyverno matches imageReferences against (memoised: a manifest repeats the same images many times). */
export function normalizedImageOf(image: string, options: KyvernoNormalizeOptions = {}): string | undefined {
  const key = `${options.defaultRegistry ?? ''}\u0000${options.enableDefaultRegistryMutation ?? ''}\u0000${image}`;
  if (normalizedCache.has(key)) return normalizedCache.get(key);
  const normalized = kyvernoNormalize(image, options);
  normalizedCache.set(key, normalized);
  return normalized;
}

// ---- the image-independent view of a set of policies ---------------------------------------------------

type PatternRef = { value: string; node: Scalar };

/** A verifyImages entry with its patterns read once. */
export interface EntryModel {
  policy: YamlDoc;
  policyName?: string;
  view: VerifyImagesView;
  /** The entry's facts in the policy model. */
  model: KyvernoEntry;
  /** `imageReferences` then the deprecated `image`. */
  imagePatterns: PatternRef[];
  skipPatterns: PatternRef[];
}

interface EntryMatch {
  entry: EntryModel;
  matched: PatternRef;
  skip?: PatternRef;
}

/** Where a validate pattern puts the image constraint of one container list, before looking at any image. */
interface ConstraintShape {
  pattern: string;
  node: Scalar;
  /** The list's element pattern, for its conditional anchors. */
  element: unknown;
}

/** A validate rule with a `pattern`/`anyPattern`, and (lazily) where its alternatives constrain images. */
class ValidateRuleModel {
  private readonly shapeCache = new Map<string, (ConstraintShape | undefined)[]>();

  constructor(
    readonly policy: YamlDoc,
    readonly rule: PolicyRuleView,
    readonly source: 'pattern' | 'anyPattern',
    private readonly alternatives: unknown[],
    readonly message: string | undefined,
  ) {}

  /** One entry per alternative: its image constraint for this spec path and list, if it has one. */
  shapes(specPath: readonly (string | number)[], list: string): (ConstraintShape | undefined)[] {
    const key = `${specPath.join('\u0000')}\u0001${list}`;
    let shapes = this.shapeCache.get(key);
    if (!shapes) {
      shapes = this.alternatives.map((alt) => constraintShape(alt, specPath, list));
      this.shapeCache.set(key, shapes);
    }
    return shapes;
  }
}

/**
 * What the coverage questions need from a set of policy documents, computed once per set (the workspace
 * index hands out the same array until a policy changes) instead of once per image: verifyImages entries
 * with their patterns, validate rules that may restrict images, and memos of per-image and per-workload
 * answers. Nothing in it refers to a manifest's nodes, so it can outlive the manifests it answered for.
 */
export class CoverageModel {
  readonly entries: EntryModel[] = [];
  readonly validateRules: ValidateRuleModel[] = [];
  private readonly matchesByImage = new BoundedMap<string, EntryMatch[]>();
  /** Per workload description, then per rule and type: how the rule applies (null: it does not). */
  private readonly contexts = new BoundedMap<string, Map<string, RuleContextInfo | null>>(5_000);
  private readonly matchesByWorkload = new BoundedMap<string, ImageRuleMatch[]>();
  private readonly attestorCache = new Map<EntryModel, string>();
  private readonly ruleIds = new Map<PolicyRuleView, number>();

  constructor(readonly policies: readonly YamlDoc[]) {
    for (const policy of policies) {
      const model = kyvernoModel(policy);
      if (!model) continue;
      for (const entry of model.entries) {
        this.entries.push({
          policy,
          policyName: model.name,
          view: entry.view,
          model: entry,
          imagePatterns: entry.imageReferences.map(patternRef),
          skipPatterns: entry.skipImageReferences.map(patternRef),
        });
      }
      for (const rule of policyRules(policy)) {
        this.ruleIds.set(rule, this.ruleIds.size);
        const validate = asMap(rule.node.get('validate', true));
        if (!validate) continue;
        const pattern = validate.get('pattern', true);
        const anyPattern = seqItems(validate.get('anyPattern', true));
        if (pattern === undefined && anyPattern.length === 0) continue;
        const messageValue = scalarValue(validate, 'message');
        this.validateRules.push(new ValidateRuleModel(
          policy,
          rule,
          pattern !== undefined ? 'pattern' : 'anyPattern',
          pattern !== undefined ? [pattern] : anyPattern,
          typeof messageValue === 'string' ? messageValue : undefined,
        ));
      }
    }
  }

  /** True when the model was built from exactly these documents, in this order. */
  isFor(policies: readonly YamlDoc[]): boolean {
    return policies.length === this.policies.length && policies.every((p, i) => p === this.policies[i]);
  }

  /** The entries whose image patterns match a normalised image, in policy order, with the skip pattern if any. */
  entriesMatching(normalizedImage: string): readonly EntryMatch[] {
    let found = this.matchesByImage.get(normalizedImage);
    if (!found) {
      found = [];
      for (const entry of this.entries) {
        const matched = entry.imagePatterns.find((p) => wildcardMatch(p.value, normalizedImage));
        if (!matched) continue;
        const skip = entry.skipPatterns.find((p) => wildcardMatch(p.value, normalizedImage));
        found.push(skip ? { entry, matched, skip } : { entry, matched });
      }
      this.matchesByImage.set(normalizedImage, found);
    }
    return found;
  }

  /** How a rule applies to a workload, memoised per workload description (its images share the answer). */
  ruleContext(policy: YamlDoc, rule: PolicyRuleView, subject: ImageSubject, type: 'verifyImages' | 'validate', workload: WorkloadKey): RuleContextInfo | undefined {
    const id = this.ruleIds.get(rule);
    if (id === undefined) return ruleContext(policy, rule, subject, type);
    let perRule = this.contexts.get(workload.value);
    if (!perRule) {
      perRule = new Map();
      this.contexts.set(workload.value, perRule);
    }
    const key = `${type}${id}`;
    let context = perRule.get(key);
    if (context === undefined) {
      context = ruleContext(policy, rule, subject, type) ?? null;
      perRule.set(key, context);
    }
    return context ?? undefined;
  }

  /** imageRuleMatches' answer for one normalised image in one workload, computed once. */
  imageMatches(normalizedImage: string, workload: WorkloadKey, compute: () => ImageRuleMatch[]): ImageRuleMatch[] {
    const key = `${normalizedImage}\u0000${workload.value}`;
    let matches = this.matchesByWorkload.get(key);
    if (!matches) {
      matches = compute();
      this.matchesByWorkload.set(key, matches);
    }
    return matches;
  }

  attestors(entry: EntryModel): string {
    let summary = this.attestorCache.get(entry);
    if (summary === undefined) {
      summary = attestorSummary(entry.model);
      this.attestorCache.set(entry, summary);
    }
    return summary;
  }
}

const models = new WeakMap<readonly YamlDoc[], CoverageModel>();

/** The coverage model of a set of policy documents, cached by the array's identity (checked element-wise). */
export function coverageModel(policies: readonly YamlDoc[]): CoverageModel {
  let model = models.get(policies);
  if (!model || !model.isFor(policies)) {
    model = new CoverageModel([...policies]);
    models.set(policies, model);
  }
  return model;
}

/** A memo that forgets everything when it grows too large (e.g. an image typed one character at a time). */
class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit = 20_000) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.size >= this.limit) this.clear();
    return super.set(key, value);
  }
}

const normalizedCache = new BoundedMap<string, string | undefined>();
const POD_PATH = ['spec'];
/** Everything about a workload that rule matching reads (see ruleApplicability and ruleAction), built on first use. */
class WorkloadKey {
  private key?: string;

  constructor(private readonly subject: ResourceSubject) {}

  get value(): string {
    const s = this.subject;
    return (this.key ??= JSON.stringify([s.kind, s.apiVersion ?? null, s.name ?? null, s.namespace ?? null, s.labels ?? null, s.annotations ?? null, s.podLabels ?? null]));
  }
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
    policyName: kyvernoModel(policy)?.name,
    rule,
    applies: applicability.applies,
    via: applicability.via,
    caveats: applicability.caveats,
    action: ruleAction(policy, rule, subject, type),
  };
}

/**
 * The failure action Kyverno uses for this rule on this resource: per-rule settings first (verifyImages
 * entries' or `validate.failureAction`), then the deprecated per-namespace overrides, then the spec.
 */
export function ruleAction(policy: YamlDoc, rule: PolicyRuleView, subject: ResourceSubject, type: 'verifyImages' | 'validate'): 'Enforce' | 'Audit' {
  const model = kyvernoModel(policy);
  if (!model) return 'Audit';
  const ruleFacts = ruleModel(model, rule);
  if (type === 'verifyImages') {
    if (ruleFacts?.entries.some((e) => e.failureAction)) return ruleFacts.action;
  } else if (ruleFacts?.validateFailureAction) {
    return ruleFacts.validateFailureAction.value;
  }
  const override = model.overrides.find((o) => o.namespaces.some((ns) => wildcardMatch(ns, subjectNamespace(subject))));
  return override ? override.action : model.specAction.value;
}

function patternRef(m: ImageMatcher): PatternRef {
  return { value: m.pattern, node: m.node };
}

// ---- Kyverno validate patterns -------------------------------------------------------------------------

/**
 * Where a pattern constrains the image of a container list: walks the pod spec path and the list (through
 * `=(…)`/`^(…)` anchors) and takes the list's element pattern (Kyverno applies the first element to every
 * item) and its `image`. Depends on the policy only, so it is computed once per rule, path and list.
 */
function constraintShape(pattern: unknown, specPath: readonly (string | number)[], list: string): ConstraintShape | undefined {
  let node: unknown = pattern;
  for (const step of [...specPath, list]) {
    node = anchoredChild(node, String(step));
    if (node === undefined) return undefined;
  }
  const element = isSeq(node) ? node.items[0] : undefined;
  if (!isMap(element)) return undefined;
  const imageNode = anchoredChild(element, 'image');
  if (!isScalar(imageNode) || typeof imageNode.value !== 'string') return undefined;
  return { pattern: imageNode.value, node: imageNode as Scalar, element };
}

/** Whether this subject's container satisfies a constraint, honouring the element's `(name)` conditional anchors. */
function evaluateShape(shape: ConstraintShape, subject: ImageSubject): { pattern: string; node: Scalar; passes: Tri } {
  let passes = patternValueMatches(shape.pattern, subject.image);
  const condition = conditionalAnchors(shape.element, subject);
  // A failed condition means the element pattern does not apply to this container.
  if (condition === 'no') passes = 'yes';
  else if (condition === 'maybe' && passes !== 'yes') passes = 'maybe';
  return { pattern: shape.pattern, node: shape.node, passes };
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
