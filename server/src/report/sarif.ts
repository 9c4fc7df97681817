// SARIF 2.1.0 for `check --format sarif`: the log GitHub code scanning (and other SARIF viewers) accepts, so a CI
// job can upload the findings and see them as alerts on the exact YAML range, with the rule's docs as help.
// Pure: findings and rule metadata in, a JSON-serialisable object out.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from '../service/types';
import { Severity } from '../service/types';

export interface SarifFinding { file: string; diagnostic: Diagnostic }

export interface SarifRuleInfo { id: string; severity: Severity; summary: string; docs: string }

export interface SarifOptions {
  /** Every rule the tool has (listed in the driver, so alerts link to help even for codes not found this run). */
  rules: readonly SarifRuleInfo[];
  /** `docs/rules.md` (absolute URL); each rule's help link is `<docsUrl>#<id>`. */
  docsUrl: string;
  /** Artifact locations are relative to this folder (the repository root in CI), as `%SRCROOT%`. */
  baseDir: string;
  version: string;
}

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
type Level = 'error' | 'warning' | 'note';

export function sarifLevel(severity: Severity): Level {
  return severity === Severity.Error ? 'error' : severity === Severity.Warning ? 'warning' : 'note';
}

/** GitHub ranks alerts by this property (0.0–10.0); we only use it to separate errors from weaker findings. */
function securitySeverity(severity: Severity): string {
  return severity === Severity.Error ? '7.0' : severity === Severity.Warning ? '4.0' : '1.0';
}

/** Relative, forward-slashed, percent-encoded: what `artifactLocation.uri` with a `uriBaseId` must be. */
function artifactUri(file: string, baseDir: string): { uri: string; uriBaseId?: string } {
  const absolute = path.resolve(file);
  const relative = path.relative(baseDir, absolute);
  if (!relative.startsWith('..') && !path.isAbsolute(relative)) {
    return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  }
  return { uri: pathToFileURL(absolute).toString() };
}

export function toSarif(findings: readonly SarifFinding[], options: SarifOptions): object {
  const known = new Map(options.rules.map((r) => [r.id, r]));
  const ruleIds = [...options.rules.map((r) => r.id)];
  // A code with no rule object (should not happen, but a finding must never be dropped): listed too.
  for (const f of findings) if (!known.has(f.diagnostic.code) && !ruleIds.includes(f.diagnostic.code)) ruleIds.push(f.diagnostic.code);
  const indexOf = new Map(ruleIds.map((id, i) => [id, i]));

  const rules = ruleIds.map((id) => {
    const rule = known.get(id);
    const summary = rule?.summary ?? id;
    return {
      id,
      name: id,
      shortDescription: { text: summary },
      fullDescription: { text: summary },
      helpUri: `${options.docsUrl}#${id}`,
      help: { text: rule ? `${summary}\n\n${rule.docs}` : summary, markdown: rule ? `**${summary}**\n\n${rule.docs}` : summary },
      defaultConfiguration: { level: sarifLevel(rule?.severity ?? Severity.Warning) },
      properties: {
        tags: ['kubernetes', 'supply-chain', id.split('-')[0]],
        precision: 'high',
        'problem.severity': sarifLevel(rule?.severity ?? Severity.Warning) === 'note' ? 'recommendation' : sarifLevel(rule?.severity ?? Severity.Warning),
        'security-severity': securitySeverity(rule?.severity ?? Severity.Warning),
      },
    };
  });

  const results = findings.map(({ file, diagnostic: d }) => ({
    ruleId: d.code,
    ruleIndex: indexOf.get(d.code)!,
    level: sarifLevel(d.severity),
    message: { text: d.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactUri(file, options.baseDir),
          // SARIF lines and columns are 1-based; columns count UTF-16 code units by default, as LSP does.
          region: {
            startLine: d.range.start.line + 1,
            startColumn: d.range.start.character + 1,
            endLine: d.range.end.line + 1,
            endColumn: d.range.end.character + 1,
          },
        },
      },
    ],
  }));

  return {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Image Trust',
            semanticVersion: options.version,
            informationUri: options.docsUrl,
            rules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(options.baseDir + path.sep).toString() } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}
