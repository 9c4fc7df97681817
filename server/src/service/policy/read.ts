// Reading policy YAML into facts, through the shared helpers of document/yamlFile.ts only (so what they learn —
// aliases, merge keys — reaches every fact): the small readers every policy kind's model builder uses.
import { isScalar, Node, Pair, Scalar, YAMLMap } from 'yaml';
import type { YamlDoc } from '../document/yamlFile';
import { asMap, pairOf, scalarValue, seqItems } from '../document/yamlFile';
import { child } from './kyvernoPolicy';
import type { Fact, ImageMatcher, MatcherSemantics, StringScalar } from './model';

export { child };

type MapNode = YAMLMap<Scalar, Node | null>;

export function childMap(map: unknown, ...path: string[]): MapNode | undefined {
  let current: unknown = map;
  for (const step of path) current = asMap(child(current, step));
  return asMap(current);
}

export function stringPair(map: unknown, key: string): Pair<Scalar, Scalar> | undefined {
  const pair = pairOf(map, key);
  return pair && isScalar(pair.value) && typeof pair.value.value === 'string' ? (pair as Pair<Scalar, Scalar>) : undefined;
}

export function stringFact(map: unknown, key: string): Fact<string> | undefined {
  const pair = stringPair(map, key);
  return pair ? { value: pair.value!.value as string, node: pair.value! } : undefined;
}

export function boolFact(map: unknown, key: string, dflt: boolean): Fact<boolean> {
  const node = child(map, key);
  return isScalar(node) && typeof node.value === 'boolean' ? { value: node.value, node } : { value: dflt };
}

export function metadataString(doc: YamlDoc, key: string): string | undefined {
  const value = scalarValue(childMap(doc.doc.contents, 'metadata'), key);
  return typeof value === 'string' ? value : undefined;
}

export function metadataName(doc: YamlDoc): string | undefined {
  return metadataString(doc, 'name');
}

/** A single string or a sequence of strings under `key`, as matchers. */
export function matchers(map: unknown, key: string, semantics: MatcherSemantics, legacy?: boolean): ImageMatcher[] {
  const value = child(map, key);
  const nodes = value === undefined ? [] : isScalar(value) ? [value] : seqItems(value);
  const out: ImageMatcher[] = [];
  for (const n of nodes) {
    if (isScalar(n) && typeof n.value === 'string') out.push({ semantics, pattern: n.value, node: n as StringScalar, ...(legacy ? { legacy } : {}) });
  }
  return out;
}
