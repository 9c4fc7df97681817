import type { Rule } from '../rule';
import { Severity } from '../../types';
import { regExpSites } from './materialSites';
import { re2Problem } from './re2';
import { sourceSpan } from './scalarOffsets';

/** Keyless `subjectRegExp` / `issuerRegExp` that Go's regexp package will not compile. */
export const invalidRegex: Rule = {
  id: 'policy-invalid-regex',
  severity: Severity.Error,
  summary: 'A keyless identity regexp is not valid Go (RE2) syntax.',
  docs:
    'Identity regexps are compiled with Go\'s `regexp` package when an image is verified, not when the policy is created. ' +
    'RE2 has no lookahead, lookbehind, backreferences, atomic groups or possessive quantifiers; a pattern using them fails ' +
    'every verification. Rewrite it with plain alternation, classes and anchors (RE2 matches in linear time, so none of ' +
    'those are needed for speed).',
  appliesTo: ['kyverno-policy', 'image-validating-policy', 'cluster-image-policy'],
  check(ctx) {
    for (const site of regExpSites(ctx.doc)) {
      const problem = re2Problem(site.node.value);
      if (!problem) continue;
      const span = problem.start === 0 && problem.end === site.node.value.length ? undefined : sourceSpan(ctx.file, site.node, problem.start, problem.end);
      ctx.report({
        ...(span ? { offsets: span } : { node: site.node }),
        message: `${site.field}: ${problem.message}; rewrite the pattern without it.`,
      });
    }
  },
};
