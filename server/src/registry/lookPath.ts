// Finding a credential helper (`docker-credential-<name>`) on PATH without ever running one from the
// workspace. An empty or relative PATH entry (`::`, `.`, `bin`) names a directory relative to the working
// directory, and the working directory of an editor's server is often the repository being edited: a
// repository could ship its own `docker-credential-desktop` and have it run on the first registry request.
// As Go's exec.LookPath has refused since 1.19, only absolute PATH entries are searched; the helper is then
// started by its absolute path, from a working directory outside any workspace.
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';

/** The absolute path of the first executable `name` in an absolute PATH directory, or undefined. */
export async function lookPath(name: string, pathValue: string | undefined, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  if (name.includes('/') || name.includes('\\')) return undefined;
  const extensions = platform === 'win32' ? windowsExtensions() : [''];
  for (const dir of (pathValue ?? '').split(platform === 'win32' ? ';' : ':')) {
    if (!isAbsoluteDir(dir, platform)) continue;
    for (const ext of extensions) {
      const candidate = path.join(dir, name + ext);
      if (await isExecutableFile(candidate, platform)) return candidate;
    }
  }
  return undefined;
}

function isAbsoluteDir(dir: string, platform: NodeJS.Platform): boolean {
  return dir !== '' && (platform === 'win32' ? path.win32.isAbsolute(dir) : path.posix.isAbsolute(dir));
}

function windowsExtensions(): string[] {
  return (process.env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean).map((e) => e.toLowerCase());
}

async function isExecutableFile(file: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return false;
    if (platform !== 'win32') await fs.access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
