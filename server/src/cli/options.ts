// The one option parser of the CLI's commands: `--name value`, `--name=value`, boolean flags (`--flag`,
// `--flag=true|false`) and positional arguments, each command giving its own table.

export interface OptionTable {
  /** Options that take a value; a handler returns an error message to stop. */
  valued: Record<string, (value: string) => string | void | undefined>;
  /** Options that take none. */
  flags: Record<string, () => void>;
  /** An argument that is not an option; returns an error message to stop. */
  positional(arg: string): string | void | undefined;
  /** The message for an unknown option (default: `unknown option "--x"`). */
  unknown?(arg: string): string;
}

/** Applies `argv` to the table; returns the first error message, or undefined. */
export function parseOptions(argv: readonly string[], table: OptionTable): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let inline: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    let error: string | void | undefined;
    if (arg in table.valued) {
      const value = inline ?? argv[++i];
      error = value === undefined || value === '' ? `${arg} needs a value` : table.valued[arg](value);
    } else if (arg in table.flags && (inline === undefined || inline === 'true')) table.flags[arg]();
    else if (arg in table.flags && inline === 'false') continue;
    else if (arg.startsWith('-')) error = table.unknown ? table.unknown(arg) : `unknown option "${arg}"`;
    else error = table.positional(arg);
    if (error) return error;
  }
  return undefined;
}

/** What `verify IMAGE` and `verify --images-from FILE` both take: who signed, the trust root, transport, format. */
export interface SignerArgs {
  key?: string;
  identity?: string;
  identityRegexp?: string;
  issuer?: string;
  issuerRegexp?: string;
  trustedRoot?: string;
  ignoreTlog: boolean;
  ignoreSct: boolean;
  allowInsecure: boolean;
  format: 'text' | 'json';
}

/** The option table of the signer arguments, writing into `a` (each command adds its own options to it). */
export function signerOptions(a: SignerArgs): Pick<OptionTable, 'valued' | 'flags'> {
  return {
    valued: {
      '--key': (v) => void (a.key = v),
      '--certificate-identity': (v) => void (a.identity = v),
      '--certificate-identity-regexp': (v) => void (a.identityRegexp = v),
      '--certificate-oidc-issuer': (v) => void (a.issuer = v),
      '--certificate-oidc-issuer-regexp': (v) => void (a.issuerRegexp = v),
      '--trusted-root': (v) => void (a.trustedRoot = v),
      '--format': (v) => (v === 'text' || v === 'json' ? void (a.format = v) : `--format takes text or json, not "${v}"`),
    },
    flags: {
      '--insecure-ignore-tlog': () => (a.ignoreTlog = true),
      '--insecure-ignore-sct': () => (a.ignoreSct = true),
      '--allow-insecure-registry': () => (a.allowInsecure = true),
    },
  };
}
