// Paths that come from settings (a trusted root, a registry CA file) name files of the user, on the machine
// the server runs on. They are never resolved against a workspace folder or the server's working directory:
// a repository must not be able to choose the trust material its own images are checked with.
import * as os from 'node:os';
import * as path from 'node:path';

/** `~/…` under `home`, an absolute path normalised, anything relative undefined. */
export function userPath(value: string, home = os.homedir()): string | undefined {
  const v = value.trim();
  if (v === '~' || v.startsWith('~/') || v.startsWith('~\\')) return path.join(home, v.slice(1));
  if (path.isAbsolute(v)) return path.normalize(v);
  return undefined;
}
