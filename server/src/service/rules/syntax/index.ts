import type { Rule } from '../rule';
import { yamlSyntax } from './yamlSyntax';

export const syntaxRules: readonly Rule[] = [yamlSyntax];
