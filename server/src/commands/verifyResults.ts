// The outcomes of live verifications the user ran, kept in memory so lenses can show them and the
// `image-signature-failed` rule can report them — both read them through the WorkspaceView, synchronously,
// without ever verifying on the typing path.
import { combineVerdicts } from '../verify/run';
import type {
  RecordedEntryVerification, RecordedRuleVerification, RecordedVerification, VerifyEntryRef, WorkspaceView,
} from '../service/workspace/policyIndex';

/** The key of one rule's verdict for an image: the verifyImages entry it came from. */
export function entryKey(ref: VerifyEntryRef): string {
  return `${ref.uri}#${ref.docIndex}/${ref.ruleIndex}/${ref.entryIndex}`;
}

export class VerificationResults {
  /** uri → image as written → entry key → that entry's verdict. */
  private readonly images = new Map<string, Map<string, Map<string, RecordedRuleVerification>>>();
  private readonly entries = new Map<string, RecordedEntryVerification>();
  /** Bumped on every change, so callers can tell whether lenses/diagnostics need a refresh. */
  version = 0;

  /** Replaces everything known about `image` in `uri` (a fresh "Verify signature" run). */
  setImage(uri: string, image: string, rules: Map<string, RecordedRuleVerification>): void {
    const perUri = this.images.get(uri) ?? new Map();
    perUri.set(image, new Map(rules));
    this.images.set(uri, perUri);
    this.version++;
  }

  /** Adds or replaces one entry's verdict for `image` in `uri` (a "Verify N matching images" run). */
  setRule(uri: string, image: string, key: string, result: RecordedRuleVerification): void {
    const perUri = this.images.get(uri) ?? new Map();
    const perImage = perUri.get(image) ?? new Map();
    perImage.set(key, result);
    perUri.set(image, perImage);
    this.images.set(uri, perUri);
    this.version++;
  }

  setEntry(ref: VerifyEntryRef, summary: RecordedEntryVerification): void {
    this.entries.set(entryKey(ref), summary);
    this.version++;
  }

  get(uri: string, image: string): RecordedVerification | undefined {
    const rules = this.images.get(uri)?.get(image);
    if (!rules || rules.size === 0) return undefined;
    return combine([...rules.values()]);
  }

  getEntry(ref: VerifyEntryRef): RecordedEntryVerification | undefined {
    return this.entries.get(entryKey(ref));
  }

  /** Drops results for images no longer written in `uri`; true when something was dropped. */
  prune(uri: string, imagesNow: ReadonlySet<string>): boolean {
    const perUri = this.images.get(uri);
    if (!perUri) return false;
    let dropped = false;
    for (const image of [...perUri.keys()]) {
      if (!imagesNow.has(image)) {
        perUri.delete(image);
        dropped = true;
      }
    }
    if (perUri.size === 0) this.images.delete(uri);
    if (dropped) this.version++;
    return dropped;
  }

  /** Uris that have results (to revalidate after a change). */
  uris(): string[] {
    return [...this.images.keys()];
  }
}

/** Kyverno admits an image only if every rule covering it passes: the worst verdict wins (verify/run.ts ranks them). */
export function combine(rules: RecordedRuleVerification[]): RecordedVerification {
  const verdict = combineVerdicts(rules.map((r) => r.verdict));
  if (rules.length === 1) return { verdict, summary: rules[0].summary, rules };
  const worst = rules.find((r) => r.verdict === verdict)!;
  const summary = verdict === 'verified'
    ? `✓ verified by all ${rules.length} rules`
    : `${worst.summary} (rule ${worst.ruleName ?? '(unnamed)'}; ${rules.filter((r) => r.verdict === 'verified').length}/${rules.length} rules verified)`;
  return { verdict, summary, rules };
}

/**
 * The workspace view the language service gets: the policy index, plus the recorded results. A
 * delegating object rather than a subclass, so the index keeps knowing nothing about verification.
 */
export function withVerificationResults(view: WorkspaceView, results: VerificationResults): WorkspaceView {
  return {
    get version() {
      return view.version;
    },
    get policyVersion() {
      return view.policyVersion;
    },
    policies: () => view.policies(),
    uriOf: (policy) => view.uriOf(policy),
    hasVerificationPolicy: () => view.hasVerificationPolicy(),
    images: () => view.images(),
    imagesMatching: (pattern) => view.imagesMatching(pattern),
    verificationOf: (uri, image) => results.get(uri, image),
    entryVerificationOf: (ref) => results.getEntry(ref),
  };
}
