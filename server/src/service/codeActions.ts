// Quick-fixes come from the rule that produced the diagnostic.
import type { YamlFile } from './document/yamlFile';
import { docAtOffset, offsetAt } from './document/yamlFile';
import { ruleById } from './rules';
import { pinAllDigestsAction } from './rules/image/pinDigestFix';
import type { CodeAction, Diagnostic, Range } from './types';

export function doCodeActions(file: YamlFile, _range: Range, diagnostics: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    const rule = ruleById(String(diagnostic.code));
    if (!rule?.fix) continue;
    const doc = docAtOffset(file, offsetAt(file, diagnostic.range.start));
    actions.push(...rule.fix({ file, doc, diagnostic }));
  }
  actions.push(...pinAllDigestsAction(file));
  return actions;
}
