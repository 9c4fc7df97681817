// The import boundaries are checked, not only intended: dependency-cruiser runs over server/src with the rules
// of .dependency-cruiser.cjs (through scripts/check-layering.mjs), and a tree seeded with forbidden imports
// proves the rules catch them.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(REPO, 'scripts', 'check-layering.mjs');

interface Report { modules: number; violations: { rule: string; from: string; to: string }[] }

function check(root: string): Promise<{ code: number; report: Report }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SCRIPT, root, '--json'], { cwd: REPO, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      try {
        resolve({ code, report: JSON.parse(stdout) as Report });
      } catch {
        reject(new Error(`check-layering printed no report (exit ${code}): ${stderr || stdout}`));
      }
    });
  });
}

function write(root: string, file: string, text: string): void {
  const full = path.join(root, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, text);
}

describe('layering', function () {
  this.timeout(180_000);

  it('server/src keeps its import boundaries', async () => {
    const { code, report } = await check(REPO);
    assert.ok(report.modules > 100, `only ${report.modules} modules cruised: the check is not looking at the tree`);
    assert.deepEqual(report.violations, []);
    assert.equal(code, 0);
  });

  it('fails on a service module that imports LSP, network or verification code, and on verify/ reaching into the service', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'layering-'));
    try {
      fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
      write(root, 'server/src/service/document/yamlFile.ts', 'export const parse = 1;\n');
      write(root, 'server/src/service/policy/api.ts', "export { parse } from '../document/yamlFile';\n");
      write(root, 'server/src/registry/client.ts', "import * as https from 'node:https';\nexport const client = https;\n");
      write(root, 'server/src/service/bad.ts', [
        "import { createConnection } from 'vscode-languageserver/node';",
        "import * as http from 'node:http';",
        "import { client } from '../registry/client';",
        "import type { Verifier } from '@sigstore/verify';",
        'export const bad: unknown[] = [createConnection, http, client];',
        'export type V = Verifier;',
        '',
      ].join('\n'));
      write(root, 'server/src/verify/bad.ts', "import { parse } from '../service/document/yamlFile';\nexport const bad = parse;\n");
      write(root, 'server/src/verify/good.ts', "import { parse } from '../service/policy/api';\nexport const good = parse;\n");
      const { code, report } = await check(root);
      const found = report.violations.map((v) => `${v.rule} ${v.from} -> ${v.to.replace(/^.*node_modules\/(@[^/]+\/[^/]+|[^/]+\/[^/]+).*/, '$1')}`).sort();
      assert.deepEqual(found, [
        'service-no-editor-or-lsp server/src/service/bad.ts -> vscode-languageserver/node.js',
        'service-no-network server/src/service/bad.ts -> @sigstore/verify',
        'service-no-network server/src/service/bad.ts -> http',
        'service-no-network server/src/service/bad.ts -> server/src/registry/client.ts',
        'verify-and-registry-use-public-service-entries server/src/verify/bad.ts -> server/src/service/document/yamlFile.ts',
      ]);
      assert.equal(code, 1);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
