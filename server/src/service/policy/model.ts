// One model of a policy document's image-trust facts, for every policy kind, built once per parsed document
// and read by rules, hover, completion, coverage, lenses and verification plans, so that no two features work
// the same fact out of the YAML differently. Each fact keeps the node it comes from (for ranges and edits);
// a fact without a node is a CRD or runtime default.
//
// YAML is walked only through the helpers of document/yamlFile.ts, so what they learn (aliases, merge keys)
// reaches every feature at once.
import { isScalar, Node, Pair, Scalar, YAMLMap } from 'yaml';
import type { YamlDoc } from '../document/yamlFile';
import { asMap, mapItems, pairOf, scalarValue, seqItems } from '../document/yamlFile';
import {
  attestorSets, attestorSetsOf, AttestorSetView, Path, policyRules, PolicyRuleView, specOf,
  verifyImagesEntries, VerifyImagesView,
} from './kyvernoPolicy';
import { computeAutogenControllers } from './autogen';
import { KYVERNO_ENTRY_FIELDS, MATERIAL_FIELDS, SiteCollector } from './materials';
import { boolFact, child, childMap, matchers, metadataName, metadataString, stringFact } from './read';
import { buildIvp } from './imageValidatingPolicyModel';
import { buildCip } from './clusterImagePolicyModel';
import { Selection, selectionOf } from './selection';

export { child };

export { materialFieldAt } from './materials';

type MapNode = YAMLMap<Scalar, Node | null>;
export type StringScalar = Scalar & { value: string };

/** A fact and where it is written; `node` is absent when the value is a default. */
export interface Fact<T> {
  value: T;
  node?: Node;
}

/**
 * How one image pattern is compared with an image, in its policy kind's own semantics (see match.ts):
 * Kyverno wildcards on Kyverno's normalised reference, ImageValidatingPolicy globs on the raw string or a
 * CEL expression over `ref`, ClusterImagePolicy globs on policy-controller's normalised reference.
 */
export type MatcherSemantics = 'kyverno-wildcard' | 'ivp-glob' | 'ivp-cel' | 'cip-glob';

export interface ImageMatcher {
  semantics: MatcherSemantics;
  pattern: string;
  node: StringScalar;
  /** True for the deprecated top-level `image`, which Kyverno's Convert() appends to `imageReferences`. */
  legacy?: boolean;
}

export type MaterialKind = 'public-key' | 'certificate';

/** A field whose value is key or certificate material (PEM, or a reference Kyverno resolves). */
export interface MaterialSite {
  kind: MaterialKind;
  /** The `key: value` pair; the value is a string scalar. */
  pair: Pair<Scalar, Scalar>;
  node: StringScalar;
  /** Dotted field name for messages, e.g. `keys.publicKeys`. */
  field: string;
}

/** A keyless identity regular expression (Go RE2 at run time). */
export interface RegExpSite {
  node: StringScalar;
  field: string;
}

// ---- Kyverno ClusterPolicy / Policy ---------------------------------------------------------------------

export type FailureAction = 'Enforce' | 'Audit';

/** The deprecated top-level fields of a kyverno.io/v1 entry, and the attestor Kyverno's Convert() builds from them. */
export interface LegacyFields {
  pairs: Partial<Record<LegacyKey, Pair<Scalar, unknown>>>;
  /** `keys` when `key` is set, else `keyless` when `issuer` is set; undefined when Convert() builds no attestor. */
  converts?: 'keys' | 'keyless';
}

export const LEGACY_KEYS = ['image', 'key', 'subject', 'issuer', 'roots', 'annotations', 'additionalExtensions'] as const;
export type LegacyKey = (typeof LEGACY_KEYS)[number];

export interface KyvernoAttestation {
  node: MapNode;
  path: Path;
  index: number;
  /** `type`, or the deprecated `predicateType`. */
  type?: Fact<string>;
}

export interface KyvernoEntry {
  /** The policy document the entry belongs to. */
  doc: YamlDoc;
  view: VerifyImagesView;
  rule: PolicyRuleView;
  verifierType: Fact<'Cosign' | 'SigstoreBundle' | 'Notary'>;
  /** After Convert(): `imageReferences`, then the deprecated `image`. */
  imageReferences: ImageMatcher[];
  skipImageReferences: ImageMatcher[];
  repository?: Fact<string>;
  /** The entry's own `failureAction`, if written. */
  failureAction?: Fact<FailureAction>;
  /** Whether Kyverno's admission check treats this entry as Audit (the value carries over between entries). */
  admissionAudit: boolean;
  /** Where that admission action comes from. */
  admissionActionSource: 'entry' | 'earlier-entry' | 'spec' | 'spec-default';
  /** The action the entry's rule runs with (see KyvernoRule.action). */
  ruleAction: FailureAction;
  mutateDigest: Fact<boolean>;
  verifyDigest: Fact<boolean>;
  required: Fact<boolean>;
  /** Every attestor set, including those of attestations and nested attestors, with `count` and how many entries are written. */
  attestorSets: (AttestorSetView & { count?: Fact<number>; writtenEntries: number })[];
  attestations: KyvernoAttestation[];
  legacy: LegacyFields;
}

export interface KyvernoRule {
  view: PolicyRuleView;
  /** verifyImages entries of this rule. */
  entries: KyvernoEntry[];
  /** Enforce if any entry enforces, else the first entry's action, else the spec's. */
  action: FailureAction;
  /** `validate.failureAction` of a validate rule, if written. */
  validateFailureAction?: Fact<FailureAction>;
  match?: MapNode;
  exclude?: MapNode;
  /** What `match` and `exclude` select, read into facts. */
  matchSelection?: Selection;
  excludeSelection?: Selection;
  /** `preconditions` is written (evaluated at admission only). */
  hasPreconditions: boolean;
  /** The resource kinds `imageExtractors` replaces Kyverno's built-in image extraction for. */
  imageExtractorKinds: string[];
  /** `validate.manifests.attestors`: the keys that must have signed the resource's manifest. */
  manifestAttestorSets: AttestorSetView[];
}

export interface ActionOverride {
  action: FailureAction;
  namespaces: string[];
  node: MapNode;
}

export interface KyvernoPolicyModel {
  kind: 'kyverno-policy';
  doc: YamlDoc;
  name?: string;
  /** `Policy` (namespaced) rather than `ClusterPolicy`. */
  namespaced: boolean;
  /** `metadata.namespace` (a namespaced Policy only acts in its own namespace). */
  namespace?: string;
  /** Pod controllers Kyverno generates rules for from Pod rules (autogen), after the autogen annotation. */
  autogenControllers: readonly string[];
  /** `spec.validationFailureAction` after CRD defaulting (Audit). */
  specAction: Fact<FailureAction>;
  /** `spec.admission` (CRD default true): false means the rules do not run when resources are applied. */
  admission: Fact<boolean>;
  /** The deprecated `spec.validationFailureActionOverrides`. */
  overrides: ActionOverride[];
  rules: KyvernoRule[];
  entries: KyvernoEntry[];
  materials: MaterialSite[];
  regExps: RegExpSite[];
}

// ---- ImageValidatingPolicy ----------------------------------------------------------------------------

export interface IvpAttestor {
  name?: string;
  kind: 'cosign' | 'notary' | 'unknown';
  /** For cosign: which of key, keyless, certificate it uses. */
  method?: 'key' | 'keyless' | 'certificate';
  node: MapNode;
}

export interface ImageValidatingPolicyModel {
  kind: 'image-validating-policy';
  doc: YamlDoc;
  name?: string;
  namespaced: boolean;
  /** Empty: every image matches. */
  matchImageReferences: ImageMatcher[];
  attestors: IvpAttestor[];
  /** `spec.validationActions` (Deny, Audit, Warn); the CRD requires it. */
  validationActions: Fact<string[]>;
  matchConstraints?: MapNode;
  mutateDigest: Fact<boolean>;
  verifyDigest: Fact<boolean>;
  required: Fact<boolean>;
  materials: MaterialSite[];
  regExps: RegExpSite[];
}

// ---- ClusterImagePolicy ---------------------------------------------------------------------------------

export interface CipAuthority {
  name?: string;
  kind: 'key' | 'keyless' | 'static' | 'unknown';
  node: MapNode;
}

export interface ClusterImagePolicyModel {
  kind: 'cluster-image-policy';
  doc: YamlDoc;
  name?: string;
  images: ImageMatcher[];
  authorities: CipAuthority[];
  /** `spec.mode`: enforce (default) or warn. */
  mode: Fact<'enforce' | 'warn'>;
  materials: MaterialSite[];
  regExps: RegExpSite[];
}

export type PolicyModel = KyvernoPolicyModel | ImageValidatingPolicyModel | ClusterImagePolicyModel;

// ---- building -------------------------------------------------------------------------------------------

const models = new WeakMap<YamlDoc['doc'], PolicyModel | null>();

/** The model of a policy document (undefined for manifests and other documents); computed once per parsed document. */
export function policyModel(doc: YamlDoc): PolicyModel | undefined {
  let model = models.get(doc.doc);
  if (model === undefined) {
    model = buildModel(doc) ?? null;
    models.set(doc.doc, model);
  }
  return model ?? undefined;
}

export function kyvernoModel(doc: YamlDoc): KyvernoPolicyModel | undefined {
  const model = policyModel(doc);
  return model?.kind === 'kyverno-policy' ? model : undefined;
}

function buildModel(doc: YamlDoc): PolicyModel | undefined {
  if (doc.kind === 'kyverno-policy') return buildKyverno(doc);
  if (doc.kind === 'image-validating-policy') return buildIvp(doc);
  if (doc.kind === 'cluster-image-policy') return buildCip(doc);
  return undefined;
}

const isEnforce = (v: unknown) => v === 'Enforce' || v === 'enforce';

/** `spec.validationFailureAction` as Kyverno sees it after CRD defaulting (Audit when absent). */
function specFailureAction(doc: YamlDoc): { value: 'Audit' | 'Enforce'; explicit: boolean } {
  const v = scalarValue(specOf(doc), 'validationFailureAction');
  return { value: isEnforce(v) ? 'Enforce' : 'Audit', explicit: v !== undefined };
}

/** The action a rule runs with: Enforce if any entry enforces, else the first entry's, else the spec's. */
function effectiveRuleAction(doc: YamlDoc, rule: PolicyRuleView): 'Audit' | 'Enforce' {
  const actions = seqItems(child(rule.node, 'verifyImages')).map((n) => scalarValue(n, 'failureAction'));
  if (actions.some(isEnforce)) return 'Enforce';
  const first = actions.find((a) => a !== undefined);
  if (first !== undefined) return isEnforce(first) ? 'Enforce' : 'Audit';
  return specFailureAction(doc).value;
}

/** A written failure action (any value but Enforce/enforce counts as Audit, as Kyverno's Audit() does). */
function actionFact(node: Node | undefined): Fact<FailureAction> | undefined {
  const value = isScalar(node) ? node.value : undefined;
  return value !== undefined && value !== null ? { value: isEnforce(value) ? 'Enforce' : 'Audit', node } : undefined;
}

/** The model of the rule a view belongs to. */
export function ruleModel(model: KyvernoPolicyModel, view: PolicyRuleView): KyvernoRule | undefined {
  return model.rules.find((r) => r.view === view);
}

function buildKyverno(doc: YamlDoc): KyvernoPolicyModel {
  const spec = specOf(doc);
  const sites = new SiteCollector();
  const entriesByRule = new Map<PolicyRuleView, KyvernoEntry[]>();
  const specAction = specFailureAction(doc);
  const fromSpec = { audit: specAction.value === 'Audit', source: specAction.explicit ? 'spec' : 'spec-default' } as const;
  let carried: { audit: boolean; source: KyvernoEntry['admissionActionSource'] } = fromSpec;
  let lastRule: PolicyRuleView | undefined;
  const entries: KyvernoEntry[] = [];
  for (const view of verifyImagesEntries(doc)) {
    // Kyverno carries the audit flag from entry to entry within one rule only (pkg/validation/policy/validate.go).
    if (view.rule !== lastRule) carried = fromSpec;
    lastRule = view.rule;
    const entry = buildEntry(doc, view, carried);
    carried = { audit: entry.admissionAudit, source: entry.admissionActionSource };
    entries.push(entry);
    entriesByRule.set(view.rule, [...(entriesByRule.get(view.rule) ?? []), entry]);
    collectEntrySites(sites, entry);
  }
  const rules = policyRules(doc).map((view): KyvernoRule => {
    const manifests = childMap(view.node, 'validate', 'manifests');
    return {
      view,
      entries: entriesByRule.get(view) ?? [],
      action: effectiveRuleAction(doc, view),
      validateFailureAction: actionFact(child(childMap(view.node, 'validate'), 'failureAction')),
      match: childMap(view.node, 'match'),
      exclude: childMap(view.node, 'exclude'),
      matchSelection: selectionOf(child(view.node, 'match')),
      excludeSelection: selectionOf(child(view.node, 'exclude')),
      hasPreconditions: pairOf(view.node, 'preconditions') !== undefined,
      imageExtractorKinds: mapItems(child(view.node, 'imageExtractors')).map((p) => String(p.key.value)),
      manifestAttestorSets: manifests ? attestorSetsOf(manifests, [...view.path, 'validate', 'manifests']) : [],
    };
  });
  for (const rule of rules) for (const set of rule.manifestAttestorSets) for (const a of set.entries) sites.materialsOf(a.node, MATERIAL_FIELDS['kyverno-policy']);
  const overrides: ActionOverride[] = [];
  for (const item of seqItems(child(spec, 'validationFailureActionOverrides'))) {
    const node = asMap(item);
    if (!node) continue;
    const namespaces = seqItems(child(node, 'namespaces')).flatMap((n) => (isScalar(n) && typeof n.value === 'string' ? [n.value] : []));
    overrides.push({ action: isEnforce(scalarValue(node, 'action')) ? 'Enforce' : 'Audit', namespaces, node });
  }
  return {
    kind: 'kyverno-policy',
    doc,
    name: metadataName(doc),
    namespaced: doc.kindName === 'Policy',
    namespace: metadataString(doc, 'namespace'),
    autogenControllers: computeAutogenControllers(doc),
    specAction: { value: specAction.value, node: child(spec, 'validationFailureAction') },
    admission: boolFact(spec, 'admission', true),
    overrides,
    rules,
    entries,
    materials: sites.materials,
    regExps: sites.regExps,
  };
}

function buildEntry(doc: YamlDoc, view: VerifyImagesView, carried: { audit: boolean; source: KyvernoEntry['admissionActionSource'] }): KyvernoEntry {
  const node = view.node;
  const typeFact = stringFact(node, 'type');
  const type = typeFact && ['Cosign', 'SigstoreBundle', 'Notary'].includes(typeFact.value) ? typeFact.value : 'Cosign';
  const failureAction = actionFact(child(node, 'failureAction'));
  const legacy = legacyFields(doc, node);
  const imageReferences = matchers(node, 'imageReferences', 'kyverno-wildcard');
  if (legacy.pairs.image) imageReferences.push(...matchers(node, 'image', 'kyverno-wildcard', true));
  const attestations = seqItems(child(node, 'attestations')).flatMap((item, index): KyvernoAttestation[] => {
    const a = asMap(item);
    if (!a) return [];
    return [{ node: a, index, path: [...view.path, 'attestations', index], type: stringFact(a, 'type') ?? stringFact(a, 'predicateType') }];
  });
  return {
    doc,
    view,
    rule: view.rule,
    verifierType: { value: type as KyvernoEntry['verifierType']['value'], node: typeFact?.node },
    imageReferences,
    skipImageReferences: matchers(node, 'skipImageReferences', 'kyverno-wildcard'),
    repository: stringFact(node, 'repository'),
    failureAction,
    admissionAudit: failureAction ? failureAction.value === 'Audit' : carried.audit,
    admissionActionSource: failureAction ? 'entry' : carried.source === 'entry' ? 'earlier-entry' : carried.source,
    ruleAction: effectiveRuleAction(doc, view.rule),
    mutateDigest: boolFact(node, 'mutateDigest', true),
    verifyDigest: boolFact(node, 'verifyDigest', true),
    required: boolFact(node, 'required', true),
    attestorSets: attestorSets(view).map((s) => {
      const count = child(s.node, 'count');
      const writtenEntries = seqItems(child(s.node, 'entries')).length;
      return isScalar(count) && typeof count.value === 'number' ? { ...s, count: { value: count.value, node: count }, writtenEntries } : { ...s, writtenEntries };
    }),
    attestations,
    legacy,
  };
}

/** kyverno.io/v2beta1 has no top-level legacy fields (the schema rules report them as unknown there). */
function legacyFields(doc: YamlDoc, entry: MapNode): LegacyFields {
  const pairs: LegacyFields['pairs'] = {};
  if (doc.apiVersion !== 'kyverno.io/v1') return { pairs };
  for (const key of LEGACY_KEYS) {
    const pair = pairOf(entry, key);
    if (pair) pairs[key] = pair as Pair<Scalar, unknown>;
  }
  const converts = typeof scalarValue(entry, 'key') === 'string' && scalarValue(entry, 'key') !== '' ? 'keys'
    : typeof scalarValue(entry, 'issuer') === 'string' && scalarValue(entry, 'issuer') !== '' ? 'keyless' : undefined;
  return { pairs, converts };
}

function collectEntrySites(c: SiteCollector, entry: KyvernoEntry): void {
  c.materialsOf(entry.view.node, KYVERNO_ENTRY_FIELDS);
  for (const set of entry.attestorSets) {
    for (const attestor of set.entries) {
      c.materialsOf(attestor.node, MATERIAL_FIELDS['kyverno-policy']);
      c.regExpsOf(childMap(attestor.node, 'keyless'), 'keyless');
    }
  }
}

/** The material site whose value is `node`, if the node holds key or certificate material. */
export function materialSiteOf(doc: YamlDoc, node: unknown): MaterialSite | undefined {
  return policyModel(doc)?.materials.find((s) => s.node === node);
}
