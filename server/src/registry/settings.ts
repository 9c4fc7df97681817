// `imageTrust.registries`: per-registry credentials and transport settings, validated into a clean shape.
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { userPath } from '../userPath';

export interface RegistrySetting {
  /** The registry as written in image references: `ghcr.io`, `registry.example.com:5000`, `docker.io`. */
  host: string;
  username?: string;
  password?: string;
  /**
   * A token. With `username` it is used like a password (personal access tokens); without one it is sent
   * to this registry as `Authorization: Bearer <token>` as is.
   */
  token?: string;
  /**
   * true: speak plain HTTP to this registry (no TLS at all). Loopback registries (localhost, 127.0.0.1,
   * [::1]) use plain HTTP unless this is false or a caFile is set; everything else uses verified HTTPS.
   */
  insecure?: boolean;
  /** A PEM file with extra CA certificates to trust for this registry (added to the system roots). */
  caFile?: string;
}

/** Drops malformed entries instead of failing: one typo must not break pinning for every registry. */
export function parseRegistrySettings(value: unknown): RegistrySetting[] {
  if (!Array.isArray(value)) return [];
  const out: RegistrySetting[] = [];
  for (const raw of value) {
    if (!raw || typeof raw !== 'object') continue;
    const r = raw as Record<string, unknown>;
    const host = typeof r.host === 'string' ? normalizeHost(r.host) : '';
    if (!host) continue;
    const str = (k: string) => (typeof r[k] === 'string' && r[k] !== '' ? (r[k] as string) : undefined);
    out.push({
      host,
      username: str('username'),
      password: str('password'),
      token: str('token'),
      insecure: typeof r.insecure === 'boolean' ? r.insecure : undefined,
      caFile: str('caFile'),
    });
  }
  return out;
}

/** `https://Registry.example.com:5000/` → `registry.example.com:5000`. */
export function normalizeHost(host: string): string {
  return host.trim().replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
}

export function settingFor(settings: readonly RegistrySetting[], host: string): RegistrySetting | undefined {
  const h = normalizeHost(host);
  return settings.find((s) => s.host === h) ?? (isDockerHub(h) ? settings.find((s) => isDockerHub(s.host)) : undefined);
}

export function isDockerHub(host: string): boolean {
  return host === 'docker.io' || host === 'index.docker.io' || host === 'registry-1.docker.io';
}

/** Hosts that may be spoken to over plain HTTP without being listed as insecure. */
export function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '127.0.0.1' || name === '[::1]';
}

const caCache = new Map<string, string[]>();

/** The system roots plus the setting's CA file, or undefined to use Node's defaults. Throws if unreadable or relative. */
export function caBundle(setting: RegistrySetting | undefined): string[] | undefined {
  if (!setting?.caFile) return undefined;
  const cached = caCache.get(setting.caFile);
  if (cached) return cached;
  const file = userPath(setting.caFile);
  if (!file) throw new Error('the path is relative; relative paths are not resolved (never against the workspace): use an absolute path or one starting with ~/');
  const extra = readFileSync(file, 'utf8');
  const bundle = [...rootCertificates, extra];
  caCache.set(setting.caFile, bundle);
  return bundle;
}
