// Where key and certificate material sits in the three policy kinds, so each runtime rule walks one list.
import { isScalar, Node, Pair, Scalar, YAMLMap } from 'yaml';
import type { YamlDoc } from '../../document/yamlFile';
import { asMap, pairOf, seqItems } from '../../document/yamlFile';
import { attestorEntries, specOf, verifyImagesEntries } from '../../policy/kyvernoPolicy';

export type MaterialKind = 'public-key' | 'certificate';

export interface MaterialSite {
  kind: MaterialKind;
  /** The `key: value` pair; the value is a string scalar. */
  pair: Pair<Scalar, Scalar>;
  node: Scalar & { value: string };
  /** Dotted field name for messages, e.g. `keys.publicKeys`. */
  field: string;
}

export interface RegExpSite {
  node: Scalar & { value: string };
  field: string;
}

type Map = YAMLMap<Scalar, Node | null>;

function stringPair(map: Map | undefined, key: string): Pair<Scalar, Scalar> | undefined {
  const pair = pairOf(map, key);
  return pair && isScalar(pair.value) && typeof pair.value.value === 'string' ? (pair as Pair<Scalar, Scalar>) : undefined;
}

function child(map: Map | undefined, ...path: string[]): Map | undefined {
  let current = map;
  for (const step of path) current = asMap(current?.get(step, true));
  return current;
}

class Collector {
  readonly sites: MaterialSite[] = [];
  add(kind: MaterialKind, map: Map | undefined, key: string, field: string): void {
    const pair = stringPair(map, key);
    if (pair) this.sites.push({ kind, pair, node: pair.value as MaterialSite['node'], field });
  }
}

/** Rekor / CT-log keys and TSA chains, shared by every Kyverno attestor type. */
function addTransparency(c: Collector, attestor: Map | undefined, prefix: string): void {
  c.add('public-key', child(attestor, 'rekor'), 'pubkey', `${prefix}.rekor.pubkey`);
  c.add('public-key', child(attestor, 'ctlog'), 'pubkey', `${prefix}.ctlog.pubkey`);
  c.add('certificate', child(attestor, 'ctlog'), 'tsaCertChain', `${prefix}.ctlog.tsaCertChain`);
}

export function materialSites(doc: YamlDoc): MaterialSite[] {
  const c = new Collector();
  if (doc.kind === 'kyverno-policy') {
    for (const entry of verifyImagesEntries(doc)) {
      c.add('public-key', entry.node, 'key', 'key');
      c.add('certificate', entry.node, 'roots', 'roots');
      for (const attestor of attestorEntries(entry)) {
        const keys = child(attestor.node, 'keys');
        c.add('public-key', keys, 'publicKeys', 'keys.publicKeys');
        addTransparency(c, keys, 'keys');
        const certificates = child(attestor.node, 'certificates');
        c.add('certificate', certificates, 'cert', 'certificates.cert');
        c.add('certificate', certificates, 'certChain', 'certificates.certChain');
        addTransparency(c, certificates, 'certificates');
        const keyless = child(attestor.node, 'keyless');
        c.add('certificate', keyless, 'roots', 'keyless.roots');
        addTransparency(c, keyless, 'keyless');
      }
    }
  } else if (doc.kind === 'image-validating-policy') {
    for (const item of seqItems(specOf(doc)?.get('attestors', true))) {
      const cosign = child(asMap(item), 'cosign');
      c.add('public-key', child(cosign, 'key'), 'data', 'cosign.key.data');
      c.add('certificate', child(cosign, 'keyless'), 'roots', 'cosign.keyless.roots');
      c.add('certificate', child(cosign, 'certificate', 'cert'), 'value', 'cosign.certificate.cert.value');
      c.add('certificate', child(cosign, 'certificate', 'certChain'), 'value', 'cosign.certificate.certChain.value');
      c.add('public-key', child(cosign, 'ctlog'), 'rekorPubKey', 'cosign.ctlog.rekorPubKey');
      c.add('public-key', child(cosign, 'ctlog'), 'ctLogPubKey', 'cosign.ctlog.ctLogPubKey');
      c.add('certificate', child(cosign, 'ctlog'), 'tsaCertChain', 'cosign.ctlog.tsaCertChain');
      const notary = child(asMap(item), 'notary');
      c.add('certificate', child(notary, 'certs'), 'value', 'notary.certs.value');
      c.add('certificate', child(notary, 'tsaCerts'), 'value', 'notary.tsaCerts.value');
    }
  } else if (doc.kind === 'cluster-image-policy') {
    for (const item of seqItems(specOf(doc)?.get('authorities', true))) {
      c.add('public-key', child(asMap(item), 'key'), 'data', 'key.data');
      c.add('certificate', child(asMap(item), 'keyless', 'ca-cert'), 'data', 'keyless.ca-cert.data');
    }
  }
  return c.sites;
}

/** Keyless identity regexps (Go RE2 at runtime) in the three policy kinds. */
export function regExpSites(doc: YamlDoc): RegExpSite[] {
  const out: RegExpSite[] = [];
  const add = (map: Map | undefined, prefix: string) => {
    for (const key of ['subjectRegExp', 'issuerRegExp']) {
      const pair = stringPair(map, key);
      if (pair) out.push({ node: pair.value as RegExpSite['node'], field: `${prefix}.${key}` });
    }
  };
  if (doc.kind === 'kyverno-policy') {
    for (const entry of verifyImagesEntries(doc)) {
      for (const attestor of attestorEntries(entry)) add(child(attestor.node, 'keyless'), 'keyless');
    }
  } else if (doc.kind === 'image-validating-policy') {
    for (const item of seqItems(specOf(doc)?.get('attestors', true))) {
      for (const id of seqItems(child(asMap(item), 'cosign', 'keyless')?.get('identities', true))) add(asMap(id), 'cosign.keyless.identities[]');
    }
  } else if (doc.kind === 'cluster-image-policy') {
    for (const item of seqItems(specOf(doc)?.get('authorities', true))) {
      for (const id of seqItems(child(asMap(item), 'keyless')?.get('identities', true))) add(asMap(id), 'keyless.identities[]');
    }
  }
  return out;
}

/** PEM text as Kyverno tells it apart from a key reference (`k8s://…`, `awskms://…`, `{{ variable }}`). */
export function looksLikePem(value: string): boolean {
  return /^\s*-----BEGIN /.test(value);
}

/** Value lines that start with `#`: YAML comments only outside a block scalar, content inside one. */
export function hashLines(value: string): { from: number; to: number; text: string }[] {
  const out: { from: number; to: number; text: string }[] = [];
  let offset = 0;
  for (const line of value.split('\n')) {
    const lead = line.length - line.trimStart().length;
    if (line.trimStart().startsWith('#')) out.push({ from: offset + lead, to: offset + line.trimEnd().length, text: line.trim() });
    offset += line.length + 1;
  }
  return out;
}
