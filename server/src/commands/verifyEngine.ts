// Where the verification engine comes from: `../verify/verifyImage` (the implementation of `verify/api.ts`),
// required on first use so the Sigstore code is not initialised at server start.
//
// TEST SEAM: `IMAGE_TRUST_FAKE_VERIFY=/abs/path/fake.js` makes the server load `verifyImage` from that
// JavaScript module instead. Only the protocol tests set it (to exercise progress, cancellation and limits
// with a stand-in engine); nothing in the extension does, and it is read once, at first use.
import type { VerifyImage } from '../verify/api';

export const FAKE_ENGINE_ENV = 'IMAGE_TRUST_FAKE_VERIFY';

let loaded: { engine?: VerifyImage; reason?: string } | undefined;

export function loadVerifyEngine(): { engine?: VerifyImage; reason?: string } {
  if (loaded) return loaded;
  const fake = process.env[FAKE_ENGINE_ENV];
  if (fake) {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const mod = require(fake) as { verifyImage?: VerifyImage };
    loaded = mod.verifyImage ? { engine: mod.verifyImage } : { reason: `${FAKE_ENGINE_ENV} module ${fake} exports no verifyImage` };
    return loaded;
  }
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  loaded = { engine: (require('../verify/verifyImage') as { verifyImage: VerifyImage }).verifyImage };
  return loaded;
}
