import type { Rule } from '../rule';
import { Severity } from '../../types';
import { kyvernoModel } from '../../policy/model';
import { hasWildcard } from '../../image/wildcard';
import { hostPart, isAllWildcards, lookalikeExample, PUBLIC_REGISTRIES, quote, registryWildcard, skipPatterns, tighterPattern } from './imagePatterns';

function broadness(pattern: string): string | undefined {
  if (isAllWildcards(pattern)) {
    return `skips every image, so nothing this entry selects is verified. Remove it, or list the exact images to skip (e.g. "registry.k8s.io/pause:3.9")`;
  }
  if (/^[*?]+[:@][*?]+$/.test(pattern)) {
    return `skips every image with a ${pattern.includes('@') ? 'digest' : 'tag or registry port'}, i.e. almost every image. Remove it, or list the exact images to skip`;
  }
  const at = registryWildcard(pattern);
  if (at?.kind === 'leading') {
    const example = lookalikeExample(pattern, at);
    const tighter = tighterPattern(pattern, at);
    return `skips matching images from any registry${example ? ` (e.g. ${quote(example)})` : ''}, because the registry name starts with a wildcard. ` +
      `Name the registry${tighter ? `: ${quote(tighter)}` : ''}`;
  }
  const host = hostPart(pattern);
  const rest = pattern.slice(host.length + 1);
  if (host.length < pattern.length && !hasWildcard(host) && (rest === '' || isAllWildcards(rest))) {
    const who = PUBLIC_REGISTRIES.has(host) ? `, where anyone can publish images` : '';
    return `skips every image on ${host}${who}. Skip specific repositories instead (e.g. "${host}/<org>/<repo>:*")`;
  }
  return undefined;
}

export const broadSkip: Rule = {
  id: 'policy-broad-skip',
  severity: Severity.Warning,
  summary: 'A skipImageReferences pattern that skips every image, a whole registry, or any registry.',
  docs: [
    'Images matching `skipImageReferences` are admitted without verification (Kyverno only adds a warning). `*` skips everything,',
    '`ghcr.io/*` or `docker.io/*` skip a whole registry where anyone can publish, and a pattern starting with `*` (`*/pause:*`)',
    'skips images of that name from any registry, including one an attacker runs. Skip exact repositories instead.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    for (const entry of kyvernoModel(ctx.doc)?.entries ?? []) {
      for (const item of skipPatterns(entry)) {
        const why = broadness(item.value);
        if (why) ctx.report({ node: item.node, message: `skipImageReferences pattern ${quote(item.value)} ${why}.` });
      }
    }
  },
};
