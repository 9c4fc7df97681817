// A Kyverno ClusterPolicy/Policy `verifyImages` entry, read from the policy text, as the attestor structure the
// evaluator runs (attestorSets.ts), with Kyverno's runtime defaults and its deprecated-field conversion
// (ImageVerification.Convert) applied; plus whether the entry applies to an image at all.
import { parseYamlFile, YamlDoc } from '../service/document/yamlFile';
import { policyRules, verifyImagesEntries } from '../service/policy/kyvernoPolicy';
import { kyvernoNormalize, wildcardMatch } from '../service/image/wildcard';
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
  const out: { docIndex: number; ruleIndex: number; entryIndex: number; ruleName?: string }[] = [];
  for (const doc of kyvernoPolicyDocs(uri, text)) {
    for (const e of verifyImagesEntries(doc)) out.push({ docIndex: doc.index, ruleIndex: e.rule.index, entryIndex: e.index, ruleName: e.rule.name });
  }
  return out;
}

/** Reads `spec.rules[ruleIndex].verifyImages[entryIndex]` of the policy (the first Kyverno policy document, or `docIndex`). */
export function planFromPolicy(uri: string, text: string, ruleIndex: number, entryIndex: number, docIndex?: number): PlanResult {
  const docs = kyvernoPolicyDocs(uri, text);
  const doc = docIndex === undefined ? docs[0] : docs.find((d) => d.index === docIndex);
  if (!doc) return { ok: false, reason: 'the file holds no Kyverno ClusterPolicy or Policy' };
  const rule = policyRules(doc).find((r) => r.index === ruleIndex);
  if (!rule) return { ok: false, reason: `the policy has no rule at index ${ruleIndex}` };
  const entry = verifyImagesEntries(doc).find((e) => e.rule.index === ruleIndex && e.index === entryIndex);
  if (!entry) return { ok: false, reason: `rule ${rule.name ?? ruleIndex} has no verifyImages entry at index ${entryIndex}` };
  return planFromEntry(entry.node.toJSON() as unknown, `spec.rules[${ruleIndex}].verifyImages[${entryIndex}]`, rule.name);
}

/** Builds the plan from a plain verifyImages entry object (already converted from YAML). */
export function planFromEntry(raw: unknown, path: string, ruleName?: string): PlanResult {
  if (!isObj(raw)) return { ok: false, reason: `${path} is not a map` };
  const notes: string[] = [];
  const type = str(raw.type) ?? 'Cosign';
  const verifierType = (['Cosign', 'SigstoreBundle', 'Notary'].includes(type) ? type : 'Cosign') as EntryPlan['verifierType'];
  const imageReferences = arr(raw.imageReferences).filter((x): x is string => typeof x === 'string');
  const repository = str(raw.repository);

  // Convert(): deprecated top-level image/key/issuer/subject/roots/annotations become one attestor set.
  if (str(raw.image) && imageReferences.length === 0) {
    imageReferences.push(str(raw.image)!);
    notes.push('deprecated `image` read as imageReferences');
  }
  let converted: Obj | undefined;
  if (str(raw.key)) converted = { keys: { publicKeys: raw.key }, annotations: raw.annotations };
  else if (str(raw.issuer) || str(raw.subject)) converted = { keyless: { issuer: raw.issuer, subject: raw.subject, roots: raw.roots, additionalExtensions: raw.additionalExtensions }, annotations: raw.annotations };
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
    return {
      path: ap,
      name: str(att.name),
      type: str(att.type) ?? str(att.predicateType),
      attestors: sets,
      anySigner,
      conditions: arr(att.conditions).filter(isObj) as ConditionBlock[],
    };
  });
  if (converted && attestations.length === 0) attestors.push(readSet({ entries: [converted] }, `${path} (converted)`, repository));
  if (verifierType === 'SigstoreBundle') [...attestors, ...attestations.flatMap((a) => a.attestors)].forEach(matchAsSigstoreBundle);

  return {
    ok: true,
    plan: {
      ruleName,
      path,
      verifierType,
      imageReferences,
      skipImageReferences: arr(raw.skipImageReferences).filter((x): x is string => typeof x === 'string'),
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

export type ImageMatch = { applies: true; normalized: string; pattern: string } | { applies: false; normalized?: string; reason: string };

/** Whether the entry verifies `image`: some `imageReferences` pattern matches Kyverno's normalised form and no skip pattern does. */
export function matchImage(plan: Pick<EntryPlan, 'imageReferences' | 'skipImageReferences'>, image: string): ImageMatch {
  const normalized = kyvernoNormalize(image);
  if (!normalized) return { applies: false, reason: `rule does not apply to this image: Kyverno cannot parse "${image}"` };
  const pattern = plan.imageReferences.find((p) => wildcardMatch(p, normalized));
  if (!pattern) {
    return { applies: false, normalized, reason: `rule does not apply to this image: ${normalized} matches none of imageReferences (${plan.imageReferences.join(', ') || 'none'})` };
  }
  const skip = plan.skipImageReferences.find((p) => wildcardMatch(p, normalized));
  if (skip) return { applies: false, normalized, reason: `rule does not apply to this image: ${normalized} matches skipImageReferences ${skip}` };
  return { applies: true, normalized, pattern };
}
