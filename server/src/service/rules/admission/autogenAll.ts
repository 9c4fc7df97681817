import { isScalar } from 'yaml';
import type { Rule } from '../rule';
import { Severity } from '../../types';
import { asMap, pairOf } from '../../document/yamlFile';
import { admissionChecked, stringField } from './facts';

const ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';

export const autogenAll: Rule = {
  id: 'policy-autogen-all',
  severity: Severity.Error,
  summary: 'Kyverno rejects the autogen annotation value `all`.',
  docs: [
    `The annotation \`${ANNOTATION}\` selects the Pod controllers Kyverno generates rules for. The value \`all\` was removed and`,
    'is refused ("Autogen annotation does not support \'all\' anymore"). Remove the annotation to get the default controllers,',
    'list them (e.g. `Deployment,StatefulSet,DaemonSet,Job,CronJob`) or use `none`.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    if (!admissionChecked(ctx.doc)) return;
    const annotations = asMap(asMap(asMap(ctx.doc.doc.contents)?.get('metadata', true))?.get('annotations', true));
    const value = pairOf(annotations, ANNOTATION)?.value;
    if (!isScalar(value) || stringField(annotations, ANNOTATION) !== 'all') return;
    ctx.report({
      node: value,
      message: `Kyverno rejects this policy: ${ANNOTATION}: all is no longer supported. ` +
        'Remove the annotation (autogen then covers the default controllers), list the controllers, e.g. Deployment,StatefulSet,DaemonSet,Job,CronJob, or use none.',
    });
  },
};
