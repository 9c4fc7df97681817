// A test certificate authority made with the real openssl, issuing Fulcio-shaped leaf certificates the way Fulcio
// does for a Google service account: the identity as an email SAN, the OIDC issuer in Fulcio's extensions 1.1 (raw
// string) and 1.8 (DER UTF8String), code-signing key usage.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface OpensslCa {
  name: string;
  keyFile: string;
  certFile: string;
  pem: string;
  der: Buffer;
}

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: 'pipe' });

export function makeOpensslCa(dir: string, name: string): OpensslCa {
  const keyFile = path.join(dir, `${name}.key`);
  const certFile = path.join(dir, `${name}.pem`);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '3',
    '-subj', `/O=image-trust test/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  const pem = readFileSync(certFile, 'utf8');
  return { name, keyFile, certFile, pem, der: new X509Certificate(pem).raw };
}

export interface Leaf {
  certFile: string;
  pem: string;
  privateKey: KeyObject;
  notBefore: Date;
}

export function issueLeaf(dir: string, ca: OpensslCa, name: string, email: string, oidcIssuer: string): Leaf {
  const keyFile = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  const certFile = path.join(dir, `${name}.pem`);
  const ext = path.join(dir, `${name}.ext`);
  writeFileSync(ext, [
    '[leaf]',
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=codeSigning',
    `subjectAltName=critical,email:${email}`,
    'subjectKeyIdentifier=hash',
    'authorityKeyIdentifier=keyid',
    `1.3.6.1.4.1.57264.1.1=DER:${Buffer.from(oidcIssuer).toString('hex')}`,
    `1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:${oidcIssuer}`,
    '',
  ].join('\n'));
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', csr, '-subj', '/O=image-trust test'], dir);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial', '-days', '1', '-extfile', ext, '-extensions', 'leaf', '-out', certFile], dir);
  const pem = readFileSync(certFile, 'utf8');
  return { certFile, pem, privateKey: createPrivateKey(readFileSync(keyFile)), notBefore: new Date(new X509Certificate(pem).validFrom) };
}

/** Another certificate for the same key (same CSR, new serial): what a re-issued Fulcio certificate looks like. */
export function reissue(dir: string, ca: OpensslCa, name: string, into: string): string {
  const certFile = path.join(dir, `${into}.pem`);
  openssl(['x509', '-req', '-in', path.join(dir, `${name}.csr`), '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial', '-days', '1', '-extfile', path.join(dir, `${name}.ext`), '-extensions', 'leaf', '-out', certFile], dir);
  return readFileSync(certFile, 'utf8');
}
