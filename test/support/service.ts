// Helpers for service tests: text in, diagnostics/completions/hovers out.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getLanguageService, LanguageServiceOptions } from '../../server/src/service/languageService';
import { defaultSettings, ServiceSettings } from '../../server/src/service/settings';
import type { Diagnostic, Position } from '../../server/src/service/types';

export const FIXTURES = path.join(__dirname, '..', 'fixtures');

export function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

export function validate(text: string, settings: ServiceSettings = defaultSettings, uri = 'file:///test/policy.yaml'): Diagnostic[] {
  const service = getLanguageService();
  return service.doValidation(service.parse(uri, text), settings);
}

export function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => String(d.code));
}

export function withCode(diagnostics: Diagnostic[], code: string): Diagnostic[] {
  return diagnostics.filter((d) => d.code === code);
}

/** The text a diagnostic's range covers. */
export function textAt(text: string, d: { range: { start: Position; end: Position } }): string {
  const lines = text.split('\n');
  const offset = (p: Position) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(offset(d.range.start), offset(d.range.end));
}

/** Splits `text` at the `|` cursor marker (the first one) and returns the text without it and the position. */
export function cursor(textWithMarker: string, marker = '|'): { text: string; position: Position } {
  const offset = textWithMarker.indexOf(marker);
  if (offset < 0) throw new Error('no cursor marker in test text');
  const text = textWithMarker.slice(0, offset) + textWithMarker.slice(offset + marker.length);
  const before = text.slice(0, offset).split('\n');
  return { text, position: { line: before.length - 1, character: before[before.length - 1].length } };
}

export function service(options: LanguageServiceOptions = {}) {
  return getLanguageService(options);
}

/** Removes the common leading indentation so test YAML can be written indented in the source. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}
