import type { Rule } from '../rule';

export const weakRules: readonly Rule[] = [];
