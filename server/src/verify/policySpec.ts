// A Kyverno ClusterPolicy/Policy `verifyImages` entry, read from the policy text, as the attestor structure the
// evaluator runs (attestorSets.ts), with Kyverno's runtime defaults and its deprecated-field conversion
// (ImageVerification.Convert) applied; plus whether the entry applies to an image at all.
import { Document } from 'yaml';
import { KyvernoEntry, kyvernoEntryMatch, kyvernoModel, parseYamlFile, plainValue, YamlDoc } from '../service/policy/api';
import type { KyvernoImageMatch } from '../service/policy/api';
import { AttestorEntry, AttestorSet, expandPublicKeys, LogSettings } from './attestorSets';
import type { ConditionBlock } from './kyvernoConditions';
import { HASH_ALGORITHMS, HashAlgorithm } from './keys';

export interface AttestationSpec {
  path: string;
  name?: string;
  /** In-toto predicate type (`type`, or the deprecated `predicateType`). */
  type?: string;
  attestors: AttestorSet[];
  /** True when the policy lists no attestors: Kyverno then accepts any keyless signer of the public Sigstore. */
  anySigner: boolean;
  conditions: ConditionBlock[];
}

export interface EntryPlan {
  ruleName?: string;
  /** `spec.rules[0].verifyImages[1]`. */
  path: string;
  verifierType: 'Cosign' | 'SigstoreBundle' | 'Notary';
  imageReferences: string[];
  skipImageReferences: string[];
  repository?: string;
  attestors: AttestorSet[];
  attestations: AttestationSpec[];
  /** Things noticed while reading the entry (deprecated fields converted, values ignored). */
  notes: string[];
}

export type PlanResult = { ok: true; plan: EntryPlan } | { ok: false; reason: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The Kyverno policy documents of a file. */
export function kyvernoPolicyDocs(uri: string, text: string): YamlDoc[] {
  return parseYamlFile(uri, text).docs.filter((d) => d.kind === 'kyverno-policy');
}

/** Every verifyImages entry of the file as `{doc, ruleIndex, entryIndex, ruleName}`. */
export function listEntries(uri: string, text: string): { docIndex: number; ruleIndex: number; entryIndex: number; ruleName?: string }[] {
  return kyvernoPolicyDocs(uri, text).flatMap((doc) =>
    (kyvernoModel(doc)?.entries ?? []).map((e) => ({ docIndex: doc.index, ruleIndex: e.rule.index, entryIndex: e.view.index, ruleName: e.rule.name })));
}

/** Reads `spec.rules[ruleIndex].verifyImages[entryIndex]` of the policy (the first Kyverno policy document, or `docIndex`). */
export function planFromPolicy(uri: string, text: string, ruleIndex: number, entryIndex: number, docIndex?: number): PlanResult {
  const docs = kyvernoPolicyDocs(uri, text);
  const doc = docIndex === undefined ? docs[0] : docs.find((d) => d.index === docIndex);
  const model = doc && kyvernoModel(doc);
  if (!model) return { ok: false, reason: 'the file holds no Kyverno ClusterPolicy or Policy' };
  const rule = model.rules.find((r) => r.view.index === ruleIndex);
  if (!rule) return { ok: false, reason: `the policy has no rule at index ${ruleIndex}` };
  const entry = rule.entries.find((e) => e.view.index === entryIndex);
  if (!entry) return { ok: false, reason: `rule ${rule.view.name ?? ruleIndex} has no verifyImages entry at index ${entryIndex}` };
  return planFromModelEntry(entry);
}

/**
 * Builds the plan from a plain kyverno.io/v1 verifyImages entry object: it is read through the same policy model
 * as a policy file, so Kyverno's Convert() and defaults exist once.
 */
export function planFromEntry(raw: unknown, path: string, ruleName?: string): PlanResult {
  if (!isObj(raw)) return { ok: false, reason: `${path} is not a map` };
  const policy = new Document({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', spec: { rules: [{ verifyImages: [raw] }] } });
  const doc = parseYamlFile('inline:entry.yaml', String(policy)).docs[0];
  const entry = kyvernoModel(doc)?.entries[0];
  if (!entry) return { ok: false, reason: `${path} is not a map` };
  return planFromModelEntry(entry, { path, ruleName });
}

/** The plan of one verifyImages entry of the policy model, with Kyverno's runtime defaults and Convert() applied. */
export function planFromModelEntry(entry: KyvernoEntry, as: { path?: string; ruleName?: string } = {}): PlanResult {
  const path = as.path ?? `spec.rules[${entry.rule.index}].verifyImages[${entry.view.index}]`;
  const ruleName = as.path !== undefined ? as.ruleName : entry.rule.name;
  // Attestor contents are read from their CRD (JSON) shape, as the evaluator needs them.
  const raw = plainValue(entry.view.node, entry.doc) as Obj;
  const notes: string[] = [];
  const repository = str(entry.repository?.value);
  if (entry.imageReferences.some((m) => m.legacy)) notes.push('deprecated `image` read as imageReferences');

  // Convert(): the deprecated top-level key / keyless fields become one attestor set.
  let converted: Obj | undefined;
  if (entry.legacy.converts === 'keys') converted = { keys: { publicKeys: raw.key }, annotations: raw.annotations };
  else if (entry.legacy.converts === 'keyless') converted = { keyless: { issuer: raw.issuer, subject: raw.subject, roots: raw.roots, additionalExtensions: raw.additionalExtensions }, annotations: raw.annotations };
  if (converted) notes.push('deprecated top-level key/keyless fields converted to an attestor set, as Kyverno does');

  const attestors = arr(raw.attestors).map((s, i) => readSet(s, `${path}.attestors[${i}]`, repository));
  const attestations: AttestationSpec[] = arr(raw.attestations).map((a, i) => {
    const ap = `${path}.attestations[${i}]`;
    const att = isObj(a) ? a : {};
    let sets = arr(att.attestors).map((s, j) => readSet(s, `${ap}.attestors[${j}]`, repository));
    if (converted) sets = [...sets, readSet({ entries: [converted] }, `${path} (converted)`, repository)];
    const anySigner = sets.length === 0;
    if (anySigner) {
      // Kyverno substitutes one empty entry: keyless against the public Sigstore roots, any identity.
      sets = [{ path: `${ap}.attestors (none listed)`, entries: [{ kind: 'keyless', path: `${ap}.attestors (none listed)`, matching: 'kyverno', logs: { ignoreTlog: false, ignoreSCT: false }, repository }] }];
    }
    const type = entry.attestations.find((x) => x.index === i)?.type?.value;
    return {
      path: ap,
      name: str(att.name),
      type: str(type),
      attestors: sets,
      anySigner,
      conditions: arr(att.conditions).filter(isObj) as ConditionBlock[],
    };
  });
  if (converted && attestations.length === 0) attestors.push(readSet({ entries: [converted] }, `${path} (converted)`, repository));
  if (entry.verifierType.value === 'SigstoreBundle') [...attestors, ...attestations.flatMap((a) => a.attestors)].forEach(matchAsSigstoreBundle);

  return {
    ok: true,
    plan: {
      ruleName,
      path,
      verifierType: entry.verifierType.value,
      imageReferences: entry.imageReferences.map((m) => m.pattern),
      skipImageReferences: entry.skipImageReferences.map((m) => m.pattern),
      repository,
      attestors,
      attestations,
      notes,
    },
  };
}

/** Kyverno verifies `type: SigstoreBundle` entries with sigstore-go, whose identity matching differs from its own. */
function matchAsSigstoreBundle(set: AttestorSet): void {
  for (const entry of set.entries) {
    if (entry.kind === 'keyless') entry.matching = 'sigstore-bundle';
    else if (entry.kind === 'nested') matchAsSigstoreBundle(entry.set);
  }
}

function readSet(raw: unknown, path: string, repository: string | undefined): AttestorSet {
  const set = isObj(raw) ? raw : {};
  const entries: AttestorEntry[] = [];
  arr(set.entries).forEach((e, i) => entries.push(...readEntry(e, `${path}.entries[${i}]`, repository)));
  const count = typeof set.count === 'number' && set.count > 0 ? set.count : undefined;
  return { path, count, entries };
}

function readEntry(raw: unknown, path: string, inheritedRepository: string | undefined): AttestorEntry[] {
  if (!isObj(raw)) return [{ kind: 'unchecked', path, reason: 'the entry is not a map' }];
  const repository = str(raw.repository) ?? inheritedRepository;
  const annotations = isObj(raw.annotations) ? (Object.fromEntries(Object.entries(raw.annotations).map(([k, v]) => [k, String(v)])) as Record<string, string>) : undefined;
  const alg = hashOf(raw.signatureAlgorithm);
  const kinds = ['keys', 'certificates', 'keyless', 'attestor'].filter((k) => raw[k] !== undefined && raw[k] !== null);
  if (kinds.length !== 1) return [{ kind: 'unchecked', path, reason: 'the entry must have exactly one of keys, certificates, keyless or attestor (Kyverno rejects it)' }];
  const base = (p: string, logs: LogSettings) => ({ path: p, logs, annotations, repository, signatureAlgorithm: alg });

  if (isObj(raw.attestor) || raw.attestor !== undefined) {
    if (!isObj(raw.attestor)) return [{ kind: 'unchecked', path, reason: 'the nested attestor is not a map' }];
    return [{ kind: 'nested', path: `${path}.attestor`, set: readSet(raw.attestor, `${path}.attestor`, repository) }];
  }
  if (isObj(raw.keys)) {
    const k = raw.keys;
    const p = `${path}.keys`;
    const logs = logsOf(k);
    // The deprecated keys.signatureAlgorithm (CRD default sha256) overwrites the entry's at run time.
    const keyAlg = hashOf(k.signatureAlgorithm) ?? alg;
    if (str(k.kms)) return [{ kind: 'unchecked', path: p, reason: `a KMS key (${k.kms}) cannot be used from the editor` }];
    if (isObj(k.secret)) return [{ kind: 'unchecked', path: p, reason: `a Kubernetes secret (${String(k.secret.namespace ?? '?')}/${String(k.secret.name ?? '?')}) cannot be read from the editor` }];
    if (!str(k.publicKeys)) return [{ kind: 'unchecked', path: p, reason: 'keys has no publicKeys, kms or secret' }];
    return expandPublicKeys(String(k.publicKeys), { ...base(p, logs), signatureAlgorithm: keyAlg });
  }
  if (isObj(raw.certificates)) {
    const c = raw.certificates;
    const p = `${path}.certificates`;
    if (!str(c.cert) && !str(c.certChain)) return [{ kind: 'unchecked', path: p, reason: 'certificates has neither cert nor certChain' }];
    if ([c.cert, c.certChain].some((v) => typeof v === 'string' && v.includes('{{'))) return [{ kind: 'unchecked', path: p, reason: 'the certificate is a Kyverno variable, only known inside the cluster' }];
    return [{ kind: 'certificate', ...base(p, logsOf(c)), certificate: str(c.cert), certificateChain: str(c.certChain) }];
  }
  if (isObj(raw.keyless)) {
    const k = raw.keyless;
    const p = `${path}.keyless`;
    const ext = isObj(k.additionalExtensions) ? (Object.fromEntries(Object.entries(k.additionalExtensions).map(([a, b]) => [a, String(b)])) as Record<string, string>) : undefined;
    return [{
      kind: 'keyless',
      ...base(p, logsOf(k)),
      subject: str(k.subject),
      subjectRegExp: str(k.subjectRegExp),
      issuer: str(k.issuer),
      issuerRegExp: str(k.issuerRegExp),
      additionalExtensions: ext,
      roots: str(k.roots),
      matching: 'kyverno',
    }];
  }
  return [{ kind: 'unchecked', path, reason: `${kinds[0]} is not a map` }];
}

/** Omitted `rekor` = public Rekor, log verified; omitted `ctlog` = SCT verified (buildCosignVerifier). */
function logsOf(attestor: Obj): LogSettings {
  const rekor = isObj(attestor.rekor) ? attestor.rekor : {};
  const ctlog = isObj(attestor.ctlog) ? attestor.ctlog : {};
  return {
    ignoreTlog: rekor.ignoreTlog === true,
    ignoreSCT: ctlog.ignoreSCT === true,
    rekorPublicKeys: str(rekor.pubkey),
    ctlogPublicKeys: str(ctlog.pubkey),
    tsaCertChain: str(ctlog.tsaCertChain),
  };
}

function hashOf(v: unknown): HashAlgorithm | undefined {
  return typeof v === 'string' && (HASH_ALGORITHMS as readonly string[]).includes(v) ? (v as HashAlgorithm) : undefined;
}

export type ImageMatch = KyvernoImageMatch;

/** Whether the entry verifies `image`: some `imageReferences` pattern matches Kyverno's normalised form and no skip pattern does. */
export function matchImage(plan: Pick<EntryPlan, 'imageReferences' | 'skipImageReferences'>, image: string): ImageMatch {
  return kyvernoEntryMatch(plan, image);
}
