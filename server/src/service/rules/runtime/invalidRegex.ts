import type { Rule } from '../rule';
import { Severity } from '../../types';
import { compileGoRegexp } from '../../../regex/goRegexp';
import { explain } from '../../../regex/explain';
import { regExpSites } from './materialSites';
import { sourceSpan } from './scalarOffsets';

/** Keyless `subjectRegExp` / `issuerRegExp` that Go's regexp package will not compile. */
export const invalidRegex: Rule = {
  id: 'policy-invalid-regex',
  severity: Severity.Error,
  summary: 'A keyless identity regexp is not valid Go (RE2) syntax.',
  docs:
    'Identity regexps are compiled with Go\'s `regexp` package when an image is verified, not when the policy is created. ' +
    'RE2 has no lookahead, lookbehind, backreferences, atomic groups or possessive quantifiers, repeats at most 1000 ' +
    'times, and knows the Unicode classes of Go\'s tables only; a pattern Go rejects fails every verification. The check ' +
    'uses the same RE2 engine as Image Trust\'s own verification, so what passes here compiles there. Rewrite the pattern ' +
    'with plain alternation, classes and anchors (RE2 matches in linear time, so none of those are needed for speed).',
  appliesTo: ['kyverno-policy', 'image-validating-policy', 'cluster-image-policy'],
  check(ctx) {
    for (const site of regExpSites(ctx.doc)) {
      const pattern = site.node.value;
      const compiled = compileGoRegexp(pattern);
      if (compiled.ok) continue;
      const { error } = compiled;
      const named = explain(pattern, error);
      const [start, end] = named ? [named.start, named.end] : [error.start, error.end];
      const span = start === 0 && end === pattern.length ? undefined : sourceSpan(ctx.file, site.node, start, end);
      const go = error.expr ? `${error.code}: \`${error.expr}\`` : error.code;
      const message = named
        ? `${site.field}: ${named.construct} is not supported by Go's RE2 regexp syntax, which Kyverno and cosign use (Go: ${go}); ` +
          (named.instead ? `use ${named.instead} instead.` : 'rewrite the pattern without it.')
        : `${site.field}: Go's regexp rejects this pattern (${go}); Kyverno and cosign fail every verification with it.`;
      ctx.report({ ...(span ? { offsets: span } : { node: site.node }), message });
    }
  },
};
