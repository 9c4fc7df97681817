// Runs every applicable rule over every document of a parsed file and turns reports into diagnostics.
import { isPair, isScalar } from 'yaml';
import type { YamlFile, YamlDoc } from './document/yamlFile';
import { rangeAt } from './document/yamlFile';
import type { Rule, Report } from './rules/rule';
import { allRules } from './rules';
import { applySeverityOverride, ServiceSettings } from './settings';
import { Diagnostic, SOURCE } from './types';
import type { WorkspaceView } from './workspace/policyIndex';

export function validateFile(file: YamlFile, settings: ServiceSettings, rules: readonly Rule[] = allRules, workspace?: WorkspaceView): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Text reached through several aliases (`verifyImages: *entries` in two rules) is judged once per use, but a
  // finding on the same text with the same words is one diagnostic.
  const seen = new Set<string>();
  for (const doc of file.docs) {
    for (const rule of rules) {
      if (!rule.appliesTo.includes(doc.kind)) continue;
      runRule(rule, file, doc, settings, out, seen, workspace);
    }
  }
  return out;
}

function runRule(rule: Rule, file: YamlFile, doc: YamlDoc, settings: ServiceSettings, out: Diagnostic[], seen: Set<string>, workspace?: WorkspaceView): void {
  const report = (r: Report) => {
    const code = r.code ?? rule.id;
    const severity = applySeverityOverride(code, r.severity ?? rule.severity, settings);
    if (severity === undefined) return;
    const [start, end] = reportOffsets(r, doc);
    const key = `${code}\u0000${start}\u0000${end}\u0000${r.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    const d: Diagnostic = {
      range: rangeAt(file, start, end),
      severity,
      code,
      source: SOURCE,
      message: r.message,
    };
    if (settings.docsUrl) d.codeDescription = { href: `${settings.docsUrl}#${code}` };
    if (r.tags) d.tags = r.tags;
    if (r.data !== undefined) d.data = r.data;
    out.push(d);
  };
  try {
    rule.check({ file, doc, settings, workspace, report });
  } catch (err) {
    // A rule bug must not take the other diagnostics down; surface it where it can be reported.
    report({ offsets: [doc.start, doc.start], message: `internal error in rule ${rule.id}: ${(err as Error).message}`, code: 'internal-error' });
  }
}

function reportOffsets(r: Report, doc: YamlDoc): [number, number] {
  if (r.offsets) return r.offsets;
  if (r.keyOf && isPair(r.keyOf) && isScalar(r.keyOf.key) && r.keyOf.key.range) {
    return [r.keyOf.key.range[0], r.keyOf.key.range[1]];
  }
  if (r.node?.range) return [r.node.range[0], r.node.range[1]];
  return [doc.start, doc.start];
}
