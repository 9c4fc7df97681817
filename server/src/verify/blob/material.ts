// Reading the files `cosign verify-blob` takes: a detached signature (base64 text, as `sign-blob` writes it, or raw
// bytes), a certificate (PEM, or base64 of PEM as `sign-blob --output-certificate` and the Kubernetes release
// `.cert` files carry it), and cosign's own pre-Sigstore bundle (`{"base64Signature","cert","rekorBundle"}`).
import { splitPemBlocks } from '../../service/crypto/pem';
import { abort } from '../result';
import { RekorEntry } from './rekorEntries';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A detached signature: base64 text when it decodes cleanly, else the raw bytes (as cosign reads it). */
export function decodeSignatureFile(content: Buffer | string): Buffer {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const text = bytes.toString('latin1').replace(/\s+/g, '');
  if (text.length === 0) abort('malformed-signature', 'The signature file is empty.');
  if (text.length % 4 === 0 && BASE64.test(text)) return Buffer.from(text, 'base64');
  return bytes;
}

/** PEM certificates from PEM text or base64-wrapped PEM; `what` names the file in messages. */
export function certificatePem(content: Buffer | string, what: string): string {
  let text = (typeof content === 'string' ? content : content.toString('utf8')).trim();
  if (!text.includes('-----BEGIN')) {
    const compact = text.replace(/\s+/g, '');
    const decoded = BASE64.test(compact) ? Buffer.from(compact, 'base64').toString('utf8') : '';
    if (!decoded.includes('-----BEGIN CERTIFICATE')) abort('malformed-signature', `The ${what} is neither a PEM certificate nor base64 of one.`);
    text = decoded.trim();
  }
  const blocks = splitPemBlocks(text);
  if (blocks.length === 0 || blocks.some((b) => b.label !== 'CERTIFICATE' || !b.der)) {
    const bad = blocks.find((b) => b.label !== 'CERTIFICATE' || !b.der);
    abort('malformed-signature', `The ${what} must hold PEM certificates${bad ? `; found ${bad.label ? `a ${bad.label} block` : 'text outside a PEM block'}${bad.framingError ? ` (${bad.framingError})` : ''}` : ''}.`);
  }
  return text + '\n';
}

/** DER of each certificate in PEM text. */
export function certificateDers(pem: string): Buffer[] {
  return splitPemBlocks(pem).map((b) => Buffer.from(b.der!));
}

/** cosign's `LocalSignedPayload` bundle (what `sign-blob --bundle` writes without `--new-bundle-format`). */
export interface CosignLocalBundle {
  signature: Buffer;
  certificatePem?: string;
  /** The Rekor entry the bundle carries (SET only, no inclusion proof). */
  rekorEntry?: RekorEntry;
}

/** Whether this parsed JSON is cosign's local bundle rather than a Sigstore bundle (which has a mediaType). */
export function isCosignLocalBundle(json: unknown): boolean {
  return !!json && typeof json === 'object' && 'base64Signature' in json && !('mediaType' in json);
}

export function parseCosignLocalBundle(json: Record<string, unknown>): CosignLocalBundle {
  const sig = json.base64Signature;
  if (typeof sig !== 'string' || !sig.trim()) abort('malformed-signature', 'The cosign bundle has no base64Signature.');
  const out: CosignLocalBundle = { signature: decodeSignatureFile(sig) };
  if (typeof json.cert === 'string' && json.cert.trim()) out.certificatePem = certificatePem(json.cert, "cosign bundle's certificate");
  const rb = json.rekorBundle as Record<string, any> | undefined | null;
  if (rb) {
    const p = rb.Payload;
    if (typeof rb.SignedEntryTimestamp !== 'string' || !p || typeof p.body !== 'string') {
      abort('malformed-signature', "The cosign bundle's rekorBundle lacks SignedEntryTimestamp or Payload.body.");
    }
    out.rekorEntry = {
      uuid: undefined,
      body: p.body,
      integratedTime: Number(p.integratedTime),
      logIndex: Number(p.logIndex),
      logID: String(p.logID),
      verification: { signedEntryTimestamp: rb.SignedEntryTimestamp },
    };
  }
  return out;
}
