// The UI journeys, in the order they run. Each exports { name, summary, pending?, run({ wb, note, assert, facts }) };
// `pending` is a reason string or a function of the run's facts (lib/supplyChain.mjs).
import problems from './problems.journey.mjs';
import nonPolicy from './nonPolicy.journey.mjs';
import hover from './hover.journey.mjs';
import completion from './completion.journey.mjs';
import quickFix from './quickFix.journey.mjs';
import deprecationFix from './deprecationFix.journey.mjs';
import manifestHover from './manifestHover.journey.mjs';
import verifyLens from './verifyLens.journey.mjs';
import pinDigest from './pinDigest.journey.mjs';
import verifyPalette from './verifyPalette.journey.mjs';
import imageList from './imageList.journey.mjs';

export const journeys = [problems, nonPolicy, hover, completion, quickFix, deprecationFix, manifestHover, verifyLens, pinDigest, verifyPalette, imageList];
