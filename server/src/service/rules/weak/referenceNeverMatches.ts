import type { Rule } from '../rule';
import { Severity } from '../../types';
import { kyvernoModel } from '../../policy/model';
import { hasWildcard, kyvernoImageInfo, wildcardMatch } from '../../image/wildcard';
import { fillWildcards, hostPart, isAllWildcards, PatternItem, quote, selectingPatterns } from './imagePatterns';
import { replaceValueFix, replacementData } from './fixes';

export interface NeverMatch {
  /** Why the images the author meant are not matched; ends without a period so callers can append. */
  reason: string;
  suggestion?: string;
}

const DOCKER_HUB_ALIASES = new Set(['index.docker.io', 'registry-1.docker.io']);

/**
 * Why an `imageReferences` pattern misses the images it names, judged against Kyverno's normalised form
 * (`docker.io/` prefixed, no `library/`, a tag or digest always present, case-sensitive). Assumes Kyverno's
 * default `defaultRegistry`/`enableDefaultRegistryMutation` settings.
 */
export function neverMatchReason(pattern: string): NeverMatch | undefined {
  if (pattern === '' || isAllWildcards(pattern)) return undefined;
  const host = hostPart(pattern);
  const hasSlash = host.length < pattern.length;
  const rest = pattern.slice(host.length + 1);

  if (hasSlash && host === 'docker.io' && rest.startsWith('library/')) {
    const suggestion = `docker.io/${rest.slice('library/'.length)}`;
    return {
      reason: `Kyverno normalises Docker Hub images without inserting "library/" ("nginx" becomes "docker.io/nginx:latest"), so this pattern only matches images written out as "docker.io/library/…" and misses the usual short forms`,
      suggestion,
    };
  }
  if (hasSlash && DOCKER_HUB_ALIASES.has(host)) {
    const suggestion = `docker.io/${rest.replace(/^library\//, '')}`;
    return {
      reason: `Kyverno normalises Docker Hub images to the "docker.io" host ("nginx" becomes "docker.io/nginx:latest"), so this pattern only matches images written with "${host}"`,
      suggestion,
    };
  }
  const repoSection = repositorySection(pattern);
  if (/[A-Z]/.test(repoSection)) {
    return {
      reason: 'matching is case-sensitive and image registries and repositories are written in lower case',
      suggestion: repoSection.toLowerCase() + pattern.slice(repoSection.length),
    };
  }
  if (lacksRegistry(pattern, host, hasSlash)) {
    const example = kyvernoImageInfo(fillWildcards(pattern, '', '5').replace(/[:@]$/, ''))?.normalized;
    return {
      reason: `Kyverno puts a registry in front of every image before matching${example ? ` (it matches "${example}")` : ''}, and this pattern has none`,
      suggestion: hasWildcard(pattern) ? `docker.io/${pattern}` : anyVersionOf(pattern),
    };
  }
  if (!hasSlash && !hasWildcard(pattern)) {
    return { reason: 'it names a registry without a repository, and Kyverno matches "registry/repository:tag"', suggestion: `${pattern}/*` };
  }
  if (!hasWildcard(pattern)) {
    const info = kyvernoImageInfo(pattern);
    if (!info) return { reason: 'it is not a valid image reference, and Kyverno only matches images it can parse' };
    if (info.normalized === pattern) return undefined;
    if (info.digest) {
      return { reason: `Kyverno drops the tag when a digest is present and matches "${info.normalized}"`, suggestion: info.normalized };
    }
    return {
      reason: `Kyverno matches the normalised reference, which always ends in a tag or digest ("${info.normalized}")`,
      suggestion: anyVersionOf(pattern),
    };
  }
  return undefined;
}

/** The registry and repository part of a pattern: everything before the tag or digest after the last `/`. */
function repositorySection(pattern: string): string {
  const lastSlash = pattern.lastIndexOf('/');
  const tail = pattern.slice(lastSlash + 1);
  const cut = tail.search(/[:@]/);
  return cut < 0 ? pattern : pattern.slice(0, lastSlash + 1 + cut);
}

/** The pattern starts with a Docker Hub short name (`nginx:*`, `myorg/app*`) where Kyverno always has a host. */
function lacksRegistry(pattern: string, host: string, hasSlash: boolean): boolean {
  if (hasSlash) return !hasWildcard(host) && !/[.:]/.test(host) && host !== 'localhost';
  const name = registryLikeName(pattern);
  return name !== '' && !name.includes('.') && name !== 'localhost';
}

/** For a pattern without `/`: its literal start up to a wildcard, tag or digest separator. */
function registryLikeName(pattern: string): string {
  return pattern.slice(0, pattern.search(/[*?]|$/)).split(/[:@]/)[0];
}

/** `repo*` for a literal without tag, so every tag and digest of that repository is selected. */
function anyVersionOf(pattern: string): string {
  const info = kyvernoImageInfo(pattern);
  if (!info) return `docker.io/${pattern}*`;
  const base = info.registry ? `${info.registry}/${info.path}` : info.path;
  return pattern.includes(':') || pattern.includes('@') ? info.normalized : `${base}*`;
}

/** Another pattern in the same list already selects what the suggestion would. */
function coveredByOthers(suggestion: string | undefined, self: PatternItem, all: PatternItem[]): boolean {
  if (!suggestion) return false;
  const probes = [fillWildcards(suggestion, 'x', '5'), fillWildcards(suggestion, ':latest', '5')];
  return all.some((p) => p !== self && probes.some((probe) => wildcardMatch(p.value, probe)));
}

export const referenceNeverMatches: Rule = {
  id: 'policy-reference-never-matches',
  severity: Severity.Warning,
  summary: 'An imageReferences pattern that cannot match the images it names, which then go unverified.',
  docs: [
    'Kyverno matches `imageReferences` against its normalised image string: the default registry `docker.io/` is put in front of',
    'short names, `library/` is **not** inserted, `:latest` is added when there is neither tag nor digest, a digest drops the tag,',
    'and the comparison is case-sensitive. So `docker.io/library/nginx*`, `index.docker.io/nginx*`, `nginx:*`, `myorg/app:*`,',
    '`GHCR.IO/*` and a bare `ghcr.io/x/y` never select `nginx:1.25` or `ghcr.io/x/y:v1`, and those images are admitted without',
    'verification. Write the normalised form (`docker.io/nginx*`, `ghcr.io/x/y*`). Assumes Kyverno runs with its default',
    '`defaultRegistry` and `enableDefaultRegistryMutation` settings.',
  ].join(' '),
  appliesTo: ['kyverno-policy'],
  check(ctx) {
    for (const entry of kyvernoModel(ctx.doc)?.entries ?? []) {
      const patterns = selectingPatterns(entry);
      for (const item of patterns) {
        const found = neverMatchReason(item.value);
        if (!found || coveredByOthers(found.suggestion, item, patterns)) continue;
        const fix = found.suggestion ? ` Use ${quote(found.suggestion)}${keepHint(item.value)}.` : ' Write the registry, repository and tag in lower case, as in the pod spec.';
        ctx.report({
          node: item.node,
          message: `Pattern ${quote(item.value)} does not match the images it names: ${found.reason}; those images are admitted without verification.${fix}`,
          data: replacementData(found.suggestion),
        });
      }
    }
  },
  fix(ctx) {
    return replaceValueFix(ctx, (r) => `Use ${quote(r)}`);
  },
};

function keepHint(pattern: string): string {
  return /^(docker\.io\/library\/|index\.docker\.io\/|registry-1\.docker\.io\/)/.test(pattern)
    ? ` (keep this pattern as well if some manifests spell the image out that way)`
    : '';
}
