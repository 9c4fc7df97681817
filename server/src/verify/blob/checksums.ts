// Checksum files next to a release artefact: `FILE.sha256` / `FILE.sha512` holding a bare hash (Kubernetes'
// `release.sha256`) or a `sha256sum` line, and `SHA256SUMS`-style lists (`<hex>  <name>` or `<hex> *<name>`).
// Pure: the caller reads the files.
import { createHash } from 'node:crypto';

export type ChecksumAlgorithm = 'sha256' | 'sha384' | 'sha512';

export interface ChecksumResult {
  /** The checksum file, as the caller named it. */
  file: string;
  algorithm: ChecksumAlgorithm;
  expected: string;
  actual: string;
  ok: boolean;
}

const BY_LENGTH: Record<number, ChecksumAlgorithm> = { 64: 'sha256', 96: 'sha384', 128: 'sha512' };

/** The algorithm a checksum file name announces (`x.sha512`, `SHA256SUMS`), if any. */
export function algorithmFromName(name: string): ChecksumAlgorithm | undefined {
  const m = /(sha256|sha384|sha512)/i.exec(name);
  return m ? (m[1].toLowerCase() as ChecksumAlgorithm) : undefined;
}

/**
 * The hash `content` gives for `artifactName`: a bare hash, a single `sha256sum` line, or the matching line of a
 * list. Undefined when the file does not mention the artefact (a list for other files) or holds no hash.
 */
export function expectedChecksum(content: string, artifactName: string, checksumFileName: string): { algorithm: ChecksumAlgorithm; hex: string } | undefined {
  const lines = content.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const named = algorithmFromName(checksumFileName);
  const hashOf = (hex: string) => {
    const algorithm = BY_LENGTH[hex.length];
    if (!algorithm || (named && named !== algorithm)) return undefined;
    return { algorithm, hex: hex.toLowerCase() };
  };
  if (lines.length === 1 && /^[0-9a-f]+$/i.test(lines[0])) return hashOf(lines[0]);
  const base = artifactName.split(/[\\/]/).pop()!;
  const candidates: { hex: string; name: string }[] = [];
  for (const line of lines) {
    const m = /^([0-9a-f]+)\s+\*?(.+)$/i.exec(line);
    if (m) candidates.push({ hex: m[1], name: m[2].trim() });
  }
  // A single line next to `FILE.sha256` is about FILE whatever name it carries (it was often renamed on download).
  const dedicated = checksumFileName.split(/[\\/]/).pop()!.toLowerCase().startsWith(base.toLowerCase() + '.');
  const match = candidates.find((c) => c.name === base || c.name.split(/[\\/]/).pop() === base) ?? (dedicated && candidates.length === 1 ? candidates[0] : undefined);
  return match ? hashOf(match.hex) : undefined;
}

export function checkChecksum(artifact: Buffer, artifactName: string, checksumFile: string, content: string): ChecksumResult | undefined {
  const expected = expectedChecksum(content, artifactName, checksumFile);
  if (!expected) return undefined;
  const actual = createHash(expected.algorithm).update(artifact).digest('hex');
  return { file: checksumFile, algorithm: expected.algorithm, expected: expected.hex, actual, ok: actual === expected.hex };
}
