// Service settings, typed in one place; the LSP adapter maps client configuration onto this.
import { Severity } from './types';

export type SeverityOverride = 'error' | 'warning' | 'information' | 'hint' | 'off';

export interface ServiceSettings {
  /** Per-code severity overrides, e.g. `{ "image-not-pinned": "warning" }`. */
  severity: Record<string, SeverityOverride>;
  /** Where the rule docs are (docs/rules.md as shipped); diagnostics link to `<docsUrl>#<code>` when set. */
  docsUrl?: string;
}

export const defaultSettings: ServiceSettings = { severity: {} };

export function applySeverityOverride(code: string, severity: Severity, settings: ServiceSettings): Severity | undefined {
  const o = settings.severity[code];
  switch (o) {
    case undefined: return severity;
    case 'off': return undefined;
    case 'error': return Severity.Error;
    case 'warning': return Severity.Warning;
    case 'information': return Severity.Information;
    case 'hint': return Severity.Hint;
  }
}
