import type { Rule } from '../rule';

export const runtimeRules: readonly Rule[] = [];
