// PEM public keys and X.509 certificates described with node:crypto: pure functions, no I/O, errors as values.
export { splitPemBlocks } from './pem';
export type { PemBlock } from './pem';
export { describePublicKeys } from './publicKeys';
export type { PublicKeyDescription, PublicKeyInfo, PublicKeyError, PublicKeyErrorCode } from './publicKeys';
export { describeCertificates } from './certificates';
export type { CertificateDescription, CertificateInfo, CertificateError, CertificateErrorCode } from './certificates';
export { keyAlgorithm } from './keyAlgorithm';
export type { KeyAlgorithm } from './keyAlgorithm';
