// LSP cancellation tokens as the AbortSignal the registry client and the verifier take.
import type { CancellationToken } from 'vscode-languageserver/node';

/** An AbortSignal that fires when any of the LSP cancellation tokens does. */
export function abortOn(...tokens: (CancellationToken | undefined)[]): AbortSignal {
  const controller = new AbortController();
  for (const t of tokens) {
    if (!t) continue;
    if (t.isCancellationRequested) controller.abort();
    else t.onCancellationRequested(() => controller.abort());
  }
  return controller.signal;
}
