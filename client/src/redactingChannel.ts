// The language client's output channel (server log messages and the protocol trace) with registry secrets
// replaced by `***` before anything is written (see secretRedaction.ts).
import * as vscode from 'vscode';
import { redactSecrets, registrySecrets } from './secretRedaction';

export function redactingOutputChannel(name: string): vscode.OutputChannel {
  const inner = vscode.window.createOutputChannel(name);
  // Read on every write: the setting may change while the server runs, and old values must stay hidden too.
  const seen = new Set<string>();
  const clean = (text: string) => {
    for (const s of registrySecrets(vscode.workspace.getConfiguration('imageTrust').get('registries'))) seen.add(s);
    return redactSecrets(text, [...seen].sort((a, b) => b.length - a.length));
  };
  return {
    name: inner.name,
    append: (value: string) => inner.append(clean(value)),
    appendLine: (value: string) => inner.appendLine(clean(value)),
    replace: (value: string) => inner.replace(clean(value)),
    clear: () => inner.clear(),
    show: (a?: boolean | vscode.ViewColumn, b?: boolean) => (typeof a === 'boolean' ? inner.show(a) : inner.show(a, b)),
    hide: () => inner.hide(),
    dispose: () => inner.dispose(),
  };
}
