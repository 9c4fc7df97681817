import type { Rule } from '../rule';
import { schemaUnknownField } from './schemaUnknownField';
import { schemaType } from './schemaType';
import { schemaEnum } from './schemaEnum';
import { schemaRequired } from './schemaRequired';
import { schemaValue } from './schemaValue';

export const schemaRules: readonly Rule[] = [schemaUnknownField, schemaType, schemaEnum, schemaRequired, schemaValue];
