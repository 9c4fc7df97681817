import type { Rule } from '../rule';

export const admissionRules: readonly Rule[] = [];
