// Text edits for admission quick-fixes: set a scalar field of a YAML map, keeping the file's layout.
import { isAlias, isMap, isPair, isScalar } from 'yaml';
import { writtenNode, writtenPair } from '../../document/aliases';
import type { YamlFile } from '../../document/yamlFile';
import { pairOf, positionAt, rangeAt } from '../../document/yamlFile';
import type { TextEdit } from '../../types';

/**
 * One edit that makes `key: value` hold in `map`: the existing scalar is replaced (keeping its quote style),
 * or the field is added in front of the map's first key, on its own line at that key's column.
 * Undefined when the map has no usable layout (empty map, or an existing non-scalar value).
 */
export function setScalarEdit(file: YamlFile, map: unknown, key: string, value: string): TextEdit | undefined {
  if (!isMap(map)) return undefined;
  const resolved = pairOf(map, key);
  // The field as written in this map: an alias is replaced where it stands (only this map changes, not every user
  // of the anchor); a field merged in from elsewhere (`<<`) is overridden by adding it here.
  const pair = resolved && writtenNode(map).items.includes(writtenPair(resolved)) ? writtenPair(resolved) : undefined;
  if (pair) {
    const v = pair.value;
    if (!(isScalar(v) || isAlias(v)) || !v.range || v.range[1] <= v.range[0]) return undefined;
    const original = file.text.slice(v.range[0], v.range[1]);
    const quote = original[0] === '"' || original[0] === "'" ? original[0] : '';
    return { range: rangeAt(file, v.range[0], v.range[1]), newText: `${quote}${value}${quote}` };
  }
  const first = (writtenNode(map).items as unknown[]).find((p): p is { key: unknown } => isPair(p) && isScalar(p.key));
  const start = first && isScalar(first.key) ? first.key.range?.[0] : undefined;
  if (start === undefined) return undefined;
  const separator = map.flow ? ', ' : `\n${' '.repeat(positionAt(file, start).character)}`;
  return { range: rangeAt(file, start, start), newText: `${key}: ${value}${separator}` };
}
