import type { Rule } from '../rule';

export const deprecationRules: readonly Rule[] = [];
