// Whether a Kyverno rule's `match`/`exclude` selects a given workload, evaluated statically. What cannot be
// known from the files (who applies the resource, namespace labels) makes the answer "maybe", with a
// caveat that says why, instead of a guess.
import { isScalar, Node } from 'yaml';
import type { YamlDoc } from '../document/yamlFile';
import { mapItems } from '../document/yamlFile';
import type { PolicyRuleView } from '../policy/kyvernoPolicy';
import { KyvernoRule, kyvernoModel, ruleModel } from '../policy/model';
import type { LabelSelector, ResourceDescription, ResourceFilter, Selection } from '../policy/selection';
import { AUTOGEN_ANNOTATION, canAutogen, computeAutogenControllers, parseKindSelector, POD_CONTROLLERS, stringList } from '../policy/autogen';
import type { KindSelector } from '../policy/autogen';

export { AUTOGEN_ANNOTATION, canAutogen, parseKindSelector, POD_CONTROLLERS, stringList };
export type { KindSelector };

/** Pod controllers Kyverno generates rules for (the policy model's answer). */
export function autogenControllers(policy: YamlDoc): string[] {
  return [...(kyvernoModel(policy)?.autogenControllers ?? computeAutogenControllers(policy))];
}
import { wildcardMatch } from '../image/wildcard';

export type Tri = 'yes' | 'no' | 'maybe';

export const and = (...xs: Tri[]): Tri => (xs.includes('no') ? 'no' : xs.includes('maybe') ? 'maybe' : 'yes');
export const or = (...xs: Tri[]): Tri => (xs.includes('yes') ? 'yes' : xs.includes('maybe') ? 'maybe' : 'no');
export const not = (x: Tri): Tri => (x === 'yes' ? 'no' : x === 'no' ? 'yes' : 'maybe');

/** The workload an image belongs to, as far as rule matching needs it. */
export interface ResourceSubject {
  kind: string;
  apiVersion?: string;
  name?: string;
  /** `metadata.namespace`; undefined means `default` (where a manifest without namespace usually lands). */
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Labels of the pods a controller creates (its pod template), for rules evaluated at pod creation. */
  podLabels?: Record<string, string>;
}

/** How the rule reaches the workload. */
export type MatchVia =
  /** the rule names the workload's kind */
  | 'direct'
  /** the rule names Pod and Kyverno generates an `autogen-` rule for this controller */
  | 'autogen'
  /** the rule names Pod, autogen is off: it runs on the pods the controller creates, not on the controller */
  | 'pod-creation';

export interface RuleApplicability {
  applies: Tri;
  via: MatchVia;
  caveats: string[];
}

// Namespaces the Kyverno Helm chart's default `resourceFilters` tell Kyverno to ignore.
const FILTERED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'kyverno'];

export function subjectNamespace(s: ResourceSubject): string {
  return s.namespace ?? 'default';
}

/** Whether (and how) a rule of a ClusterPolicy/Policy applies to a workload. */
export function ruleApplicability(policy: YamlDoc, view: PolicyRuleView, subject: ResourceSubject): RuleApplicability {
  const model = kyvernoModel(policy);
  const rule = model && ruleModel(model, view);
  let caveats: string[] = [];
  const no = (via: MatchVia = 'direct'): RuleApplicability => ({ applies: 'no', via, caveats: [] });

  if (policy.kindName === 'Policy') {
    const policyNs = model?.namespace ?? 'default';
    if (policyNs !== subjectNamespace(subject)) return no();
  }

  let via: MatchVia = 'direct';
  let effective: ResourceSubject = subject;
  let applies = selects(rule, effective, caveats);
  if (applies === 'no' && POD_CONTROLLERS.includes(subject.kind)) {
    const asPod: ResourceSubject = { ...subject, kind: 'Pod', apiVersion: 'v1' };
    const podCaveats: string[] = [];
    if (selects(rule, asPod, podCaveats, { kindsOnly: true }) === 'no') return no();
    caveats = [];
    if (model?.autogenControllers.includes(subject.kind)) {
      via = 'autogen';
      effective = asPod;
    } else {
      // The pods get generated names and the template's labels; the controller's own are irrelevant.
      via = 'pod-creation';
      effective = { kind: 'Pod', apiVersion: 'v1', namespace: subject.namespace, labels: subject.podLabels };
      caveats.push(`runs on the Pods this ${subject.kind} creates, not on the ${subject.kind} itself (Kyverno generates no autogen rule here): a failure shows up as Pods that are never created`);
    }
    applies = selects(rule, effective, caveats);
    if (applies === 'no') return no(via);
  }
  if (applies === 'no') return no();

  const excluded = excludes(rule, effective, caveats);
  applies = and(applies, not(excluded));
  if (applies === 'no') return no(via);

  const ns = subjectNamespace(subject);
  if (FILTERED_NAMESPACES.includes(ns)) {
    caveats.push(`Kyverno's default resourceFilters skip the "${ns}" namespace`);
    applies = and(applies, 'maybe');
  }
  if (rule?.hasPreconditions) {
    caveats.push('the rule has preconditions, evaluated at admission');
    applies = and(applies, 'maybe');
  }
  if (model?.admission.value === false) {
    caveats.push('spec.admission is false: the rule does not run when resources are applied');
    applies = and(applies, 'maybe');
  }
  if (rule?.imageExtractorKinds.includes(effective.kind)) {
    caveats.push(`imageExtractors for ${effective.kind} replace Kyverno's built-in image extraction`);
    applies = and(applies, 'maybe');
  }
  return { applies, via, caveats: unique(caveats) };
}

interface SelectOptions { kindsOnly?: boolean }

function selects(rule: KyvernoRule | undefined, subject: ResourceSubject, caveats: string[], options: SelectOptions = {}): Tri {
  const match = rule?.matchSelection;
  if (!match) return 'no';
  return block(match, subject, caveats, options, false);
}

function excludes(rule: KyvernoRule | undefined, subject: ResourceSubject, caveats: string[]): Tri {
  const exclude = rule?.excludeSelection;
  return exclude ? block(exclude, subject, caveats, {}, true) : 'no';
}

/** A match/exclude block: `any` (OR), `all` (AND), or the legacy single filter. */
function block(m: Selection, subject: ResourceSubject, caveats: string[], options: SelectOptions, isExclude: boolean): Tri {
  if (m.any.length > 0) return or(...m.any.map((f) => filter(f, subject, caveats, options, isExclude)));
  if (m.all.length > 0) return and(...m.all.map((f) => filter(f, subject, caveats, options, isExclude)));
  return filter(m.self, subject, caveats, options, isExclude);
}

/** One ResourceFilter: `resources` plus the user-info fields. Every field present must match. */
function filter(f: ResourceFilter | undefined, subject: ResourceSubject, caveats: string[], options: SelectOptions, isExclude: boolean): Tri {
  if (!f) return 'no';
  const { resources, userInfo } = f;
  // An exclude with nothing in it excludes nothing.
  if (isExclude && (!resources || resources.empty) && userInfo.length === 0) return 'no';
  const results: Tri[] = [];
  if (resources) results.push(description(resources, subject, caveats, options));
  if (!options.kindsOnly && userInfo.length > 0) {
    caveats.push(`${isExclude ? 'exclude' : 'match'} depends on who applies the resource (${userInfo.join(', ')})`);
    results.push('maybe');
  }
  return results.length > 0 ? and(...results) : isExclude ? 'no' : 'yes';
}

function description(d: ResourceDescription, subject: ResourceSubject, caveats: string[], options: SelectOptions): Tri {
  const results: Tri[] = [];
  if (d.kinds.length > 0) results.push(d.kinds.some((k) => kindMatches(k, subject)) ? 'yes' : 'no');
  if (options.kindsOnly) return and(...results);

  if (d.names.length > 0) {
    if (subject.name === undefined) {
      caveats.push('the rule selects by name, which is not known here');
      results.push('maybe');
    } else {
      results.push(d.names.some((n) => wildcardMatch(n, subject.name!)) ? 'yes' : 'no');
    }
  }
  if (d.namespaces.length > 0) results.push(d.namespaces.some((n) => wildcardMatch(n, subjectNamespace(subject))) ? 'yes' : 'no');

  if (d.annotations.length > 0) {
    results.push(and(...d.annotations.map(([key, value]) =>
      Object.entries(subject.annotations ?? {}).some(([k, v]) => wildcardMatch(key, k) && wildcardMatch(value, v)) ? 'yes' : 'no')));
  }
  if (d.selector) results.push(labelSelector(d.selector, subject.labels ?? {}, caveats));
  if (d.namespaceSelector) {
    caveats.push('the rule selects namespaces by label (namespaceSelector), which cannot be evaluated from the files');
    results.push('maybe');
  }
  if (d.operations.length > 0 && !d.operations.some((o) => o === 'CREATE' || o === 'UPDATE')) results.push('no');
  return and(...results);
}

/** A Kubernetes label selector; Kyverno also allows wildcards in matchLabels keys and values. */
function labelSelector(selector: LabelSelector, labels: Record<string, string>, caveats: string[]): Tri {
  const results: Tri[] = [];
  for (const [key, value] of selector.matchLabels) {
    results.push(Object.entries(labels).some(([k, v]) => wildcardMatch(key, k) && wildcardMatch(value, v)) ? 'yes' : 'no');
  }
  for (const { key, operator, values } of selector.matchExpressions) {
    if (typeof key !== 'string') continue;
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (operator) {
      case 'In': results.push(has && values.includes(labels[key]) ? 'yes' : 'no'); break;
      case 'NotIn': results.push(!has || !values.includes(labels[key]) ? 'yes' : 'no'); break;
      case 'Exists': results.push(has ? 'yes' : 'no'); break;
      case 'DoesNotExist': results.push(has ? 'no' : 'yes'); break;
      default:
        caveats.push(`unknown label selector operator ${String(operator)}`);
        results.push('maybe');
    }
  }
  return and(...results);
}

function kindMatches(selector: string, subject: ResourceSubject): boolean {
  const k = parseKindSelector(selector);
  if (k.subresource !== undefined) return false;
  if (!wildcardMatch(k.kind, subject.kind)) return false;
  if (subject.apiVersion === undefined) return true;
  const slash = subject.apiVersion.indexOf('/');
  const group = slash >= 0 ? subject.apiVersion.slice(0, slash) : '';
  const version = slash >= 0 ? subject.apiVersion.slice(slash + 1) : subject.apiVersion;
  if (k.version !== undefined && !wildcardMatch(k.version, version)) return false;
  if (k.group !== undefined && !wildcardMatch(k.group, group)) return false;
  return true;
}

export function stringMap(node: Node | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of mapItems(node)) if (isScalar(p.value) && p.value.value !== null) out[String(p.key.value)] = String(p.value.value);
  return out;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
