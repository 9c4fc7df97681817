// The environment for processes the E2E driver starts (a nested `npm run package`, code-server under Node 24):
// this driver usually runs under `npm test`, whose npm_config_* / npm_package_* / npm_lifecycle_* variables a
// nested npm would take as its own configuration (scripts/lib/clean-env.sh does the same for the shell scripts).
import { delimiter } from 'node:path';

export function withoutNpmEnv(env = process.env) {
  const out = {};
  for (const [name, value] of Object.entries(env)) {
    if (/^(npm_|NPM_CONFIG_)/.test(name) || name === 'INIT_CWD' || name === 'NODE' || name === 'COLOR') continue;
    out[name] = value;
  }
  if (out.PATH) {
    out.PATH = out.PATH.split(delimiter).filter((d) => !/[\\/]node_modules[\\/]\.bin$|node-gyp-bin$/.test(d)).join(delimiter);
  }
  return out;
}
