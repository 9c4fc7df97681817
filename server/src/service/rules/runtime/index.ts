import type { Rule } from '../rule';
import { invalidPublicKey } from './invalidPublicKey';
import { commentInBlock } from './commentInBlock';
import { invalidCertificate } from './invalidCertificate';
import { invalidRegex } from './invalidRegex';

export const runtimeRules: readonly Rule[] = [invalidPublicKey, commentInBlock, invalidCertificate, invalidRegex];
