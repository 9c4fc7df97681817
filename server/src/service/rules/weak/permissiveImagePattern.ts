import type { Rule } from '../rule';
import { Severity } from '../../types';
import { isAllWildcards, patternAlternatives, quote, validatePatternImages } from './imagePatterns';

/** `*:*`, `?*:?*` …: "any name, a colon, anything" — meant as "has a tag". */
function isAnyTagOperand(operand: string): boolean {
  return /^[*?]+:[*?]+$/.test(operand) && operand.includes('*');
}

export function isPermissiveOperand(operand: string): boolean {
  return isAllWildcards(operand) || isAnyTagOperand(operand);
}

function describe(operand: string): string {
  if (isAnyTagOperand(operand)) {
    return `${quote(operand)} only requires a ":" somewhere, so "nginx:latest" (a mutable tag) and "localhost:5000/app" (no tag at all: the colon is the port) both pass. ` +
      'To require a pinned image use "*@sha256:*"; to reject the latest tag add a "!*:latest" check';
  }
  const what = operand.includes('?') ? 'any non-empty image' : 'any image';
  return `${quote(operand)} accepts ${what}, from any registry and with any tag. Name the allowed registries instead (e.g. "registry.company.com/*")`;
}

export const permissiveImagePattern: Rule = {
  id: 'policy-permissive-image-pattern',
  severity: Severity.Warning,
  summary: 'A validate.pattern image check that accepts any image or any tag.',
  docs: [
    'In a `validate.pattern` / `anyPattern`, an `image:` value of `*` or `?*` accepts every image, and `*:*` only requires a colon:',
    '`nginx:latest` passes, and so does `localhost:5000/app`, which has no tag at all. An alternative after `|` that is this broad',
    'makes the whole value that broad. Restrict registries (`registry.company.com/*`), require digests (`*@sha256:*`) or reject',
    '`!*:latest` explicitly.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    for (const item of validatePatternImages(ctx.doc)) {
      const alternatives = patternAlternatives(item.value);
      const permissive = alternatives.find((operands) => operands.length > 0 && operands.every(isPermissiveOperand));
      if (!permissive) continue;
      // With `&`, every operand is permissive; the broadest one says what gets through.
      const operand = permissive.find((o) => !isAnyTagOperand(o)) ?? permissive[0];
      const prefix = alternatives.length > 1 ? `The alternative ${quote(operand)} makes this whole check permissive: ` : '';
      ctx.report({ node: item.node, message: `${prefix}${describe(operand)}.` });
    }
  },
};
