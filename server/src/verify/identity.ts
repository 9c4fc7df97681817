// Certificate identities (SANs, OIDC issuer, Fulcio extensions) and the policy matchers applied to them.
// Matching is ours, never @sigstore/verify's: its SAN policy compiles a string into an unanchored JS regexp,
// so `cody@soyland.com` would accept `xcody@soyland.com.evil`.
import { ASN1Obj } from '@sigstore/core';
import type { X509Certificate } from '@sigstore/core';
import { wildcardMatch } from '../service/image/wildcard';
import { compileGoRegexp } from '../regex/goRegexp';
import { abort, failure, VerifyFailure } from './result';
import { FULCIO_ARC, FULCIO_EXTENSIONS, KYVERNO_READABLE_EXTENSIONS, kyvernoReadsExtension } from '../fulcio/extensions';

export { FULCIO_EXTENSIONS };

/** OID of the otherName SAN Fulcio uses for usernames. */
const FULCIO_USERNAME_SAN = '1.3.6.1.4.1.57264.1.7';


export interface CertificateIdentity {
  /** Every subject alternative name (email, URI, DNS, IP, Fulcio username), as cosign lists them. */
  subjectAlternativeNames: string[];
  /** OIDC issuer, read as the tool that checks this signature format reads it (see IssuerReading). */
  issuer?: string;
  /** The extension the issuer was read from (dotted OID), when there is one. */
  issuerExtension?: string;
  /** Fulcio extensions present, by name (see FULCIO_EXTENSIONS) — unknown arcs by dotted OID. */
  extensions: Record<string, string>;
  notBefore: Date;
  notAfter: Date;
}

/**
 * Whose reading of the OIDC issuer applies. cosign's GetIssuer (2.5 and 3.x), and so Kyverno, read only the raw
 * value of the original extension 1.1; a certificate with only 1.8 has an empty issuer there. sigstore-go
 * (Sigstore bundles) reads both in certificate order, the later one winning, and rejects a 1.8 that is not a DER
 * string.
 */
export type IssuerReading = 'cosign' | 'sigstore-go';

export const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
export const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';

export function certificateIdentity(cert: X509Certificate, reading: IssuerReading = 'cosign'): CertificateIdentity {
  const extensions: Record<string, string> = {};
  const names = Object.fromEntries(Object.entries(FULCIO_EXTENSIONS).map(([name, arc]) => [arc, name]));
  for (const ext of cert.extensions) {
    const oid = ext.subs[0].toOID();
    if (!oid.startsWith(FULCIO_ARC)) continue;
    const arc = Number(oid.slice(FULCIO_ARC.length));
    const value = readExtensionValue(cert, oid, arc);
    if (value !== undefined) extensions[names[arc] ?? oid] = value;
  }
  return {
    subjectAlternativeNames: subjectAlternativeNames(cert),
    ...oidcIssuer(cert, reading),
    extensions,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  };
}

function readExtensionValue(cert: X509Certificate, oid: string, arc: number): string | undefined {
  const ext = cert.extension(oid);
  if (!ext) return undefined;
  try {
    // Arcs below 7 predate Fulcio's switch to DER-encoded values.
    return arc < 7 ? ext.value.toString('utf8') : ext.valueObj.subs[0].value.toString('utf8');
  } catch {
    return undefined;
  }
}

function oidcIssuer(cert: X509Certificate, reading: IssuerReading): { issuer?: string; issuerExtension?: string } {
  // Both tools read a missing issuer as the empty string (which an issuer regexp such as `.*` matches).
  if (reading === 'cosign') {
    const v1 = cert.extension(OID_ISSUER_V1);
    return v1 ? { issuer: v1.value.toString('utf8'), issuerExtension: OID_ISSUER_V1 } : { issuer: '' };
  }
  let found: { issuer: string; issuerExtension?: string } = { issuer: '' };
  for (const ext of cert.extensions) {
    const oid = ext.subs[0].toOID();
    const value = ext.subs[ext.subs.length - 1].value;
    if (oid === OID_ISSUER_V1) found = { issuer: value.toString('utf8'), issuerExtension: oid };
    else if (oid === OID_ISSUER_V2) found = { issuer: derString(value, oid), issuerExtension: oid };
  }
  return found;
}

/** Universal tags Go's asn1.Unmarshal accepts for a string: UTF8String, PrintableString, IA5String. */
const DER_STRING_TAGS = new Set([0x0c, 0x13, 0x16]);

function derString(bytes: Buffer, oid: string): string {
  let obj: ASN1Obj | undefined;
  try {
    obj = ASN1Obj.parseBuffer(Buffer.from(bytes)); // rejects trailing bytes, as sigstore-go does
  } catch {
    obj = undefined;
  }
  if (!obj || !obj.tag.isUniversal() || !DER_STRING_TAGS.has(obj.tag.number)) {
    return abort('malformed-signature', `The certificate's extension ${oid} is not a DER string; sigstore-go rejects such a certificate.`);
  }
  return obj.value.toString('utf8');
}

const SAN_KINDS: Record<number, string> = { 1: 'email (rfc822Name)', 2: 'DNS name', 6: 'URI' };

/**
 * Go's x509 (cosign, Kyverno, sigstore-go) refuses a certificate whose email, DNS or URI name is not IA5 (7-bit)
 * text, or whose IP address is neither 4 nor 16 bytes: such a certificate never verifies there, so not here.
 */
function ia5(kind: number, bytes: Buffer): string {
  const bad = bytes.findIndex((b) => b > 0x7f);
  if (bad >= 0) {
    abort('malformed-signature', `The certificate's ${SAN_KINDS[kind]} subject alternative name holds the non-ASCII byte 0x${bytes[bad].toString(16)} at offset ${bad}; cosign and Kyverno (Go's x509) reject such a certificate.`);
  }
  return bytes.toString('latin1');
}

function subjectAlternativeNames(cert: X509Certificate): string[] {
  const ext = cert.extSubjectAltName;
  if (!ext) return [];
  const out: string[] = [];
  // extnValue is an OCTET STRING wrapping the GeneralNames SEQUENCE.
  for (const name of ext.valueObj.subs[0]?.subs ?? []) {
    const tag = name.tag;
    if (tag.isContextSpecific(1) || tag.isContextSpecific(2) || tag.isContextSpecific(6)) {
      out.push(ia5(tag.number, name.value)); // rfc822Name, dNSName, URI
    } else if (tag.isContextSpecific(7)) {
      if (name.value.length !== 4 && name.value.length !== 16) {
        abort('malformed-signature', `The certificate's IP address subject alternative name is ${name.value.length} bytes long; cosign and Kyverno (Go's x509) reject such a certificate.`);
      }
      out.push(ipString(name.value));
    } else if (tag.isContextSpecific(0)) {
      try {
        if (name.subs[0].toOID() === FULCIO_USERNAME_SAN) out.push(name.subs[1].subs[0].value.toString('utf8'));
      } catch {
        // an otherName we cannot read is not an identity cosign would match either
      }
    }
  }
  return out;
}

function ipString(bytes: Buffer): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups: string[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(':');
}

// ---- matchers ---------------------------------------------------------------------------------------------

/**
 * How one policy string is compared: `exact` (cosign `--certificate-identity`, ImageValidatingPolicy,
 * ClusterImagePolicy), `wildcard` (Kyverno ClusterPolicy keyless `subject`/`issuer`/`additionalExtensions`,
 * go-wildcard, anchored), `regexp` (`*RegExp` fields: Go RE2, unanchored).
 */
export type StringMatcher = { exact: string } | { wildcard: string } | { regexp: string };

export interface IdentityRequirement {
  /** Passes when any SAN matches any of these; omitted or empty = any subject. */
  subject?: StringMatcher[];
  /** Kyverno checks the subject only when the certificate has a SAN at all (cosign.go matchCertificateData). */
  subjectOnlyWithSans?: boolean;
  /** One SAN must satisfy every subject matcher (sigstore-go's SAN matcher: value and regexp both), not any of them. */
  subjectAll?: boolean;
  /** Every matcher must accept the issuer; omitted or empty = any issuer. */
  issuer?: StringMatcher[];
  /** Extension name (FULCIO_EXTENSIONS) or dotted OID → matcher; every one must match. */
  extensions?: Record<string, StringMatcher>;
  /**
   * Kyverno's ClusterPolicy `additionalExtensions` know only the original Fulcio extensions 1.1–1.6 (by name or
   * OID, cosign.go extractCertExtensionValue); any other key fails verification there, so it must not pass here.
   */
  legacyExtensionKeysOnly?: boolean;
}

export function describeMatcher(m: StringMatcher): string {
  if ('exact' in m) return m.exact;
  if ('wildcard' in m) return `${m.wildcard} (wildcard)`;
  return `/${m.regexp}/ (regexp)`;
}

export function matches(m: StringMatcher, value: string): boolean {
  if ('exact' in m) return m.exact === value;
  if ('wildcard' in m) return wildcardMatch(m.wildcard, value);
  const compiled = compileGoRegexp(m.regexp);
  if (!compiled.ok) return invalidRegexp(m.regexp, compiled.error.goMessage);
  return compiled.test(value);
}

function invalidRegexp(pattern: string, goMessage: string): never {
  return abort('invalid-policy', `The regular expression ${pattern} does not compile in Go: ${goMessage}.`);
}

/** Fails with `invalid-policy` before any crypto when a requirement cannot be evaluated. */
export function checkRequirements(requirements: IdentityRequirement[]): void {
  for (const req of requirements) {
    const all = [...(req.subject ?? []), ...(req.issuer ?? []), ...Object.values(req.extensions ?? {})];
    for (const m of all) {
      if ('regexp' in m) {
        const compiled = compileGoRegexp(m.regexp);
        if (!compiled.ok) invalidRegexp(m.regexp, compiled.error.goMessage);
      }
    }
    for (const key of Object.keys(req.extensions ?? {})) {
      extensionKey(key);
      if (req.legacyExtensionKeysOnly && !kyvernoReadsExtension(key)) {
        abort('invalid-policy', `Kyverno rejects the certificate extension ${key} in additionalExtensions ("invalid certificate extension"): only ${KYVERNO_READABLE_EXTENSIONS.join(', ')} or their OIDs (${FULCIO_ARC}1–6) are read.`);
      }
    }
  }
}


function extensionKey(key: string): string {
  if (key in FULCIO_EXTENSIONS) return key;
  if (key.startsWith(FULCIO_ARC)) {
    const arc = Number(key.slice(FULCIO_ARC.length));
    const name = Object.entries(FULCIO_EXTENSIONS).find(([, a]) => a === arc)?.[0];
    return name ?? key;
  }
  return abort(
    'invalid-policy',
    `Unknown certificate extension ${key}: use a Fulcio extension name (${Object.keys(FULCIO_EXTENSIONS).slice(0, 6).join(', ')}, …) or its OID.`,
  );
}

/** The first requirement the identity satisfies, or a failure explaining the closest miss. */
export function matchIdentity(identity: CertificateIdentity, requirements: IdentityRequirement[]): { ok: true; index: number } | VerifyFailure {
  if (requirements.length === 0) return { ok: true, index: -1 };
  const misses: string[] = [];
  for (let i = 0; i < requirements.length; i++) {
    const miss = requirementMiss(identity, requirements[i]);
    if (miss === undefined) return { ok: true, index: i };
    misses.push(miss);
  }
  const reason = misses.length === 1 ? misses[0] : `No listed identity matches: ${misses.map((m, i) => `(${i + 1}) ${m}`).join(' ')}`;
  return failure('identity-mismatch', reason);
}

function requirementMiss(identity: CertificateIdentity, req: IdentityRequirement): string | undefined {
  const subjects = req.subject ?? [];
  const sanless = identity.subjectAlternativeNames.length === 0 && req.subjectOnlyWithSans;
  const sanMatches = (san: string) => (req.subjectAll ? subjects.every((m) => matches(m, san)) : subjects.some((m) => matches(m, san)));
  if (subjects.length > 0 && !sanless && !identity.subjectAlternativeNames.some(sanMatches)) {
    const have = identity.subjectAlternativeNames.length ? identity.subjectAlternativeNames.join(', ') : '(no subject alternative name)';
    return `Certificate identity is ${have}, policy wants ${subjects.map(describeMatcher).join(req.subjectAll ? ' and ' : ' or ')}.`;
  }
  for (const m of req.issuer ?? []) {
    if (identity.issuer === undefined || !matches(m, identity.issuer)) {
      return `Certificate OIDC issuer is ${identity.issuer || '(none)'}, policy wants ${describeMatcher(m)}.`;
    }
  }
  for (const [key, m] of Object.entries(req.extensions ?? {})) {
    const name = extensionKey(key);
    const value = identity.extensions[name];
    if (value === undefined || !matches(m, value)) {
      return `Certificate extension ${name} is ${value ?? '(absent)'}, policy wants ${describeMatcher(m)}.`;
    }
  }
  return undefined;
}

/**
 * A Kyverno ClusterPolicy keyless attestor as an identity requirement (Kyverno 1.19 `pkg/image/verifiers/cpol/cosign`
 * `matchCertificateData`/`matchExtensions`, which run instead of cosign's identity check): `subject` (wildcard) and
 * `subjectRegExp` both set = either may match a SAN; `issuer` (wildcard) and `issuerRegExp` both set = both must match.
 */
export function kyvernoKeylessRequirement(keyless: {
  subject?: string;
  subjectRegExp?: string;
  issuer?: string;
  issuerRegExp?: string;
  additionalExtensions?: Record<string, string>;
}): IdentityRequirement {
  const subject: StringMatcher[] = [];
  if (keyless.subject) subject.push({ wildcard: keyless.subject });
  if (keyless.subjectRegExp) subject.push({ regexp: keyless.subjectRegExp });
  const issuer: StringMatcher[] = [];
  if (keyless.issuer) issuer.push({ wildcard: keyless.issuer });
  if (keyless.issuerRegExp) issuer.push({ regexp: keyless.issuerRegExp });
  const extensions = Object.fromEntries(Object.entries(keyless.additionalExtensions ?? {}).map(([k, v]) => [k, { wildcard: v } as StringMatcher]));
  return { subject, issuer, extensions, subjectOnlyWithSans: true, legacyExtensionKeysOnly: true };
}

/**
 * A ClusterPolicy keyless attestor under `type: SigstoreBundle` (Kyverno 1.19 `cpol/cosign/sigstore.go` buildPolicy with
 * sigstore-go `NewShortCertificateIdentity`): values are exact, a value and its regexp must both match, and unless a
 * subject side and an issuer side are both given no identity is checked at all (undefined). additionalExtensions are
 * not consulted on that path. sigstore-go reads one SAN (the first URI, else e-mail); Fulcio certificates carry one.
 */
export function sigstoreBundleRequirement(keyless: { subject?: string; subjectRegExp?: string; issuer?: string; issuerRegExp?: string }): IdentityRequirement | undefined {
  const subject: StringMatcher[] = [];
  if (keyless.subject) subject.push({ exact: keyless.subject });
  if (keyless.subjectRegExp) subject.push({ regexp: keyless.subjectRegExp });
  const issuer: StringMatcher[] = [];
  if (keyless.issuer) issuer.push({ exact: keyless.issuer });
  if (keyless.issuerRegExp) issuer.push({ regexp: keyless.issuerRegExp });
  if (subject.length === 0 || issuer.length === 0) return undefined;
  return { subject, issuer, subjectAll: true };
}

/**
 * cosign `--certificate-identity[-regexp]` / `--certificate-oidc-issuer[-regexp]` and ImageValidatingPolicy identities
 * (cosign `CheckCertificatePolicy`): when a regexp and its exact twin are both set, the regexp alone decides and the
 * exact value is ignored.
 */
export function exactIdentityRequirement(identity: {
  subject?: string;
  subjectRegExp?: string;
  issuer?: string;
  issuerRegExp?: string;
}): IdentityRequirement {
  const subject: StringMatcher[] = identity.subjectRegExp ? [{ regexp: identity.subjectRegExp }] : identity.subject ? [{ exact: identity.subject }] : [];
  const issuer: StringMatcher[] = identity.issuerRegExp ? [{ regexp: identity.issuerRegExp }] : identity.issuer ? [{ exact: identity.issuer }] : [];
  return { subject, issuer };
}
