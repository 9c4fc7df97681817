// The UI journeys, in the order they run. Each exports { name, summary, pending?, run({ wb, note, assert }) }.
import problems from './problems.journey.mjs';
import nonPolicy from './nonPolicy.journey.mjs';
import hover from './hover.journey.mjs';
import completion from './completion.journey.mjs';
import quickFix from './quickFix.journey.mjs';

export const journeys = [problems, nonPolicy, hover, completion, quickFix];
