// Markdown for PEM public keys and certificates found in a policy value.
import { describeCertificates, describePublicKeys } from '../crypto';

export function publicKeysMarkdown(text: string): string {
  const keys = describePublicKeys(text);
  const lines = keys.map((k, i) => {
    const label = keys.length > 1 ? `Key ${i + 1}: ` : '';
    if (!k.ok) return `- ${label}⚠ ${k.error}`;
    return `- ${label}**${k.algorithm}**${k.bits ? ` (${k.bits} bits)` : ''}  \n  SHA-256 \`${k.fingerprint}\``;
  });
  return `**Public key${keys.length > 1 ? 's' : ''}**\n\n${lines.join('\n')}`;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export function certificatesMarkdown(text: string, now: Date = new Date()): string {
  const certs = describeCertificates(text, now);
  const lines = certs.map((c, i) => {
    const label = certs.length > 1 ? `Certificate ${i + 1}: ` : '';
    if (!c.ok) return `- ${label}⚠ ${c.error}`;
    const state = c.expired ? ' — **expired**' : c.notYetValid ? ' — **not yet valid**' : '';
    const san = c.subjectAltNames.length ? `  \n  SAN: ${c.subjectAltNames.join(', ')}` : '';
    return `- ${label}Subject: \`${c.subject}\`  \n  Issuer: \`${c.issuer}\`  \n  Valid ${day(c.validFrom)} → ${day(c.validTo)}${state}${san}`;
  });
  return `**Certificate${certs.length > 1 ? 's' : ''}**\n\n${lines.join('\n')}`;
}
