// Workspace file access for the service (used e.g. to offer *.pub files when completing publicKeys).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkspaceFiles } from './service/languageService';

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'out', '.cache']);
const MAX_FILES = 200;
const MAX_DEPTH = 8;
const MAX_BYTES = 64 * 1024;

export function createWorkspaceFiles(roots: () => string[]): WorkspaceFiles {
  return {
    async findFiles(pattern) {
      const suffix = pattern.replace(/^\*\*\/\*/, '');
      const found: { uri: string; text: string }[] = [];
      for (const root of roots()) {
        if (!root.startsWith('file:')) continue;
        await walk(fileURLToPath(root), 0, suffix, found);
      }
      return found;
    },
  };
}

async function walk(dir: string, depth: number, suffix: string, found: { uri: string; text: string }[]): Promise<void> {
  if (depth > MAX_DEPTH || found.length >= MAX_FILES) return;
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) await walk(full, depth + 1, suffix, found);
    } else if (e.isFile() && e.name.endsWith(suffix)) {
      try {
        const stat = await fs.stat(full);
        if (stat.size > MAX_BYTES) continue;
        found.push({ uri: pathToFileURL(full).toString(), text: await fs.readFile(full, 'utf8') });
      } catch {
        /* unreadable files are simply not offered */
      }
      if (found.length >= MAX_FILES) return;
    }
  }
}
