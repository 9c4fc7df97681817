// One line saying what a Kyverno verifyImages entry requires of an image's signatures, for hovers and
// coverage listings: "keys (1 key)", "keyless subject=…, issuer=…", "2 of 3 attestors (…)".
import { asMap, scalarValue, seqItems } from '../document/yamlFile';
import type { VerifyImagesView } from '../policy/kyvernoPolicy';

type MapNode = NonNullable<ReturnType<typeof asMap>>;

export function attestorSummary(entry: VerifyImagesView): string {
  const parts: string[] = [];
  const sets = seqItems(entry.node.get('attestors', true)).flatMap((s) => (asMap(s) ? [asMap(s)!] : []));
  if (sets.length > 0) parts.push(sets.map(setSummary).join(' and '));
  const legacy = legacySummary(entry.node);
  if (legacy) parts.push(legacy);
  const attestations = seqItems(entry.node.get('attestations', true)).flatMap((a) => (asMap(a) ? [asMap(a)!] : []));
  if (attestations.length > 0) {
    const types = attestations.map((a) => text(scalarValue(a, 'type') ?? scalarValue(a, 'predicateType'))).filter((t) => t !== '');
    const n = attestations.length;
    parts.push(`${n} attestation${n === 1 ? '' : 's'}${types.length > 0 ? ` (${types.join(', ')})` : ''}`);
  }
  const type = scalarValue(entry.node, 'type');
  const prefix = typeof type === 'string' && type !== 'Cosign' ? `${type}: ` : '';
  return prefix + (parts.length > 0 ? parts.join('; ') : 'no attestors');
}

function setSummary(set: MapNode): string {
  const entries = seqItems(set.get('entries', true)).flatMap((e) => (asMap(e) ? [asMap(e)!] : []));
  const described = entries.map(entrySummary);
  if (described.length === 0) return 'an empty attestor set';
  if (described.length === 1) return described[0];
  const count = scalarValue(set, 'count');
  const need = typeof count === 'number' && count < described.length ? `${count} of ${described.length}` : `all ${described.length}`;
  return `${need} attestors (${described.join('; ')})`;
}

function entrySummary(entry: MapNode): string {
  const keys = asMap(entry.get('keys', true));
  if (keys) return keysSummary(keys);
  const keyless = asMap(entry.get('keyless', true));
  if (keyless) return keylessSummary(keyless);
  const certificates = asMap(entry.get('certificates', true));
  if (certificates) return certificates.has('certChain') ? 'certificate with chain' : 'certificate';
  const nested = asMap(entry.get('attestor', true));
  if (nested) return `nested: ${setSummary(nested)}`;
  return 'unknown attestor';
}

function keysSummary(keys: MapNode): string {
  const publicKeys = scalarValue(keys, 'publicKeys');
  if (typeof publicKeys === 'string') {
    const pems = publicKeys.match(/-----BEGIN PUBLIC KEY-----/g)?.length ?? 0;
    if (pems > 0) return `keys (${pems} key${pems === 1 ? '' : 's'})`;
    if (publicKeys.includes('{{')) return 'keys (from a variable)';
    return `keys (${publicKeys.trim()})`;
  }
  const kms = scalarValue(keys, 'kms');
  if (typeof kms === 'string') return `keys (KMS ${kms})`;
  const secret = asMap(keys.get('secret', true));
  if (secret) return `keys (secret ${text(scalarValue(secret, 'namespace'))}/${text(scalarValue(secret, 'name'))})`;
  return 'keys (none given)';
}

function keylessSummary(keyless: MapNode): string {
  const identity = (field: string): string => {
    const exact = scalarValue(keyless, field);
    if (typeof exact === 'string') return `${field}=${exact}`;
    const re = scalarValue(keyless, `${field}RegExp`);
    if (typeof re === 'string') return `${field}~/${re}/`;
    return `${field}=any`;
  };
  return `keyless ${identity('subject')}, ${identity('issuer')}`;
}

/** The pre-1.7 top-level `key` / `subject`+`issuer` fields Kyverno still converts into one attestor. */
function legacySummary(entry: MapNode): string | undefined {
  const key: unknown = scalarValue(entry, 'key');
  if (typeof key === 'string') {
    const pems = key.match(/-----BEGIN PUBLIC KEY-----/g)?.length ?? 0;
    return `keys (${pems || 1} key${pems > 1 ? 's' : ''}, deprecated \`key\` field)`;
  }
  if (entry.has('issuer') || entry.has('subject')) {
    return `keyless subject=${text(scalarValue(entry, 'subject')) || 'any'}, issuer=${text(scalarValue(entry, 'issuer')) || 'any'} (deprecated fields)`;
  }
  return undefined;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
