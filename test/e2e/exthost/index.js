// Entry point of the extension-host suite, in @vscode/test-electron's layout: VS Code loads this file in the
// extension host (extensionTestsPath) and awaits run(). run.mjs opens the workbench with that payload and reads
// the exit code through codeAutomationExit. Plain CommonJS so it runs in the extension host without a build.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const Mocha = require('mocha');
const { log } = require('./support');

// The extension host pins console.log, so mocha's reporter gets our tagged logger instead (see support.js).
Mocha.reporters.Base.consoleLog = log;

exports.run = function run() {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  for (const f of fs.readdirSync(__dirname).filter((n) => n.endsWith('.exthost.js')).sort()) {
    mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const { passes = 0, failures: failed = 0, pending = 0 } = runner.stats ?? {};
      // run.mjs reads this line from the browser console to add the counts to its summary.
      log(`exthost-mocha-stats ${JSON.stringify({ passes, failures: failed, pending })}`);
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
  });
};
