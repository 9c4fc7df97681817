// Certificate paths for legacy cosign signatures, built the way cosign 2.5/3.x (and so Kyverno) builds them:
// - anchors are the configured roots only; a root carried in the signature's `dev.sigstore.cosign/chain`
//   annotation is never trusted;
// - intermediates are the configured ones, or, when none are configured, the chain annotation without its last
//   certificate (cosign verifyInternal drops the last entry blindly, and ignores an annotation of one entry);
// - every certificate of the path must be valid at the leaf's notBefore (cosign TrustedCert: the chain is
//   "trusted forever" once it issued the leaf); only the leaf is later held against the signing time.
// Path rules follow Go's x509.Verify: issuer name and signature link each step, intermediates must be CAs,
// pathLenConstraint is honoured and the chain must allow code signing (extended key usage nesting).
// Name constraints and unknown critical extensions are not evaluated.
import { ASN1Obj } from '@sigstore/core';
import type { X509Certificate } from '@sigstore/core';
import type { TrustMaterial } from '@sigstore/verify';
import { abort } from './result';

type CertAuthority = TrustMaterial['certificateAuthorities'][number];

const EKU_OID = '2.5.29.37';
const EKU_ANY = '2.5.29.37.0';
const EKU_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
/** Deeper paths are not searched (Kyverno allows at most 10 intermediates). */
const MAX_PATH = 12;
/**
 * Go's x509 gives up after this many signature checks (maxChainSignatureChecks): certificates that all sign one
 * another, from an attacker's chain annotation, would otherwise make the search exponential.
 */
const MAX_SIGNATURE_CHECKS = 100;

/** A certificate authority from a policy's `roots` (or a chain-only `certificates` entry): every certificate is a root. */
export interface PolicyCertAuthority extends CertAuthority {
  everyCertificateIsRoot: true;
}

export interface ChainMaterial {
  anchors: X509Certificate[];
  intermediates: X509Certificate[];
  /** Where the intermediates came from, for the result's details. */
  intermediatesFrom: 'trust root' | 'signature chain annotation' | 'policy certificate chain' | 'none';
}

/**
 * Roots and intermediates for a leaf issued at `issuedAt`: authorities not valid then are left out. A trusted
 * root's chain is intermediates…root; a policy's roots are all anchors (Kyverno loads them into one root pool).
 */
export function chainMaterial(authorities: CertAuthority[], annotationChain: X509Certificate[], issuedAt: Date): ChainMaterial {
  const anchors: X509Certificate[] = [];
  const configured: X509Certificate[] = [];
  for (const ca of authorities) {
    if (ca.validFor.start > issuedAt || ca.validFor.end < issuedAt || ca.certChain.length === 0) continue;
    if ((ca as Partial<PolicyCertAuthority>).everyCertificateIsRoot) {
      anchors.push(...ca.certChain);
    } else {
      anchors.push(ca.certChain[ca.certChain.length - 1]);
      configured.push(...ca.certChain.slice(0, -1));
    }
  }
  if (configured.length > 0) return { anchors, intermediates: configured, intermediatesFrom: 'trust root' };
  if (annotationChain.length > 1) return { anchors, intermediates: annotationChain.slice(0, -1), intermediatesFrom: 'signature chain annotation' };
  return { anchors, intermediates: [], intermediatesFrom: 'none' };
}

/** The path leaf…anchor, or an abort (`certificate-untrusted` / `certificate-expired`) saying why none exists. */
export function buildCosignPath(leaf: X509Certificate, material: ChainMaterial, source: string): X509Certificate[] {
  const at = leaf.notBefore;
  const misses: Miss[] = [];
  if (!validAt(leaf, at)) abort('certificate-expired', `The signing certificate's validity is empty (${leaf.notBefore.toISOString()} to ${leaf.notAfter.toISOString()}).`);
  const budget = { signatureChecks: MAX_SIGNATURE_CHECKS };
  // Distinct certificates only (and never the leaf again), so the search can compare them by reference.
  const seen = new Set([der(leaf)]);
  const pools = { ...material, anchors: distinct(material.anchors, seen), intermediates: distinct(material.intermediates, seen) };
  const path = search([leaf], pools, at, misses, budget);
  if (path) return path;
  if (budget.signatureChecks < 0) {
    abort('certificate-untrusted', `The signing certificate's chain could not be built within ${MAX_SIGNATURE_CHECKS} signature checks (Go's x509 limit, which cosign inherits).`);
  }
  const expired = misses.find((m) => m.kind === 'expired');
  if (expired) {
    abort(
      'certificate-expired',
      `The certificate chain was not valid when the signing certificate was issued (${at.toISOString()}): ${expired.detail}. cosign checks every link at the leaf's start of validity.`,
    );
  }
  const detail = misses.length
    ? misses[0].detail
    : `${material.anchors.length ? 'none of its roots' : 'it has no root valid then'} issued ${describe(leaf.issuer)}${material.intermediates.length ? ' or an intermediate leading there' : material.intermediatesFrom === 'none' ? '; no intermediates configured and none usable in the signature\'s chain annotation' : ''}`;
  return abort('certificate-untrusted', `The signing certificate does not chain to a certificate authority of ${source} (${detail}).`);
}

/** Links of the path (not the leaf) whose validity has ended by `now`, in words. */
export function expiredSince(path: X509Certificate[], now: Date): string[] {
  return path.slice(1).filter((c) => c.notAfter < now).map((c) => `${isSelfIssued(c) ? 'root' : 'intermediate'} ${describe(c.subject)} expired on ${c.notAfter.toISOString()}, after it issued the signing certificate (cosign and Kyverno still accept it)`);
}

interface Miss {
  kind: 'expired' | 'other';
  detail: string;
}

interface Budget {
  signatureChecks: number;
}

function search(chain: X509Certificate[], material: ChainMaterial, at: Date, misses: Miss[], budget: Budget): X509Certificate[] | undefined {
  const child = chain[chain.length - 1];
  if (budget.signatureChecks < 0) return undefined;
  if (chain.length > MAX_PATH) {
    misses.push({ kind: 'other', detail: `the path is longer than ${MAX_PATH} certificates` });
    return undefined;
  }
  // Roots first, as Go does; a chain ending at an anchor is complete.
  for (const anchor of parents(child, material.anchors, chain, budget)) {
    const miss = linkMiss(anchor, chain, at, false);
    if (miss) {
      misses.push(miss);
      continue;
    }
    const path = [...chain, anchor];
    if (allowsCodeSigning(path)) return path;
    misses.push({ kind: 'other', detail: `the path through ${describe(anchor.subject)} does not allow code signing (extended key usage)` });
  }
  for (const parent of parents(child, material.intermediates, chain, budget)) {
    const miss = linkMiss(parent, chain, at, true);
    if (miss) {
      misses.push(miss);
      continue;
    }
    const path = search([...chain, parent], material, at, misses, budget);
    if (path) return path;
  }
  return undefined;
}

/** Certificates named as the child's issuer whose key verifies the child's signature, not already on the path. */
function parents(child: X509Certificate, pool: X509Certificate[], chain: X509Certificate[], budget: Budget): X509Certificate[] {
  return pool.filter((c) => c.subject.equals(child.issuer) && !chain.includes(c) && verifies(child, c, budget));
}

function distinct(certificates: X509Certificate[], seen: Set<string>): X509Certificate[] {
  return certificates.filter((c) => {
    const key = der(c);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function der(cert: X509Certificate): string {
  return cert.root.toDER().toString('base64');
}

function verifies(child: X509Certificate, issuer: X509Certificate, budget: Budget): boolean {
  if (--budget.signatureChecks < 0) return false;
  try {
    return child.verify(issuer);
  } catch {
    return false;
  }
}

function linkMiss(cert: X509Certificate, chain: X509Certificate[], at: Date, intermediate: boolean): Miss | undefined {
  const what = `${intermediate ? 'intermediate' : 'root'} ${describe(cert.subject)}`;
  if (!validAt(cert, at)) {
    return { kind: 'expired', detail: `${what} is valid ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}` };
  }
  const constraints = cert.extBasicConstraints;
  if (intermediate && !constraints?.isCA) return { kind: 'other', detail: `${what} is not a CA certificate` };
  const maxPathLen = constraints?.isCA ? constraints.pathLenConstraint : undefined;
  if (maxPathLen !== undefined && BigInt(chain.length - 1) > maxPathLen) {
    return { kind: 'other', detail: `${what} allows ${maxPathLen} intermediates below it, the path has ${chain.length - 1}` };
  }
  return undefined;
}

function validAt(cert: X509Certificate, at: Date): boolean {
  return cert.notBefore <= at && at <= cert.notAfter;
}

/** Go's checkChainForKeyUsage for the one usage cosign asks for: every certificate with an EKU must permit it. */
function allowsCodeSigning(path: X509Certificate[]): boolean {
  return path.every((cert) => {
    const usages = extendedKeyUsages(cert);
    return usages === undefined || usages.includes(EKU_ANY) || usages.includes(EKU_CODE_SIGNING);
  });
}

function extendedKeyUsages(cert: X509Certificate): string[] | undefined {
  const ext = cert.extension(EKU_OID);
  if (!ext) return undefined;
  try {
    return ASN1Obj.parseBuffer(Buffer.from(ext.value)).subs.map((s) => s.toOID());
  } catch {
    return [];
  }
}

function isSelfIssued(cert: X509Certificate): boolean {
  return cert.subject.equals(cert.issuer);
}

const NAME_ATTRIBUTES: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.6': 'C' };

/** A distinguished name (the content of its DER SEQUENCE, as @sigstore/core returns it) as `CN=…, O=…`. */
export function describe(name: Buffer): string {
  try {
    const parts = ASN1Obj.parseBuffer(derSequence(name)).subs.flatMap((rdn) => rdn.subs.map((attr) => {
      const oid = attr.subs[0].toOID();
      return `${NAME_ATTRIBUTES[oid] ?? oid}=${attr.subs[1].value.toString('utf8')}`;
    }));
    return parts.length ? `"${parts.join(', ')}"` : '(empty name)';
  } catch {
    return '(unreadable name)';
  }
}

function derSequence(content: Buffer): Buffer<ArrayBuffer> {
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([0x30, ...length]), content]);
}
