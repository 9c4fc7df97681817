// What the workspace holds beyond the file being edited: its policy documents (so a manifest can be checked
// against them) and the images of its manifests (so a policy's pattern can say what it matches). Pure and
// in memory: the adapter feeds it parsed files, rules and hovers read it synchronously.
import type { YamlDoc, YamlFile } from '../document/yamlFile';
import { positionAt } from '../document/yamlFile';
import { isPolicyKind } from '../document/classify';
import { imagesInFile } from '../manifest/images';
import { verifyImagesEntries } from '../policy/kyvernoPolicy';
import { kyvernoNormalize, wildcardMatch } from '../image/wildcard';

/** Where a copy of a file comes from: the editor's buffer wins over what is on disk. */
export type IndexOrigin = 'open' | 'disk';

/** One container image of a workspace manifest. */
export interface IndexedImage {
  uri: string;
  /** The image as written. */
  image: string;
  /** What Kyverno matches patterns against; undefined when Kyverno cannot parse the image. */
  normalized?: string;
  resourceKind: string;
  resourceName?: string;
  namespace?: string;
  /** Zero-based line of the image value. */
  line: number;
}

/** The read-only view rules and hovers get. */
export interface WorkspaceView {
  /** Bumped on every change to what the index holds. */
  readonly version: number;
  /** Bumped only when the policy documents change: the signal to revalidate manifests. */
  readonly policyVersion: number;
  /** Every policy document (Kyverno ClusterPolicy/Policy, ImageValidatingPolicy, ClusterImagePolicy). */
  policies(): readonly YamlDoc[];
  /** The file a policy document of `policies()` comes from. */
  uriOf(policy: YamlDoc): string | undefined;
  /** True when some Kyverno policy has a verifyImages entry: only then is "not covered" worth saying. */
  hasVerificationPolicy(): boolean;
  images(): readonly IndexedImage[];
  /** Workspace images whose Kyverno-normalised form matches a go-wildcard pattern. */
  imagesMatching(pattern: string): IndexedImage[];
  /**
   * The last live signature verification of `image` as written in `uri`, when the host ran one (the LSP
   * server records them; see commands/verifyResults.ts). Never computed on demand: no network here.
   */
  verificationOf?(uri: string, image: string): RecordedVerification | undefined;
  /** The last "verify every matching image" run of one verifyImages entry, when the host ran one. */
  entryVerificationOf?(entry: VerifyEntryRef): RecordedEntryVerification | undefined;
}

/** One verifyImages entry of a Kyverno policy document: `spec.rules[ruleIndex].verifyImages[entryIndex]`. */
export interface VerifyEntryRef {
  uri: string;
  /** Index of the policy document in its file (`---` separated). */
  docIndex: number;
  ruleIndex: number;
  entryIndex: number;
}

export type VerificationVerdict = 'verified' | 'failed' | 'unsupported' | 'error';

/** What one verifyImages entry said about one image. */
export interface RecordedRuleVerification {
  policyName?: string;
  ruleName?: string;
  /** The entry's failure action: only Enforce failures block admission. */
  action: 'Enforce' | 'Audit';
  verdict: VerificationVerdict;
  summary: string;
}

export interface RecordedVerification {
  /** The combined verdict over every rule checked (failed if any failed). */
  verdict: VerificationVerdict;
  /** One line for a code lens ("✓ …" / "✗ …"). */
  summary: string;
  rules: RecordedRuleVerification[];
}

export interface RecordedEntryVerification {
  images: number;
  verified: number;
  failed: number;
  /** Errors and unsupported attestors: neither passed nor failed. */
  other: number;
}

interface Entry {
  policies: YamlDoc[];
  /** For open files computed on first use: an open manifest changes on every keystroke, its images are rarely asked for. */
  images(): IndexedImage[];
  /** Whether the file has workload documents (so a disk copy is worth keeping). */
  hasWorkloads: boolean;
  /** The policy documents' text: equal signatures mean the policies did not change. */
  signature: string;
}

interface Slots {
  open?: Entry;
  disk?: Entry;
}

const effective = (s: Slots | undefined): Entry | undefined => s?.open ?? s?.disk;

export class PolicyIndex implements WorkspaceView {
  private readonly files = new Map<string, Slots>();
  private versionCount = 0;
  private policyVersionCount = 0;
  private policyCache?: { policyVersion: number; policies: YamlDoc[]; uris: Map<YamlDoc, string>; verification: boolean };
  private imageCache?: { version: number; images: IndexedImage[] };

  get version(): number {
    return this.versionCount;
  }

  get policyVersion(): number {
    return this.policyVersionCount;
  }

  /** Files with a copy in the index (open or on disk). */
  get size(): number {
    return this.files.size;
  }

  has(uri: string, origin?: IndexOrigin): boolean {
    const slots = this.files.get(uri);
    return origin ? slots?.[origin] !== undefined : slots !== undefined;
  }

  /**
   * Records the parsed content of a file. Files with neither policies nor workload images are dropped.
   * Returns true when the workspace's policies changed (the caller then revalidates manifests).
   */
  update(uri: string, file: YamlFile, origin: IndexOrigin = 'disk'): boolean {
    const entry = entryOf(uri, file, origin);
    const slots = this.files.get(uri) ?? {};
    const before = effective(slots);
    if (entry.policies.length === 0 && !entry.hasWorkloads && origin === 'disk') delete slots.disk;
    else slots[origin] = entry;
    return this.commit(uri, slots, before);
  }

  /** Forgets one copy of a file (`open` when its editor closes, `disk` when it is deleted). */
  remove(uri: string, origin: IndexOrigin = 'disk'): boolean {
    const slots = this.files.get(uri);
    if (!slots || slots[origin] === undefined) return false;
    const before = effective(slots);
    delete slots[origin];
    return this.commit(uri, slots, before);
  }

  policies(): readonly YamlDoc[] {
    return this.policySnapshot().policies;
  }

  uriOf(policy: YamlDoc): string | undefined {
    return this.policySnapshot().uris.get(policy);
  }

  hasVerificationPolicy(): boolean {
    return this.policySnapshot().verification;
  }

  images(): readonly IndexedImage[] {
    if (this.imageCache?.version !== this.versionCount) {
      this.imageCache = { version: this.versionCount, images: this.sortedEntries().flatMap((e) => e.images()) };
    }
    return this.imageCache.images;
  }

  imagesMatching(pattern: string): IndexedImage[] {
    return this.images().filter((i) => i.normalized !== undefined && wildcardMatch(pattern, i.normalized));
  }

  private commit(uri: string, slots: Slots, before: Entry | undefined): boolean {
    if (slots.open === undefined && slots.disk === undefined) this.files.delete(uri);
    else this.files.set(uri, slots);
    const after = effective(slots);
    if (before === after) return false;
    this.versionCount++;
    const changed = (before?.signature ?? '') !== (after?.signature ?? '');
    if (changed) this.policyVersionCount++;
    return changed;
  }

  // Keyed by policyVersion, not version: manifest edits leave the policy text, and so this list, unchanged.
  private policySnapshot() {
    if (this.policyCache?.policyVersion === this.policyVersionCount) return this.policyCache;
    const policies: YamlDoc[] = [];
    const uris = new Map<YamlDoc, string>();
    this.sortedEntries().forEach((entry) => {
      for (const p of entry.policies) {
        policies.push(p);
        uris.set(p, entry.uri);
      }
    });
    const verification = policies.some((p) => p.kind === 'kyverno-policy' && verifyImagesEntries(p).length > 0);
    this.policyCache = { policyVersion: this.policyVersionCount, policies, uris, verification };
    return this.policyCache;
  }

  /** Effective entries sorted by uri, so listings do not depend on the order files arrived in. */
  private sortedEntries(): (Entry & { uri: string })[] {
    return [...this.files.keys()].sort().map((uri) => ({ ...effective(this.files.get(uri))!, uri }));
  }
}

function entryOf(uri: string, file: YamlFile, origin: IndexOrigin): Entry {
  const policies = file.docs.filter((d) => isPolicyKind(d.kind));
  // A disk copy computes its images now so the parsed file can be dropped; an open one is kept by the editor anyway.
  let images: IndexedImage[] | undefined = origin === 'disk' ? imagesOf(uri, file) : undefined;
  const signature = policies.map((d) => file.text.slice(d.start, d.end)).join('\u0000');
  return {
    policies,
    hasWorkloads: file.docs.some((d) => d.kind === 'manifest'),
    images: () => (images ??= imagesOf(uri, file)),
    signature,
  };
}

function imagesOf(uri: string, file: YamlFile): IndexedImage[] {
  return imagesInFile(file)
    .filter((o) => !o.templated)
    .map((o) => ({
      uri,
      image: o.image,
      normalized: kyvernoNormalize(o.image),
      resourceKind: o.resourceKind,
      resourceName: o.resourceName,
      namespace: o.namespace,
      line: positionAt(file, o.node.range?.[0] ?? 0).line,
    }));
}
