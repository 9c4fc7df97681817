// The contract between live verification (signature discovery + Kyverno attestor semantics) and its callers
// (LSP code lenses and commands, the CLI). Callers depend only on this file.
import type { RegistryClient } from '../registry/client';
import type { TrustRoot } from './trustRoot';

/** How to verify: a policy's verifyImages entry, or an ad-hoc attestor from the command palette or the CLI. */
export type VerifySpec =
  | {
      kind: 'policy-entry';
      /** Text of the policy file and the entry's location, so results can name the rule. */
      policyUri: string;
      policyText: string;
      ruleIndex: number;
      entryIndex: number;
      /** Which YAML document of the file (its index among all documents); default: the first Kyverno policy. */
      docIndex?: number;
    }
  | { kind: 'key'; publicKeyPem: string; ignoreTlog?: boolean; annotations?: Record<string, string> }
  | { kind: 'keyless'; subject?: string; subjectRegExp?: string; issuer?: string; issuerRegExp?: string; ignoreTlog?: boolean; ignoreSCT?: boolean }
  | { kind: 'attestation'; type: string; publicKeyPem?: string; keyless?: { subject?: string; issuer?: string }; ignoreTlog?: boolean };

export interface VerifyRequest {
  image: string;
  spec: VerifySpec;
  /** A `trusted_root.json` text for keyless (private Sigstore); the embedded public-good root otherwise. */
  trustedRootJson?: string;
}

/** One signature or attestation found for the image, and what became of it. */
export interface SignatureFinding {
  /** Where it was found: `repo:sha256-….sig` layer n, a referrer digest, … */
  source: string;
  ok: boolean;
  /** Which attestor entry it satisfied (`attestors[0].entries[1]`), when ok. */
  satisfied?: string;
  /** Why it did not count, in words a user acts on ("signed by another key", "payload names sha256:…"). */
  reason?: string;
}

export interface VerifyOutcome {
  image: string;
  /** The digest verified: sha256 of the manifest bytes received. */
  digest?: string;
  verdict: 'verified' | 'failed' | 'unsupported' | 'error';
  /** One line for a code lens: "✓ verified by rule r (2/2 attestors)" or "✗ no signatures found in repo/…". */
  summary: string;
  /** Lines for the hover / output channel. */
  details: string[];
  findings: SignatureFinding[];
  /** Attestors that cannot be checked from the editor (k8s://, KMS, secrets): never counted as passed. */
  unchecked: string[];
}

export interface VerifyDeps {
  registry: RegistryClient;
  signal?: AbortSignal;
  now?: () => Date;
  /**
   * The trusted root when the request names none (a settings file, the TUF-refreshed public-good root; see
   * trustSource.ts); without it, the public-good root embedded in @sigstore/tuf. A failure is the outcome.
   */
  trustRoot?: () => Promise<TrustChoice>;
  /**
   * Ask the registry for the tag's digest and verify again, ignoring cached answers (an explicit "verify
   * again"). Without it, a tag resolved within the registry client's cache TTL and a verdict reached within
   * the engine's are reused.
   */
  fresh?: boolean;
}

/** A trusted root and one line for the outcome's details saying which it is, or why none can be used. */
export type TrustChoice = { ok: true; root: TrustRoot; description: string } | { ok: false; reason: string };

export type VerifyImage = (request: VerifyRequest, deps: VerifyDeps) => Promise<VerifyOutcome>;
