// Workspace file access for the service (the *.pub files offered when completing publicKeys), through the
// one workspace walker with limits fit for a keystroke; when a limit cuts the search short, it is logged.
import { promises as fs } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkspaceFiles } from './service/languageService';
import { PUBLIC_KEY_LIMITS, walkWorkspace, WalkLimits, WalkReport } from './workspaceWalker';

export function createWorkspaceFiles(roots: () => string[], log: (line: string) => void = () => undefined, limits: WalkLimits = PUBLIC_KEY_LIMITS): WorkspaceFiles {
  return {
    async findFiles(pattern) {
      const suffix = pattern.replace(/^\*\*\/\*/, '');
      const folders = roots().filter((r) => r.startsWith('file:')).map((r) => fileURLToPath(r));
      const report = new WalkReport(limits);
      const found: { uri: string; text: string }[] = [];
      for await (const { file } of walkWorkspace(folders, { accept: (name) => name.endsWith(suffix), limits, report })) {
        try {
          found.push({ uri: pathToFileURL(file).toString(), text: await fs.readFile(file, 'utf8') });
        } catch {
          /* unreadable files are simply not offered */
        }
      }
      for (const line of report.describe(`${pattern} files`)) log(`image-trust: workspace search for ${pattern}: ${line}`);
      return found;
    },
  };
}
