// The rule registry. Each family keeps its own list so families can grow independently.
import type { Rule } from './rule';
import { syntaxRules } from './syntax';
import { schemaRules } from './schema';
import { admissionRules } from './admission';
import { weakRules } from './weak';
import { runtimeRules } from './runtime';
import { deprecationRules } from './deprecation';
import { imageRules } from './image';
import { coverageRules } from './coverage';

export const allRules: readonly Rule[] = [
  ...syntaxRules,
  ...schemaRules,
  ...admissionRules,
  ...runtimeRules,
  ...weakRules,
  ...deprecationRules,
  ...imageRules,
  ...coverageRules,
];

export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.id === id);
}
