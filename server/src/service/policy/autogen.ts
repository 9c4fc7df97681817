// Which pod controllers Kyverno generates rules for from a ClusterPolicy/Policy (autogen): computed once per
// document by the policy model, read by rule matching.
import { isScalar } from 'yaml';
import type { YamlDoc } from '../document/yamlFile';
import { asMap, pairOf, scalarValue, seqItems } from '../document/yamlFile';
import { child, policyRules } from './kyvernoPolicy';

export const POD_CONTROLLERS = ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'CronJob'];
export const AUTOGEN_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';

/** Pod controllers Kyverno generates rules for, from the policy's shape and its autogen annotation. */
export function computeAutogenControllers(policy: YamlDoc): string[] {
  if (!canAutogen(policy)) return [];
  const annotations = child(child(policy.doc.contents, 'metadata'), 'annotations');
  const value = scalarValue(annotations, AUTOGEN_ANNOTATION);
  if (typeof value !== 'string') return POD_CONTROLLERS;
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== 'none');
}

const has = (map: unknown, key: string) => pairOf(map, key) !== undefined;

/**
 * Kyverno's CanAutoGen: every rule's resource descriptions must avoid names, selectors and annotations and
 * must not mix Pod with other kinds; some rule must name Pod or a controller; no generate or JSON6902 patches.
 */
export function canAutogen(policy: YamlDoc): boolean {
  let needed = false;
  for (const rule of policyRules(policy)) {
    if (has(rule.node, 'generate')) return false;
    const mutate = asMap(child(rule.node, 'mutate'));
    if (has(mutate, 'patchesJson6902')) return false;
    if (seqItems(child(mutate, 'foreach')).some((f) => has(asMap(f), 'patchesJson6902'))) return false;
    for (const block of [child(rule.node, 'match'), child(rule.node, 'exclude')]) {
      for (const description of resourceDescriptions(block)) {
        if (['name', 'names', 'selector', 'annotations'].some((k) => has(description, k))) return false;
        const kinds = stringList(child(description, 'kinds'));
        if (kinds.length > 1 && kinds.some((k) => parseKindSelector(k).kind === 'Pod')) return false;
        if (kinds.some((k) => k === 'Pod' || POD_CONTROLLERS.includes(k))) needed = true;
      }
    }
  }
  return needed;
}

type MapNode = NonNullable<ReturnType<typeof asMap>>;

/** The resource descriptions of a match/exclude block: the legacy `resources` and those of `any`/`all`. */
export function resourceDescriptions(block: unknown): MapNode[] {
  const m = asMap(block);
  if (!m) return [];
  const out: MapNode[] = [];
  const legacy = asMap(child(m, 'resources'));
  if (legacy) out.push(legacy);
  for (const key of ['any', 'all']) {
    for (const f of seqItems(child(m, key))) {
      const r = asMap(child(f, 'resources'));
      if (r) out.push(r);
    }
  }
  return out;
}

export interface KindSelector { group?: string; version?: string; kind: string; subresource?: string }

/** Kyverno kind selectors: `Pod`, `v1/Pod`, `apps/v1/Deployment`, `apps/*\/Deployment`, `Pod/exec`. */
export function parseKindSelector(selector: string): KindSelector {
  const parts = selector.split('/');
  let kindAt = parts.length - 1;
  for (let i = parts.length - 1; i >= 0; i--) {
    if (/^[A-Z*]/.test(parts[i])) { kindAt = i; break; }
  }
  const before = parts.slice(0, kindAt);
  const after = parts.slice(kindAt + 1);
  const out: KindSelector = { kind: parts[kindAt] };
  if (before.length === 1) out.version = before[0];
  if (before.length >= 2) { out.group = before.slice(0, -1).join('/'); out.version = before[before.length - 1]; }
  if (after.length > 0) out.subresource = after.join('/');
  return out;
}

export function stringList(node: unknown): string[] {
  return seqItems(node).flatMap((n) => (isScalar(n) && typeof n.value === 'string' ? [n.value] : []));
}
