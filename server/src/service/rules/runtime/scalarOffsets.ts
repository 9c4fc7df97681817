// Maps offsets inside a scalar's parsed value back to the source text, so a diagnostic can sit on the one
// PEM block, line or regexp construct at fault instead of the whole value.
import { Scalar } from 'yaml';
import type { YamlFile } from '../../document/yamlFile';

export type ValueToSource = (valueOffset: number) => number;

/**
 * A mapper from value offsets to file offsets, when the value's text appears verbatim in the source:
 * literal block scalars (`|`, line by line) and single-line scalars without escapes. Otherwise undefined,
 * and callers fall back to the whole node.
 */
export function valueToSource(file: YamlFile, node: Scalar): ValueToSource | undefined {
  if (!node.range || typeof node.value !== 'string') return undefined;
  const [start, end] = node.range;
  const source = file.text.slice(start, end);
  const value = node.value;
  if (node.type === Scalar.BLOCK_LITERAL) return literalBlockMapper(source, start, value);
  if (source.includes('\n')) return undefined;
  if (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) {
    return quotedMapper(source.slice(1, -1), start + 1, value, node.type === Scalar.QUOTE_DOUBLE);
  }
  if (source !== value) return undefined;
  return (offset) => start + offset;
}

const ESCAPE_LENGTH: Record<string, number> = { x: 4, u: 6, U: 10 };

/** Walks a one-line quoted scalar's escapes (`\\.`, `\\x41`, `''`) recording where each value character starts. */
function quotedMapper(inner: string, base: number, value: string, double: boolean): ValueToSource | undefined {
  const starts: number[] = [];
  let decoded = '';
  for (let i = 0; i < inner.length; ) {
    let width = 1;
    if (double && inner[i] === '\\') width = ESCAPE_LENGTH[inner[i + 1]] ?? 2;
    else if (!double && inner[i] === "'" && inner[i + 1] === "'") width = 2;
    const decodedChar = width === 1 ? inner[i] : double ? decodeEscape(inner.slice(i, i + width)) : "'";
    for (let k = 0; k < decodedChar.length; k++) starts.push(base + i);
    decoded += decodedChar;
    i += width;
  }
  if (decoded !== value) return undefined;
  starts.push(base + inner.length);
  return (offset) => starts[Math.max(0, Math.min(offset, starts.length - 1))];
}

function decodeEscape(escape: string): string {
  const c = escape[1];
  if (ESCAPE_LENGTH[c]) return String.fromCodePoint(parseInt(escape.slice(2), 16));
  const simple: Record<string, string> = { '0': '\0', a: '\x07', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0' };
  return simple[c] ?? escape;
}

/**
 * In a literal block every value line is one source line with the block's indentation in front, so value
 * line i ends where source line i+1 (after the `|` header) ends. Counting from the line end avoids working
 * out the indentation (explicit indentation indicators included).
 */
function literalBlockMapper(source: string, start: number, value: string): ValueToSource {
  const sourceLines: { start: number; length: number }[] = [];
  let at = 0;
  for (const line of source.split('\n')) {
    sourceLines.push({ start: start + at, length: line.replace(/\r$/, '').length });
    at += line.length + 1;
  }
  const valueLines = value.split('\n');
  const lineStarts: number[] = [];
  let offset = 0;
  for (const line of valueLines) {
    lineStarts.push(offset);
    offset += line.length + 1;
  }
  return (valueOffset) => {
    let i = lineStarts.length - 1;
    while (i > 0 && lineStarts[i] > valueOffset) i--;
    const src = sourceLines[Math.min(i + 1, sourceLines.length - 1)];
    const column = src.length - valueLines[i].length + (valueOffset - lineStarts[i]);
    return src.start + Math.max(0, Math.min(column, src.length));
  };
}

/** Source offsets of the value span [from, to), or undefined when the value cannot be mapped. */
export function sourceSpan(file: YamlFile, node: Scalar, from: number, to: number): [number, number] | undefined {
  const map = valueToSource(file, node);
  if (!map) return undefined;
  const start = map(from);
  // In a literal block the end is one past the last character (mapping `to` itself could land on the next
  // line's indentation); in a quoted scalar it is where the next character's source starts (escapes are wider).
  const end = to <= from ? start : node.type === Scalar.BLOCK_LITERAL ? map(to - 1) + 1 : map(to);
  return [start, Math.max(start, end)];
}
