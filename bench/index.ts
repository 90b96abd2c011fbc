// npm run bench: every benchmark in one run, ratios measured side by side.
import { reportRendering } from './reports.ts';
import { orchestration } from './orchestration.ts';
import { targetCapacity } from './target-capacity.ts';
import { targetStart } from './target-start.ts';

console.log('Reference target capacity against k6 (issue 3 bar: ≥ 2×)');
await targetCapacity();
console.log('\nReference target start (issue 3 bar: under a second)');
await targetStart();
console.log('\nOrchestration overhead (issue 5 bars: ≥ 0.97 of bare k6; sampler ≤ 1% of a core)');
await orchestration();
console.log('\nReport rendering (issue 6 bar: seconds for 24 hours, memory flat with the run length)');
await reportRendering();
