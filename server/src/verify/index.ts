// Signature verification core: bytes in, explained verdicts out. No network: callers fetch manifests, layers,
// bundles and trust roots, then hand the bytes here.
export { verifyLegacySignature, verifyLegacyAttestation, COSIGN_ANNOTATIONS } from './legacy';
export type { LegacyLayer, VerifiedSignature, VerifiedAttestation } from './legacy';
export { verifyBundle, verifyBundleAttestation, parseBundle } from './bundle';
export type { BundleArtifact, VerifiedBundle } from './bundle';
export type { SignerPolicy, VerificationOptions, SignerDetails } from './engine';
export { publicGoodTrustRoot, loadTrustedRoot, withPolicyTrust } from './trustRoot';
export type { TrustRoot, PolicyTrustOverrides } from './trustRoot';
export { certificateIdentity, matchIdentity, kyvernoKeylessRequirement, exactIdentityRequirement, sigstoreBundleRequirement, FULCIO_EXTENSIONS } from './identity';
export type { CertificateIdentity, IdentityRequirement, StringMatcher } from './identity';
export { COSIGN_SIGNATURE_TYPE, IN_TOTO_PAYLOAD_TYPE } from './payload';
export type { ImageClaims, StatementClaims, SimpleSigningPayload, InTotoStatement, InTotoSubject } from './payload';
export type { HashAlgorithm } from './keys';
export { HASH_ALGORITHMS } from './keys';
export type { VerifyCode, VerifyFailure, VerifyOutcome } from './result';
