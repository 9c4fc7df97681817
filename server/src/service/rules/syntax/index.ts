import type { Rule } from '../rule';
import { yamlSyntax } from './yamlSyntax';
import { yamlExcessiveAliasing } from './yamlExcessiveAliasing';
import { yamlUnknownAlias } from './yamlUnknownAlias';

export const syntaxRules: readonly Rule[] = [yamlSyntax, yamlExcessiveAliasing, yamlUnknownAlias];
