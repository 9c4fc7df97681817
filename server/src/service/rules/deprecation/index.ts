import type { Rule } from '../rule';
import { policyDeprecated } from './policyDeprecated';

export const deprecationRules: readonly Rule[] = [policyDeprecated];
