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
    actions.push(...rule.fix({ file, doc, diagnostic }).filter((a) => appliesCleanly(file, a)));
  }
  actions.push(...pinAllDigestsAction(file));
  return actions;
}

/**
 * A fix whose edits run backwards or overlap would corrupt the document; such an action is dropped rather than
 * offered. It can only come from ranges that do not belong together (e.g. a key here and, through an alias, its
 * value elsewhere), which the edit helpers avoid: this is the guard for the ones that do not.
 */
function appliesCleanly(file: YamlFile, action: CodeAction): boolean {
  for (const edits of Object.values(action.edit?.changes ?? {})) {
    const spans = edits.map((e) => [offsetAt(file, e.range.start), offsetAt(file, e.range.end)] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 0; i < spans.length; i++) {
      if (spans[i][0] > spans[i][1]) return false;
      if (i > 0 && spans[i][0] < spans[i - 1][1]) return false;
    }
  }
  return true;
}
