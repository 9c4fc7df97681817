// The files that travel with a release artefact, found by name next to it: `FILE.sig`, `FILE.cert` / `FILE.pem`,
// `FILE.sigstore.json` / `FILE.bundle`, `FILE.sha256` / `FILE.sha512`, and `SHA256SUMS`-style lists. Pure: takes
// the names in the artefact's folder.

export interface Companions {
  bundle?: string;
  signature?: string;
  certificate?: string;
  /** Checksum files that may mention the artefact (dedicated ones first). */
  checksums: string[];
}

const LISTS = /^(sha(256|384|512)sums?(\.txt)?|checksums?(\.txt)?|.*\.sha(256|512)sums?)$/i;

/** Companions of `artifact` among `siblings` (file names of its folder). */
export function findCompanions(artifact: string, siblings: string[]): Companions {
  const names = new Set(siblings);
  const first = (...candidates: string[]) => candidates.find((c) => names.has(c));
  const dedicated = ['sha256', 'sha512', 'sha384'].map((ext) => `${artifact}.${ext}`).filter((n) => names.has(n));
  const lists = siblings.filter((n) => LISTS.test(n) && !dedicated.includes(n)).sort();
  return {
    bundle: first(`${artifact}.sigstore.json`, `${artifact}.sigstore`, `${artifact}.bundle`),
    signature: first(`${artifact}.sig`),
    certificate: first(`${artifact}.cert`, `${artifact}.pem`, `${artifact}.crt`),
    checksums: [...dedicated, ...lists],
  };
}

/** Whether a file is itself a companion (so the command is not offered on `kubectl.sig`). */
export function isCompanionName(name: string): boolean {
  return /\.(sig|cert|pem|crt|sigstore\.json|sigstore|bundle|sha256|sha384|sha512)$/i.test(name) || LISTS.test(name);
}
