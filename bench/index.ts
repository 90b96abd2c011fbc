// npm run bench: every benchmark in one run, ratios measured side by side.
import { targetCapacity } from './target-capacity.ts';

console.log('Reference target capacity against k6 (issue 3 bar: ≥ 2×)');
await targetCapacity();
