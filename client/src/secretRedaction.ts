// Registry passwords and tokens from `imageTrust.registries` reach the server as the answer to its
// workspace/configuration request, and the language client's protocol trace (`imageTrust.trace.server`) prints
// that answer verbatim. The server never logs them; this keeps the client's channel from doing so.
// No vscode import: the channel wrapper is in redactingChannel.ts.

/** Every secret of an `imageTrust.registries` value, in the forms they can be printed in. */
export function registrySecrets(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out = new Set<string>();
  for (const entry of value) {
    if (!entry || typeof entry !== 'object') continue;
    const { username, password, token } = entry as Record<string, unknown>;
    for (const secret of [password, token]) {
      if (typeof secret !== 'string' || secret.length < 4) continue;
      out.add(secret);
      // Inside a JSON trace, quotes and backslashes come escaped.
      out.add(JSON.stringify(secret).slice(1, -1));
      out.add(Buffer.from(secret).toString('base64'));
      if (typeof username === 'string') out.add(Buffer.from(`${username}:${secret}`).toString('base64'));
    }
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...out].sort((a, b) => b.length - a.length);
}

export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}
