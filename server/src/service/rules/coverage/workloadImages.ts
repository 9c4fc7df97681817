// The images the coverage rules judge: every non-templated container image of a workload document, with
// the subject (kind, name, namespace, labels) Kyverno rule matching needs.
import type { YamlDoc } from '../../document/yamlFile';
import { imagesInDoc, ImageOccurrence } from '../../manifest/images';
import { ImageSubject, subjectOf } from '../../manifest/coverage';

export interface WorkloadImage {
  occurrence: ImageOccurrence;
  subject: ImageSubject;
}

export function workloadImages(doc: YamlDoc): readonly WorkloadImage[] {
  // Every coverage rule asks for the same document in one validation pass; a parsed document never changes.
  let images = cache.get(doc);
  if (!images) {
    images = imagesInDoc(doc)
      .filter((o) => !o.templated)
      .map((occurrence) => ({ occurrence, subject: subjectOf(occurrence) }));
    cache.set(doc, images);
  }
  return images;
}

const cache = new WeakMap<YamlDoc, readonly WorkloadImage[]>();

/** `Deployment "web" in namespace "prod"`, for messages. */
export function describeWorkload(subject: ImageSubject): string {
  const name = subject.name !== undefined ? ` "${subject.name}"` : '';
  return `${subject.kind}${name} in namespace "${subject.namespace ?? 'default'}"`;
}

/** `rule "check" of policy "verify"`, tolerating unnamed ones. */
export function describeRule(policyName: string | undefined, ruleName: string | undefined): string {
  return `rule "${ruleName ?? '(unnamed)'}" of policy "${policyName ?? '(unnamed)'}"`;
}

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
