import type { Rule } from '../rule';
import { Severity } from '../../types';
import { kyvernoModel } from '../../policy/model';
import { wildcardMatch } from '../../image/wildcard';
import {
  isOperatorOperand, lookalikeExample, patternAlternatives, quote, registryWildcard, RegistryWildcard, selectingPatterns, skipPatterns,
  tighterPattern, validatePatternImages,
} from './imagePatterns';
import { isPermissiveOperand } from './permissiveImagePattern';
import { replaceValueFix, replacementData } from './fixes';

// Where a look-alike gets *through* is a skip list or a validate.pattern allow-list: those are warnings.
// In imageReferences over-matching only makes Kyverno verify more images (a look-alike would still need a
// valid signature), so there it is information: the pattern does not say what its author meant, and the
// same text copied into an allow or skip list would be a hole.

/** A pattern with a registry part: it has a `/`, or its host text contains a dot (`*company.com*`). */
function namesRegistry(pattern: string): boolean {
  return pattern.includes('/') || /^[*?]*[^*?:@]*\./.test(pattern);
}

function lookalikeText(pattern: string, at: RegistryWildcard, example: string | undefined): string {
  const what = at.kind === 'namespace'
    ? 'other organisations whose name starts the same way (anyone can create one on a public registry)'
    : at.kind === 'leading'
      ? 'any registry, because the registry name starts with a wildcard'
      : 'look-alike registries, because the wildcard continues the host name';
  return `Pattern ${quote(pattern)} also matches ${what}${example ? `, e.g. ${quote(example)}` : ''}`;
}

function fixText(pattern: string, at: RegistryWildcard): { text: string; replacement?: string } {
  const tighter = tighterPattern(pattern, at);
  if (tighter) return { text: `Use ${quote(tighter)}${at.kind === 'host' ? ' (or "host:port/*" for a registry on a port)' : ''}.`, replacement: tighter };
  return { text: 'Name each trusted registry exactly, ending the host with "/" (e.g. "registry.company.com/*").' };
}

export const evadableImageReference: Rule = {
  id: 'policy-evadable-image-reference',
  severity: Severity.Warning,
  summary: 'A skip or allow pattern with a wildcard in the registry or organisation name, which a look-alike can satisfy.',
  docs: [
    'Kyverno wildcards are plain string matches and `*` also crosses `.`, `/` and `:`. In `skipImageReferences` a pattern such',
    'as `registry.k8s.io*` also skips `registry.k8s.io.attacker.example/x`, and `ghcr.io/myorg*` skips `ghcr.io/myorg-attacker/x`;',
    'in a `validate.pattern` image allow-list, `*.company.com/*` accepts `attacker.example/x.company.com/app`. End the host',
    'with `/` (`registry.company.com/*`) and the organisation with `/` (`ghcr.io/myorg/*`). In `imageReferences` the same',
    'over-matching is reported as information only: there it means look-alike images must carry a valid signature too,',
    'which is stricter, not weaker.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    for (const entry of kyvernoModel(ctx.doc)?.entries ?? []) {
      for (const item of selectingPatterns(entry)) {
        const at = registryWildcard(item.value);
        if (!at || (at.kind === 'leading' && !namesRegistry(item.value))) continue;
        const example = lookalikeExample(item.value, at);
        const fix = fixText(item.value, at);
        ctx.report({
          node: item.node,
          severity: Severity.Information,
          message:
            `${lookalikeText(item.value, at, example)}. Here that is not a hole (such images must pass this rule's attestors too), ` +
            `but the pattern does not say which registry you trust, and copied into an allow or skip list it would be one. ${fix.text}`,
          data: replacementData(fix.replacement),
        });
      }
      for (const item of skipPatterns(entry)) {
        const at = registryWildcard(item.value);
        // A leading wildcard skips every registry: policy-broad-skip reports that.
        if (!at || at.kind === 'leading') continue;
        const example = lookalikeExample(item.value, at);
        const fix = fixText(item.value, at);
        ctx.report({
          node: item.node,
          message: `${lookalikeText(item.value, at, example)}; in skipImageReferences such images run without signature verification. ${fix.text}`,
          data: replacementData(fix.replacement),
        });
      }
    }
    for (const item of validatePatternImages(ctx.doc)) {
      for (const alternative of patternAlternatives(item.value)) {
        const positives = alternative.filter((o) => !isOperatorOperand(o));
        const negatives = alternative.filter((o) => o.startsWith('!') && !o.startsWith('!=')).map((o) => o.slice(1).trim());
        if (positives.length !== 1 || alternative.length !== positives.length + negatives.length) continue;
        const operand = positives[0];
        if (isPermissiveOperand(operand)) continue;
        const at = registryWildcard(operand);
        // `*@*` or `*-debug` constrain the digest or name, not the registry: nothing to impersonate.
        if (!at || (at.kind === 'leading' && !namesRegistry(operand))) continue;
        const example = lookalikeExample(operand, at, (image) => !negatives.some((n) => wildcardMatch(n, image)));
        const fix = fixText(operand, at);
        ctx.report({
          node: item.node,
          message: `${lookalikeText(operand, at, example)}; this image check lets such images through. ${fix.text}`,
          data: item.value === operand ? replacementData(fix.replacement) : undefined,
        });
        break;
      }
    }
  },
  fix(ctx) {
    return replaceValueFix(ctx, (r) => `Use ${quote(r)}`);
  },
};
