// Starts and stops code-server instances in a throwaway sandbox: its own HOME/XDG dirs, user-data and
// extensions dirs, config file and workspace copy, so nothing leaks into (or comes from) the real home.
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { cpSync, createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { withoutNpmEnv } from './cleanEnv.mjs';

const run = promisify(execFile);

/** User settings that keep the workbench quiet, offline and predictable for the journeys (see README.md here). */
export const USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'editor.hover.delay': 200,
  'files.autoSave': 'off', // journeys that edit revert afterwards; a save would leak their edits into later ones
};

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * One code-server: call install() and start(), then stop() (always, in a finally).
 * `env` is the e2e-env.json written by scripts/e2e/setup.sh.
 */
export class CodeServer {
  constructor({ env, root, name, workspaceSource, smokeTestDriver = false }) {
    this.env = env;
    this.name = name;
    this.dir = join(root, name);
    this.smokeTestDriver = smokeTestDriver;
    this.home = join(this.dir, 'home');
    this.userDataDir = join(this.dir, 'user-data');
    this.extensionsDir = join(this.dir, 'extensions');
    this.workspace = join(this.dir, 'workspace');
    this.configFile = join(this.dir, 'config.yaml');
    this.logFile = join(this.dir, 'code-server.log');
    for (const d of [this.home, join(this.userDataDir, 'User'), this.extensionsDir]) mkdirSync(d, { recursive: true });
    writeFileSync(join(this.userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
    writeFileSync(this.configFile, 'auth: none\ncert: false\n');
    cpSync(workspaceSource, this.workspace, { recursive: true });
    this.proc = undefined;
  }

  /** Adds files generated for this run to the workspace copy: `{ 'dir/file.yaml': text }`. Call before start(). */
  writeWorkspaceFiles(files) {
    for (const [rel, text] of Object.entries(files)) {
      const file = join(this.workspace, rel);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
  }

  /** Environment for every code-server call: Node 24 first on PATH (the shebang is `env node`), HOME in the sandbox. */
  processEnv() {
    return {
      ...withoutNpmEnv(),
      PATH: `${this.env.nodeBin}:${withoutNpmEnv().PATH}`,
      HOME: this.home,
      XDG_CONFIG_HOME: join(this.home, '.config'),
      XDG_DATA_HOME: join(this.home, '.local', 'share'),
      XDG_CACHE_HOME: join(this.home, '.cache'),
      NODE_OPTIONS: '',
    };
  }

  commonArgs() {
    return ['--config', this.configFile, '--user-data-dir', this.userDataDir, '--extensions-dir', this.extensionsDir];
  }

  async install(vsix) {
    const { stdout, stderr } = await run(this.env.codeServer, [...this.commonArgs(), '--install-extension', vsix], {
      env: this.processEnv(),
      timeout: 120_000,
    });
    const out = `${stdout}\n${stderr}`;
    if (!/successfully installed/i.test(out)) throw new Error(`installing ${vsix} failed:\n${out}`);
  }

  async start() {
    this.port = await freePort();
    this.authority = `127.0.0.1:${this.port}`;
    const args = [
      ...this.commonArgs(),
      '--auth', 'none',
      '--bind-addr', this.authority,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      ...(this.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
      this.workspace,
    ];
    const log = createWriteStream(this.logFile);
    // detached: code-server leads its own process group, so stop() can end it and its children together.
    this.proc = spawn(this.env.codeServer, args, { env: this.processEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout.pipe(log);
    this.proc.stderr.pipe(log);
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const early = await Promise.race([this.exited, new Promise((r) => setTimeout(r, 250))]);
      if (early) throw new Error(`code-server ${this.name} exited early (${JSON.stringify(early)}); see ${this.logFile}`);
      try {
        const res = await fetch(`http://${this.authority}/healthz`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
    }
    throw new Error(`code-server ${this.name} did not answer /healthz within 60 s; see ${this.logFile}`);
  }

  /** The workbench URL for the sandbox workspace, optionally with an extension-test payload. */
  url(payload) {
    let url = `http://${this.authority}/?folder=${encodeURIComponent(this.workspace)}`;
    if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    return url;
  }

  remoteUri(absPath) {
    return `vscode-remote://${this.authority}${absPath}`;
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const pid = this.proc.pid;
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
    }
    const stopped = await Promise.race([this.exited, new Promise((r) => setTimeout(() => r(null), 5000))]);
    if (!stopped) {
      try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 2000))]);
    }
  }
}
