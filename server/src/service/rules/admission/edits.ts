// Text edits for admission quick-fixes: set a scalar field of a YAML map, keeping the file's layout.
import { isMap, isScalar } from 'yaml';
import type { YamlFile } from '../../document/yamlFile';
import { mapItems, pairOf, positionAt, rangeAt } from '../../document/yamlFile';
import type { TextEdit } from '../../types';

/**
 * One edit that makes `key: value` hold in `map`: the existing scalar is replaced (keeping its quote style),
 * or the field is added in front of the map's first key, on its own line at that key's column.
 * Undefined when the map has no usable layout (empty map, or an existing non-scalar value).
 */
export function setScalarEdit(file: YamlFile, map: unknown, key: string, value: string): TextEdit | undefined {
  if (!isMap(map)) return undefined;
  const pair = pairOf(map, key);
  if (pair) {
    const v = pair.value;
    if (!isScalar(v) || !v.range || v.range[1] <= v.range[0]) return undefined;
    const original = file.text.slice(v.range[0], v.range[1]);
    const quote = original[0] === '"' || original[0] === "'" ? original[0] : '';
    return { range: rangeAt(file, v.range[0], v.range[1]), newText: `${quote}${value}${quote}` };
  }
  const first = mapItems(map)[0];
  const start = first && isScalar(first.key) ? first.key.range?.[0] : undefined;
  if (start === undefined) return undefined;
  const separator = map.flow ? ', ' : `\n${' '.repeat(positionAt(file, start).character)}`;
  return { range: rangeAt(file, start, start), newText: `${key}: ${value}${separator}` };
}
