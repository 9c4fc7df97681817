// Where key and certificate material sits in each policy kind: one table that the policy model collects the
// material sites from and completion asks about paths with, so both agree with the hover and the runtime rules.
import { isScalar, Node, Pair, Scalar, YAMLMap } from 'yaml';
import { asMap, pairOf } from '../document/yamlFile';
import type { MaterialKind, MaterialSite, PolicyModel, RegExpSite, StringScalar } from './model';

type MapNode = YAMLMap<Scalar, Node | null>;

function childMap(map: unknown, ...path: string[]): MapNode | undefined {
  let current: unknown = map;
  for (const step of path) current = asMap(pairOf(current, step)?.value);
  return asMap(current);
}

function stringPair(map: unknown, key: string): Pair<Scalar, Scalar> | undefined {
  const pair = pairOf(map, key);
  return pair && isScalar(pair.value) && typeof pair.value.value === 'string' ? (pair as Pair<Scalar, Scalar>) : undefined;
}

/**
 * The fields that hold key or certificate material, relative to where they sit: a Kyverno attestor entry
 * (plus the deprecated top-level `key`/`roots` of a verifyImages entry), an ImageValidatingPolicy attestor,
 * a ClusterImagePolicy authority. Listed once: the sites, the hover and the completion all read it.
 */
export const MATERIAL_FIELDS: Record<PolicyModel['kind'], { kind: MaterialKind; path: string[] }[]> = {
  'kyverno-policy': [
    ...kyvernoAttestorFields('keys', [['public-key', 'publicKeys']]),
    ...kyvernoAttestorFields('certificates', [['certificate', 'cert'], ['certificate', 'certChain']]),
    ...kyvernoAttestorFields('keyless', [['certificate', 'roots']]),
  ],
  'image-validating-policy': [
    { kind: 'public-key', path: ['cosign', 'key', 'data'] },
    { kind: 'certificate', path: ['cosign', 'keyless', 'roots'] },
    { kind: 'certificate', path: ['cosign', 'certificate', 'cert', 'value'] },
    { kind: 'certificate', path: ['cosign', 'certificate', 'certChain', 'value'] },
    { kind: 'public-key', path: ['cosign', 'ctlog', 'rekorPubKey'] },
    { kind: 'public-key', path: ['cosign', 'ctlog', 'ctLogPubKey'] },
    { kind: 'certificate', path: ['cosign', 'ctlog', 'tsaCertChain'] },
    { kind: 'certificate', path: ['notary', 'certs', 'value'] },
    { kind: 'certificate', path: ['notary', 'tsaCerts', 'value'] },
  ],
  'cluster-image-policy': [
    { kind: 'public-key', path: ['key', 'data'] },
    { kind: 'certificate', path: ['keyless', 'ca-cert', 'data'] },
  ],
};

/** The deprecated material fields at the top of a kyverno.io/v1 verifyImages entry. */
export const KYVERNO_ENTRY_FIELDS: { kind: MaterialKind; path: string[] }[] = [
  { kind: 'public-key', path: ['key'] },
  { kind: 'certificate', path: ['roots'] },
];

/** An attestor type's own fields, then its Rekor / CT-log keys and TSA chain (shared by every Kyverno attestor type). */
function kyvernoAttestorFields(type: string, own: [MaterialKind, string][]): { kind: MaterialKind; path: string[] }[] {
  return [
    ...own.map(([kind, key]) => ({ kind, path: [type, key] })),
    { kind: 'public-key', path: [type, 'rekor', 'pubkey'] },
    { kind: 'public-key', path: [type, 'ctlog', 'pubkey'] },
    { kind: 'certificate', path: [type, 'ctlog', 'tsaCertChain'] },
  ];
}

/**
 * Which material a field holds, from the path of its value in a policy document (for completion, which works
 * on text that may not parse yet). Undefined when the field holds none.
 */
export function materialFieldAt(docKind: string, path: readonly (string | number)[]): MaterialKind | undefined {
  const endsWith = (suffix: string[]) => suffix.length <= path.length && suffix.every((step, i) => path[path.length - suffix.length + i] === step);
  if (docKind === 'kyverno-policy') {
    const entryLevel = path.length >= 3 && path[path.length - 3] === 'verifyImages' && typeof path[path.length - 2] === 'number';
    if (entryLevel) return KYVERNO_ENTRY_FIELDS.find((f) => endsWith(f.path))?.kind;
    // Kyverno attestor entries sit in `entries` lists, at any nesting depth.
    return MATERIAL_FIELDS['kyverno-policy'].find((f) => endsWith(f.path) && path[path.length - f.path.length - 2] === 'entries')?.kind;
  }
  const fields = MATERIAL_FIELDS[docKind as PolicyModel['kind']];
  return fields?.find((f) => endsWith(f.path))?.kind;
}

export class SiteCollector {
  readonly materials: MaterialSite[] = [];
  readonly regExps: RegExpSite[] = [];

  /** Every field of `fields` present under `owner` as a string. */
  materialsOf(owner: MapNode | undefined, fields: { kind: MaterialKind; path: string[] }[]): void {
    for (const { kind, path } of fields) {
      const pair = stringPair(childMap(owner, ...path.slice(0, -1)), path[path.length - 1]);
      if (pair) this.materials.push({ kind, pair, node: pair.value as StringScalar, field: path.join('.') });
    }
  }

  regExpsOf(map: MapNode | undefined, prefix: string): void {
    for (const key of ['subjectRegExp', 'issuerRegExp']) {
      const pair = stringPair(map, key);
      if (pair) this.regExps.push({ node: pair.value as StringScalar, field: `${prefix}.${key}` });
    }
  }
}
