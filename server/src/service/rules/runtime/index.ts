import type { Rule } from '../rule';
import { invalidPublicKey } from './invalidPublicKey';
import { commentInBlock } from './commentInBlock';
import { invalidCertificate } from './invalidCertificate';
import { invalidRegex } from './invalidRegex';
import { unknownCertificateExtension } from './unknownCertificateExtension';

export const runtimeRules: readonly Rule[] = [invalidPublicKey, commentInBlock, invalidCertificate, invalidRegex, unknownCertificateExtension];
