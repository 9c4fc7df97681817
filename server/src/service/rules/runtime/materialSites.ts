// Where key and certificate material and keyless regexps sit in the three policy kinds: the policy model's
// lists, so each runtime rule, the hover and completion agree on which fields hold material.
import type { YamlDoc } from '../../document/yamlFile';
import { policyModel } from '../../policy/model';
import type { MaterialSite, RegExpSite } from '../../policy/model';

export type { MaterialKind, MaterialSite, RegExpSite } from '../../policy/model';

export function materialSites(doc: YamlDoc): MaterialSite[] {
  return policyModel(doc)?.materials ?? [];
}

/** Keyless identity regexps (Go RE2 at runtime) in the three policy kinds. */
export function regExpSites(doc: YamlDoc): RegExpSite[] {
  return policyModel(doc)?.regExps ?? [];
}

/** PEM text as Kyverno tells it apart from a key reference (`k8s://…`, `awskms://…`, `{{ variable }}`). */
export function looksLikePem(value: string): boolean {
  return /^\s*-----BEGIN /.test(value);
}

/** Value lines that start with `#`: YAML comments only outside a block scalar, content inside one. */
export function hashLines(value: string): { from: number; to: number; text: string }[] {
  const out: { from: number; to: number; text: string }[] = [];
  let offset = 0;
  for (const line of value.split('\n')) {
    const lead = line.length - line.trimStart().length;
    if (line.trimStart().startsWith('#')) out.push({ from: offset + lead, to: offset + line.trimEnd().length, text: line.trim() });
    offset += line.length + 1;
  }
  return out;
}
