// One line saying what a Kyverno verifyImages entry requires of an image's signatures, for hovers and
// coverage listings: "keys (1 key)", "keyless subject=…, issuer=…", "2 of 3 attestors (…)".
import { asMap, pairOf, scalarValue, seqItems } from '../document/yamlFile';
import { child, KyvernoEntry } from '../policy/model';

type MapNode = NonNullable<ReturnType<typeof asMap>>;

export function attestorSummary(entry: KyvernoEntry): string {
  const node = entry.view.node;
  const parts: string[] = [];
  const sets = seqItems(child(node, 'attestors')).flatMap((s) => (asMap(s) ? [asMap(s)!] : []));
  if (sets.length > 0) parts.push(sets.map(setSummary).join(' and '));
  const legacy = legacySummary(entry);
  if (legacy) parts.push(legacy);
  if (entry.attestations.length > 0) {
    const types = entry.attestations.map((a) => a.type?.value ?? '').filter((t) => t !== '');
    const n = entry.attestations.length;
    parts.push(`${n} attestation${n === 1 ? '' : 's'}${types.length > 0 ? ` (${types.join(', ')})` : ''}`);
  }
  const type = scalarValue(node, 'type');
  const prefix = typeof type === 'string' && type !== 'Cosign' ? `${type}: ` : '';
  return prefix + (parts.length > 0 ? parts.join('; ') : 'no attestors');
}

function setSummary(set: MapNode): string {
  const entries = seqItems(child(set, 'entries')).flatMap((e) => (asMap(e) ? [asMap(e)!] : []));
  const described = entries.map(entrySummary);
  if (described.length === 0) return 'an empty attestor set';
  if (described.length === 1) return described[0];
  const count = scalarValue(set, 'count');
  const need = typeof count === 'number' && count < described.length ? `${count} of ${described.length}` : `all ${described.length}`;
  return `${need} attestors (${described.join('; ')})`;
}

function entrySummary(entry: MapNode): string {
  const keys = asMap(child(entry, 'keys'));
  if (keys) return keysSummary(keys);
  const keyless = asMap(child(entry, 'keyless'));
  if (keyless) return keylessSummary(keyless);
  const certificates = asMap(child(entry, 'certificates'));
  if (certificates) return pairOf(certificates, 'certChain') ? 'certificate with chain' : 'certificate';
  const nested = asMap(child(entry, 'attestor'));
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
  const secret = asMap(child(keys, 'secret'));
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

/** The attestor Kyverno's Convert() builds from the pre-1.7 top-level `key` / `issuer`+`subject` fields. */
function legacySummary(entry: KyvernoEntry): string | undefined {
  const node = entry.view.node;
  if (entry.legacy.converts === 'keys') {
    const pems = String(scalarValue(node, 'key')).match(/-----BEGIN PUBLIC KEY-----/g)?.length ?? 0;
    return `keys (${pems || 1} key${pems > 1 ? 's' : ''}, deprecated \`key\` field)`;
  }
  if (entry.legacy.converts === 'keyless') {
    return `keyless subject=${text(scalarValue(node, 'subject')) || 'any'}, issuer=${text(scalarValue(node, 'issuer')) || 'any'} (deprecated fields)`;
  }
  return undefined;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
