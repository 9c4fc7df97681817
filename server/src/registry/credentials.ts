// Where credentials for a registry come from, in order: the imageTrust.registries setting, then Docker's
// config (`credHelpers[host]`, `credsStore`, `auths[host]`). Each result says where it came from so error
// messages can name the source that was tried — never the secret itself.
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lookPath } from './lookPath';
import { isDockerHub, normalizeHost, RegistrySetting, settingFor } from './settings';

export interface Credentials {
  /** Basic credentials (also used for token requests). */
  username?: string;
  password?: string;
  /** Sent as `Authorization: Bearer` to the registry itself. */
  bearer?: string;
  /** Human-readable origin, e.g. `imageTrust.registries`, `~/.docker/config.json (auths)`, `docker-credential-pass`. */
  source: string;
}

export interface CredentialOptions {
  settings: readonly RegistrySetting[];
  /** Home directory whose `.docker/config.json` is read (default: os.homedir(); `DOCKER_CONFIG` wins when set). */
  home?: string;
  /** Directory with Docker's config.json, overriding `home` and DOCKER_CONFIG. */
  dockerConfigDir?: string;
  /** PATH used to find `docker-credential-*` helpers (default: process.env.PATH). */
  path?: string;
  helperTimeoutMs?: number;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

const HUB_KEYS = ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];

export async function findCredentials(host: string, options: CredentialOptions): Promise<Credentials | undefined> {
  const setting = settingFor(options.settings, host);
  if (setting && (setting.username || setting.password || setting.token)) {
    if (setting.username) return { username: setting.username, password: setting.password ?? setting.token ?? '', source: 'the imageTrust.registries setting' };
    if (setting.token) return { bearer: setting.token, source: 'the imageTrust.registries setting (token)' };
  }
  const file = dockerConfigPath(options);
  const config = await readDockerConfig(file);
  if (!config) return undefined;
  const shown = file.replace(os.homedir(), '~');
  const keys = isDockerHub(normalizeHost(host)) ? HUB_KEYS : [normalizeHost(host)];

  const helper = keys.map((k) => config.credHelpers?.[k]).find(Boolean) ?? undefined;
  if (helper) return runHelper(helper, isDockerHub(host) ? HUB_KEYS[0] : normalizeHost(host), options);

  // An `auths` entry written by `docker login` when a credsStore is set holds no secret; ask the store.
  const entry = findAuthEntry(config, keys);
  if (entry && (entry.auth || entry.password)) {
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source: `${shown} (auths)` };
    }
    if (entry.username && entry.password) return { username: entry.username, password: entry.password, source: `${shown} (auths)` };
  }
  if (config.credsStore) return runHelper(config.credsStore, isDockerHub(host) ? HUB_KEYS[0] : normalizeHost(host), options);
  return undefined;
}

export function dockerConfigPath(options: Pick<CredentialOptions, 'home' | 'dockerConfigDir'>): string {
  if (options.dockerConfigDir) return path.join(options.dockerConfigDir, 'config.json');
  if (!options.home && process.env.DOCKER_CONFIG) return path.join(process.env.DOCKER_CONFIG, 'config.json');
  return path.join(options.home ?? os.homedir(), '.docker', 'config.json');
}

async function readDockerConfig(file: string): Promise<DockerConfig | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as DockerConfig) : undefined;
  } catch {
    return undefined;
  }
}

function findAuthEntry(config: DockerConfig, keys: string[]) {
  if (!config.auths) return undefined;
  for (const [key, value] of Object.entries(config.auths)) {
    const k = normalizeHost(key);
    if (keys.some((want) => normalizeHost(want) === k)) return value;
  }
  return undefined;
}

/**
 * `docker-credential-<helper> get` with the server URL on stdin; a helper that fails means "no credentials".
 * The helper is looked up in absolute PATH entries only and run by its absolute path from the home
 * directory (see lookPath.ts): never from, or inside, a workspace.
 */
async function runHelper(helper: string, serverUrl: string, options: CredentialOptions): Promise<Credentials | undefined> {
  const source = `docker-credential-${helper}`;
  if (!/^[A-Za-z0-9._-]+$/.test(helper)) return undefined;
  const executable = await lookPath(source, options.path ?? process.env.PATH);
  if (!executable) return undefined;
  return new Promise((resolve) => {
    const env = { ...process.env, ...(options.path !== undefined ? { PATH: options.path } : {}) };
    const cwd = helperWorkingDirectory();
    const child = execFile(executable, ['get'], { env, cwd, timeout: options.helperTimeoutMs ?? 10_000, maxBuffer: 64 * 1024 }, (err, stdout) => {
      if (err) return resolve(undefined);
      try {
        const out = JSON.parse(stdout) as { Username?: string; Secret?: string };
        if (!out.Secret) return resolve(undefined);
        // `<token>` as the user name marks an identity (refresh) token; used as the password of the token
        // request it works with registries that accept it there, which covers the common helpers.
        resolve({ username: out.Username ?? '', password: out.Secret, source });
      } catch {
        resolve(undefined);
      }
    });
    child.on('error', () => resolve(undefined));
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(serverUrl);
  });
}

/** The home directory when it exists (helpers such as `pass` expect it), else the system's temp directory. */
function helperWorkingDirectory(): string {
  const home = os.homedir();
  return home && path.isAbsolute(home) && existsSync(home) ? home : os.tmpdir();
}

/** Every secret a Credentials value holds, for redaction. */
export function secretsOf(c: Credentials | undefined): string[] {
  if (!c) return [];
  const out = [c.password, c.bearer].filter((s): s is string => !!s);
  if (c.username !== undefined && c.password) out.push(`${c.username}:${c.password}`);
  return out;
}
