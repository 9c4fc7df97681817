// Live verification of one image against a policy entry or an ad-hoc attestor: resolve the digest (sha256 of
// the manifest bytes received), discover what is attached to it, verify each signature or attestation with the
// crypto core for each attestor entry, then apply Kyverno's set semantics and explain the result per signature.
import { createHash } from 'node:crypto';
import type { RegistryClient } from '../registry/client';
import type { SignatureFinding, VerifyImage, VerifyOutcome, VerifyRequest } from './api';
import { decideEntry, decideSet, leafAttestors, LeafResult } from './decide';
import { fetchMaterial, Material } from './fetch';
import { AttestorSet, expandPublicKeys, LeafAttestor, SetVerdict } from './attestorSets';
import { verifyBundleAttestation } from './bundle';
import { BundleObject, COSIGN_SIGN_PREDICATE, Discovered, DiscoveryError, LegacyObject, repositoryOf } from './discovery';
import type { SignerPolicy, VerificationOptions } from './engine';
import { exactIdentityRequirement, kyvernoKeylessRequirement, sigstoreBundleRequirement } from './identity';
import { evaluateConditions } from './kyvernoConditions';
import { verifyLegacyAttestation, verifyLegacySignature } from './legacy';
import type { InTotoStatement } from './payload';
import { AttestationSpec, EntryPlan, matchImage, planFromPolicy } from './policySpec';
import { loadTrustedRoot, publicGoodTrustRoot, TrustRoot, withPolicyTrust } from './trustRoot';

// ---- plans for the ad-hoc specs -----------------------------------------------------------------------

type Planned = { ok: true; plan: EntryPlan; label: string } | { ok: false; outcome: Omit<VerifyOutcome, 'image'> };

function planFor(request: VerifyRequest): Planned {
  const spec = request.spec;
  const base = { verifierType: 'Cosign' as const, imageReferences: ['*'], skipImageReferences: [], attestors: [], attestations: [], notes: [] };
  switch (spec.kind) {
    case 'policy-entry': {
      const r = planFromPolicy(spec.policyUri, spec.policyText, spec.ruleIndex, spec.entryIndex, spec.docIndex);
      if (!r.ok) return { ok: false, outcome: early('error', `✗ ${r.reason}`, [r.reason]) };
      const match = matchImage(r.plan, request.image);
      if (!match.applies) return { ok: false, outcome: early('unsupported', `✗ ${match.reason}`, [match.reason]) };
      if (r.plan.verifierType === 'Notary') {
        return { ok: false, outcome: early('unsupported', '✗ Notary signatures are not verified by Image Trust', ['type: Notary entries are verified by Kyverno with notation; Image Trust checks cosign and Sigstore signatures only.']) };
      }
      return { ok: true, plan: r.plan, label: `rule ${r.plan.ruleName ?? `#${spec.ruleIndex}`}` };
    }
    case 'key': {
      const entries = expandPublicKeys(spec.publicKeyPem, { path: 'key', logs: { ignoreTlog: !!spec.ignoreTlog, ignoreSCT: false }, annotations: spec.annotations });
      return { ok: true, plan: { ...base, path: 'key', attestors: [{ path: 'key', count: 1, entries }] }, label: 'key' };
    }
    case 'keyless': {
      const entry: LeafAttestor = {
        kind: 'keyless', path: 'keyless', matching: 'exact', logs: { ignoreTlog: !!spec.ignoreTlog, ignoreSCT: !!spec.ignoreSCT },
        subject: spec.subject, subjectRegExp: spec.subjectRegExp, issuer: spec.issuer, issuerRegExp: spec.issuerRegExp,
      };
      return { ok: true, plan: { ...base, path: 'keyless', attestors: [{ path: 'keyless', entries: [entry] }] }, label: 'keyless identity' };
    }
    case 'attestation': {
      const logs = { ignoreTlog: !!spec.ignoreTlog, ignoreSCT: false };
      let sets: AttestorSet[];
      if (spec.publicKeyPem) sets = [{ path: 'key', count: 1, entries: expandPublicKeys(spec.publicKeyPem, { path: 'key', logs }) }];
      else sets = [{ path: 'keyless', entries: [{ kind: 'keyless', path: 'keyless', matching: 'exact', logs, subject: spec.keyless?.subject, issuer: spec.keyless?.issuer }] }];
      const attestation: AttestationSpec = { path: 'attestation', type: spec.type, attestors: sets, anySigner: !spec.publicKeyPem && !spec.keyless?.subject && !spec.keyless?.issuer, conditions: [] };
      return { ok: true, plan: { ...base, path: 'attestation', attestations: [attestation] }, label: `attestation ${spec.type}` };
    }
  }
}

function early(verdict: VerifyOutcome['verdict'], summary: string, details: string[]): Omit<VerifyOutcome, 'image'> {
  return { verdict, summary, details, findings: [], unchecked: [] };
}

// ---- cache ----------------------------------------------------------------------------------------------

const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 100;
/** Per registry client, so separate clients (tests, settings changes) never share verdicts. */
const caches = new WeakMap<RegistryClient, Map<string, { at: number; outcome: VerifyOutcome }>>();

function cacheFor(registry: RegistryClient): Map<string, { at: number; outcome: VerifyOutcome }> {
  let c = caches.get(registry);
  if (!c) caches.set(registry, (c = new Map()));
  return c;
}

// ---- the orchestration ------------------------------------------------------------------------------------

export const verifyImage: VerifyImage = async (request, deps) => {
  const now = deps.now ?? (() => new Date());
  const planned = planFor(request);
  if (!planned.ok) return { image: request.image, ...planned.outcome };
  const { plan, label } = planned;
  if (plan.attestors.length === 0 && plan.attestations.length === 0) {
    return { image: request.image, ...early('unsupported', '✗ nothing to verify: the entry has no attestors and no attestations', ['Kyverno only mutates the digest for such an entry; no signature is checked.']) };
  }

  // The request's own root, else the caller's choice (settings file, TUF-refreshed public-good), else the embedded one.
  let trust: TrustRoot;
  let trustNote: string;
  if (request.trustedRootJson) {
    const loaded = loadTrustedRoot(request.trustedRootJson, 'the given trusted root');
    if (!loaded.ok) return { image: request.image, ...early('error', `✗ ${loaded.reason}`, [loaded.reason]) };
    trust = loaded.root;
    trustNote = 'trust root: the trusted_root.json given with the request';
  } else if (deps.trustRoot) {
    const chosen = await deps.trustRoot();
    if (!chosen.ok) return { image: request.image, ...early('error', `✗ ${chosen.reason}`, [chosen.reason]) };
    trust = chosen.root;
    trustNote = chosen.description;
  } else {
    trust = publicGoodTrustRoot();
    trustNote = `trust root: ${trust.source} embedded in @sigstore/tuf`;
  }
  if (usesPolicyTrust(plan)) trustNote += "; entries with their own roots, rekor.pubkey, ctlog.pubkey or ctlog.tsaCertChain use those instead of the root's matching parts";

  const imageRepository = repositoryOf(request.image);
  if (!imageRepository) return { image: request.image, ...early('error', `✗ "${request.image}" is not a valid image reference`, []) };
  // Tag → digest through the client's short-TTL resolve cache, so a warm re-verification by tag costs no
  // request. The trade-off: a tag re-pushed within that TTL (a minute by default) still verifies the digest it
  // named before; `fresh` (an explicit "verify again") asks the registry and skips cached verdicts.
  const resolved = await deps.registry.resolve(request.image, deps.signal, { fresh: deps.fresh });
  if (!resolved.ok) return { image: request.image, ...early('error', `✗ ${resolved.error.message}`, [resolved.error.message]) };
  const digest = resolved.value.digest;

  const cacheKey = `${digest}|${createHash('sha256').update(JSON.stringify({ plan, root: request.trustedRootJson ?? rootIdentity(trust), imageRepository })).digest('hex')}`;
  const cache = cacheFor(deps.registry);
  const hit = deps.fresh ? undefined : cache.get(cacheKey);
  if (hit && Date.now() - hit.at < CACHE_TTL_MS) return { ...hit.outcome, image: request.image };

  try {
    const material = await fetchMaterial(deps.registry, plan, imageRepository, digest, deps.signal);
    const outcome = decide(request, plan, label, trust, imageRepository, material, now);
    outcome.details.splice(1, 0, trustNote);
    if (outcome.verdict !== 'error') {
      cache.set(cacheKey, { at: Date.now(), outcome });
      while (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
    }
    return outcome;
  } catch (e) {
    if (e instanceof DiscoveryError) return { image: request.image, digest, ...early('error', `✗ ${e.error.message}`, [e.error.message]) };
    if (deps.signal?.aborted) return { image: request.image, digest, ...early('error', '✗ cancelled', ['Cancelled.']) };
    throw e;
  }
};

/** Distinct per TrustRoot object: the trust sources hand out one object per root content. */
const rootIds = new WeakMap<TrustRoot, number>();
let nextRootId = 0;
function rootIdentity(root: TrustRoot): string {
  let id = rootIds.get(root);
  if (id === undefined) rootIds.set(root, (id = nextRootId++));
  return `${root.source}#${id}`;
}

/** Whether some leaf of the plan brings its own trust material (Kyverno keyless `roots`, `rekor`/`ctlog` keys). */
function usesPolicyTrust(plan: EntryPlan): boolean {
  const own = (e: AttestorSet['entries'][number]): boolean =>
    e.kind === 'nested' ? e.set.entries.some(own)
      : e.kind === 'unchecked' ? false
        : !!(e.logs.rekorPublicKeys?.trim() || e.logs.ctlogPublicKeys?.trim() || e.logs.tsaCertChain?.trim()
          || (e.kind === 'keyless' && e.roots?.trim()) || (e.kind === 'certificate' && !e.certificate && e.certificateChain?.trim()));
  return [...plan.attestors, ...plan.attestations.flatMap((a) => a.attestors)].some((s) => s.entries.some(own));
}

interface FindingAcc {
  ok: boolean;
  satisfied?: string;
  reasons: string[];
}

/**
 * The decision, from the fetched material alone: synchronous and without network, so every verdict below is a
 * function of the plan, the material, the trusted root and the clock.
 */
function decide(request: VerifyRequest, plan: EntryPlan, label: string, trust: TrustRoot, imageRepository: string, material: Material, now: () => Date): VerifyOutcome {
  const { digest } = material;
  const wanted = { signatures: plan.attestors.length > 0, attestations: plan.attestations.length > 0 };
  const discoverIn = (repo: string): Discovered => material.byRepository.get(repo)!;
  const findings = new Map<string, FindingAcc>();
  const record = (source: string, entryPath: string, ok: boolean, reason: string) => {
    const f = findings.get(source) ?? { ok: false, reasons: [] };
    if (ok && !f.ok) {
      f.ok = true;
      f.satisfied = entryPath;
    }
    if (!ok) f.reasons.push(`${entryPath}: ${reason}`);
    findings.set(source, f);
  };
  const details: string[] = [`${request.image} → ${digest}`];

  // Signatures.
  const signatureVerdicts: SetVerdict[] = [];
  for (const set of plan.attestors) {
    signatureVerdicts.push(decideWith(set, (entry) => {
      const repo = entry.repository ?? imageRepository;
      const found = discoverIn(repo);
      const candidates: (LegacyObject | BundleObject)[] = [...found.signatures, ...found.bundles.filter((b) => b.predicateType === COSIGN_SIGN_PREDICATE)];
      if (candidates.length === 0) return { ok: false, reason: `no signatures found in ${repo} (no ${tagHint(digest, 'sig')} tag, no Sigstore bundle referrer)` };
      const options = optionsFor(entry, trust, now);
      if (!options.ok) return { ok: false, reason: options.reason };
      let firstFailure: string | undefined;
      let passedBy: string | undefined;
      for (const c of candidates) {
        const r = verifySignatureCandidate(c, entry, options.options, digest);
        record(c.source, entry.path, r.ok, r.reason);
        if (r.ok) passedBy ??= `${c.source}${r.notes.length ? ` (${r.notes.join('; ')})` : ''}`;
        else firstFailure ??= r.reason;
      }
      return passedBy ? { ok: true, reason: `verified: ${passedBy}` } : { ok: false, reason: firstFailure! };
    }));
  }

  // Attestations.
  const attestationVerdicts: { spec: AttestationSpec; sets: SetVerdict[]; conditionNotes: string[] }[] = [];
  for (const att of plan.attestations) {
    const conditionNotes: string[] = [];
    if (!att.type) {
      attestationVerdicts.push({ spec: att, sets: att.attestors.map((s) => failedSet(s, `${att.path}: missing type`)), conditionNotes });
      continue;
    }
    const type = att.type;
    const sets: SetVerdict[] = [];
    for (const set of att.attestors) {
      sets.push(decideWith(set, (entry) => {
        const repo = entry.repository ?? imageRepository;
        const found = discoverIn(repo);
        const candidates: (LegacyObject | BundleObject)[] = [
          ...found.attestations,
          ...found.bundles.filter((b) => b.predicateType !== COSIGN_SIGN_PREDICATE && b.content !== 'message-signature'),
        ];
        const ofType = candidates.filter((c) => c.predicateType === undefined || c.predicateType === type);
        for (const c of candidates) if (!ofType.includes(c)) record(c.source, entry.path, false, `predicate type ${c.predicateType}, not ${type}`);
        if (ofType.length === 0) return { ok: false, reason: `no attestation of type ${type} found in ${repo} (${candidates.length} other attestation(s))` };
        const options = optionsFor(entry, trust, now);
        if (!options.ok) return { ok: false, reason: options.reason };
        const statements: { source: string; statement: InTotoStatement; notes: string[] }[] = [];
        let firstFailure: string | undefined;
        for (const c of ofType) {
          const r = verifyAttestationCandidate(c, entry, options.options, digest, type);
          if (r.ok) statements.push({ source: c.source, statement: r.statement, notes: r.notes });
          else {
            record(c.source, entry.path, false, r.reason);
            firstFailure ??= r.reason;
          }
        }
        if (statements.length === 0) return { ok: false, reason: firstFailure ?? `no verified attestation of type ${type}` };
        // Kyverno: every verified statement of the type must satisfy the conditions.
        for (const s of statements) {
          const cond = evaluateConditions(att.conditions, s.statement as unknown as Record<string, unknown>);
          conditionNotes.push(...cond.notes.map((n) => `${s.source}: ${n}`));
          if (cond.ok === false) {
            record(s.source, entry.path, false, `conditions fail: ${cond.notes[cond.notes.length - 1]}`);
            return { ok: false, reason: `attestation conditions fail: ${cond.notes[cond.notes.length - 1]}` };
          }
          if (cond.ok === undefined) {
            record(s.source, entry.path, false, cond.notes.join('; '));
            return { ok: false, reason: cond.notes.join('; ') };
          }
          record(s.source, entry.path, true, '');
        }
        const via = statements.map((s) => `${s.source}${s.notes.length ? ` (${s.notes.join('; ')})` : ''}`).join(', ');
        return { ok: true, reason: `verified: ${via}${att.conditions.length ? ' (conditions hold)' : ''}` };
      }));
    }
    attestationVerdicts.push({ spec: att, sets, conditionNotes });
  }

  // Verdict and explanation.
  const allSets = [...signatureVerdicts, ...attestationVerdicts.flatMap((a) => a.sets)];
  const conditionUndecided = attestationVerdicts.some((a) => a.conditionNotes.some((n) => n.includes('condition not evaluated')));
  const verdict = decideEntry(allSets, conditionUndecided);
  const verified = verdict === 'verified';
  const unchecked = allSets.flatMap(uncheckedOf);

  for (const v of signatureVerdicts) details.push(...describeSet(v, 'signatures'));
  for (const a of attestationVerdicts) {
    details.push(`attestation ${a.spec.name ?? a.spec.path} (type ${a.spec.type ?? 'missing'})${a.spec.anySigner ? ': no attestors listed, so any keyless signer of the public Sigstore instance is accepted (any identity)' : ''}`);
    for (const v of a.sets) details.push(...describeSet(v, 'attestations').map((l) => `  ${l}`));
    details.push(...a.conditionNotes.map((n) => `  ${n}`));
  }
  for (const [repo, d] of material.byRepository) {
    const sigs = wanted.signatures ? `${d.signatures.length} signature layer(s)` : 'signatures not looked up (none required)';
    const atts = wanted.attestations ? `${d.attestations.length} attestation layer(s)` : 'attestations not looked up (none required)';
    details.push(`looked in ${repo}: ${sigs}, ${atts}, ${d.bundles.length} Sigstore bundle referrer(s) (referrers via ${d.referrersVia === 'api' ? 'the OCI referrers API' : d.referrersVia === 'tag-fallback' ? `the ${tagHint(digest, '')} fallback index` : 'neither the API nor a fallback index: none'})`);
    details.push(...d.notes);
  }
  details.push(...plan.notes);

  const passed = allSets.reduce((n, s) => n + Math.min(s.passed, s.required), 0);
  const required = allSets.reduce((n, s) => n + s.required, 0);
  let summary: string;
  if (verified) summary = `✓ verified by ${label} (${passed}/${required} attestors)`;
  else summary = `✗ ${shortReason(allSets)}`;

  return {
    image: request.image,
    digest,
    verdict,
    summary,
    details,
    findings: [...findings].map(([source, f]): SignatureFinding => ({
      source,
      ok: f.ok,
      ...(f.ok ? { satisfied: f.satisfied } : { reason: [...new Set(f.reasons)].join('; ') }),
    })),
    unchecked,
  };
}

/** Checks each leaf (synchronously, in Kyverno's order) and decides the set from the answers. */
function decideWith(set: AttestorSet, check: (leaf: LeafAttestor) => LeafResult): SetVerdict {
  return decideSet(set, new Map(leafAttestors(set).map((leaf) => [leaf, check(leaf)])));
}

function tagHint(digest: string, suffix: string): string {
  const base = `sha256-${digest.slice(7, 19)}…`;
  return suffix ? `${base}.${suffix}` : base;
}

function failedSet(set: AttestorSet, reason: string): SetVerdict {
  return { path: set.path, ok: false, passed: 0, required: set.count ?? set.entries.length, total: set.entries.length, unchecked: 0, undecided: false, entries: set.entries.map((e) => ({ path: e.path, status: 'failed', reason })) };
}

function uncheckedOf(v: SetVerdict): string[] {
  return v.entries.flatMap((e) => (e.nested ? uncheckedOf(e.nested) : e.status === 'unchecked' ? [`${e.path}: ${e.reason}`] : []));
}

function describeSet(v: SetVerdict, what: string): string[] {
  const head = `${v.path}: ${v.passed}/${v.required} ${what} attestor entr${v.required === 1 ? 'y' : 'ies'} passed${v.total !== v.required ? ` (count ${v.required} of ${v.total})` : ''} — ${v.ok ? 'pass' : v.undecided ? 'undecided (unchecked entries)' : 'FAIL'}`;
  const lines = [head];
  for (const e of v.entries) {
    lines.push(`  ${e.status === 'passed' ? '✓' : e.status === 'unchecked' ? '?' : '✗'} ${e.path}: ${e.status === 'unchecked' ? `not checked — ${e.reason}` : e.reason}`);
    if (e.nested) lines.push(...describeSet(e.nested, what).map((l) => `    ${l}`));
  }
  return lines;
}

/** The first failing set's first failing entry, shortened for a code lens. */
function shortReason(sets: SetVerdict[]): string {
  const failing = sets.find((s) => !s.ok);
  if (!failing) return 'not verified';
  const entry = failing.entries.find((e) => e.status === 'failed') ?? failing.entries.find((e) => e.status === 'unchecked');
  const prefix = failing.required > 1 || failing.total > 1 ? `${failing.passed}/${failing.required} attestors: ` : '';
  const why = entry ? (entry.status === 'unchecked' ? `not checked: ${entry.reason}` : entry.reason) : 'no attestor entries';
  const text = `${prefix}${why}`;
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

// ---- per-candidate verification ------------------------------------------------------------------------

function optionsFor(entry: LeafAttestor, base: TrustRoot, now: () => Date): { ok: true; options: VerificationOptions } | { ok: false; reason: string } {
  let signer: SignerPolicy;
  let roots: string | undefined;
  if (entry.kind === 'key') {
    signer = { kind: 'key', publicKey: entry.publicKeyPem, hashAlgorithm: entry.signatureAlgorithm };
  } else if (entry.kind === 'certificate') {
    if (entry.certificate) signer = { kind: 'certificate', certificate: entry.certificate, certificateChain: entry.certificateChain, hashAlgorithm: entry.signatureAlgorithm };
    else {
      // Only a chain: the signature's own certificate must chain to it, any identity.
      signer = { kind: 'keyless', identities: [], hashAlgorithm: entry.signatureAlgorithm };
      roots = entry.certificateChain;
    }
  } else {
    const constrained = entry.subject || entry.subjectRegExp || entry.issuer || entry.issuerRegExp || (entry.additionalExtensions && Object.keys(entry.additionalExtensions).length);
    const requirement =
      entry.matching === 'exact' ? exactIdentityRequirement(entry) : entry.matching === 'sigstore-bundle' ? sigstoreBundleRequirement(entry) : kyvernoKeylessRequirement(entry);
    signer = { kind: 'keyless', identities: constrained && requirement ? [requirement] : [], hashAlgorithm: entry.signatureAlgorithm };
    roots = entry.roots;
  }
  let trustRoot = base;
  const overrides = { certificateAuthorities: roots, rekorPublicKeys: entry.logs.rekorPublicKeys, ctlogPublicKeys: entry.logs.ctlogPublicKeys, tsaCertChain: entry.logs.tsaCertChain };
  if (Object.values(overrides).some((v) => v?.trim())) {
    const r = withPolicyTrust(base, overrides);
    if (!r.ok) return { ok: false, reason: r.reason };
    trustRoot = r.root;
  }
  return { ok: true, options: { signer, trustRoot, ignoreTlog: entry.logs.ignoreTlog, ignoreSCT: entry.logs.ignoreSCT, now: now() } };
}

function isLegacy(c: LegacyObject | BundleObject): c is LegacyObject {
  return 'layer' in c;
}

function verifySignatureCandidate(c: LegacyObject | BundleObject, entry: LeafAttestor, options: VerificationOptions, digest: string): { ok: boolean; reason: string; notes: string[] } {
  try {
    const r = isLegacy(c)
      ? verifyLegacySignature(c.layer, { digest, annotations: entry.annotations }, options)
      : verifyBundleAttestation(c.bundle, { digest, predicateType: COSIGN_SIGN_PREDICATE, annotations: entry.annotations }, options);
    return r.ok ? { ok: true, reason: r.checked.join('; '), notes: r.notes } : { ok: false, reason: r.reason, notes: [] };
  } catch (e) {
    return { ok: false, reason: `verification failed unexpectedly: ${(e as Error).message}`, notes: [] };
  }
}

/**
 * Attestor `annotations` are not checked here: cosign's in-toto claim check (IntotoSubjectClaimVerifier) ignores
 * them and Kyverno applies them to simple-signing payloads only (inferred from its cosign verifier).
 */
function verifyAttestationCandidate(
  c: LegacyObject | BundleObject, _entry: LeafAttestor, options: VerificationOptions, digest: string, type: string,
): { ok: true; statement: InTotoStatement; notes: string[] } | { ok: false; reason: string } {
  try {
    const claims = { digest, predicateType: type };
    const r = isLegacy(c) ? verifyLegacyAttestation(c.layer, claims, options) : verifyBundleAttestation(c.bundle, claims, options);
    if (!r.ok) return { ok: false, reason: r.reason };
    return { ok: true, statement: r.statement, notes: r.notes };
  } catch (e) {
    return { ok: false, reason: `verification failed unexpectedly: ${(e as Error).message}` };
  }
}
