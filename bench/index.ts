// npm run bench: every benchmark in one run, ratios measured side by side, and BENCHMARKS.md
// written from what this run printed, with the machine and versions it ran on.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { provisionK6 } from '../scripts/k6/provision.ts';
import { libraryOverhead } from './library.ts';
import { distributed } from './distributed.ts';
import { memory } from './memory.ts';
import { orchestration } from './orchestration.ts';
import { peers } from './peers.ts';
import { reportRendering } from './reports.ts';
import { shortRun } from './short-run.ts';
import { streaming } from './streaming.ts';
import { targetCapacity } from './target-capacity.ts';
import { targetStart } from './target-start.ts';

const ROOT = join(import.meta.dirname, '..');

const SECTIONS: [string, (log: (line: string) => void) => Promise<unknown>][] = [
  ['Library overhead (bars: ≥ 0.95 of hand-written k6, ≥ 0.90 of bare)', libraryOverhead],
  [
    "Orchestration overhead (bars: ≥ 0.97 of k6 with the same recorder; orchestrator ≤ 1% of k6's CPU; sampler ≤ 1% of a core)",
    orchestration,
  ],
  ["A short run's fixed cost: k6kit's smoke against bare k6's, same bundle and profile", shortRun],
  [
    'Memory: per VU, per bundle, large uploads (bars: ≤ 1.2× k6/http with the same metric per VU; uploads ≤ 0.5 of open())',
    memory,
  ],
  ['Streaming through k6/websockets (seed 003: > 10K msg/s good, > 50K excellent)', streaming],
  [
    'Reference target capacity against k6 (bar: k6 on the target ≥ 0.97 of k6 on a bare server)',
    targetCapacity,
  ],
  ['Peers: Artillery and autocannon against k6kit, same target and machine', peers],
  [
    "Distributed runs: 3 k6 instances against 1, same target and machine (bar: orchestrator ≤ 10% of the instances' CPU)",
    distributed,
  ],
  ['Reference target start (issue 3 bar: under a second)', targetStart],
  ['Report rendering (issue 6 bar: seconds for 24 hours, memory flat with the run length)', reportRendering],
];

const started = performance.now();
const k6 = await provisionK6({ root: ROOT });
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const kernel = readFileSync('/proc/version', 'utf8').split(' ').slice(0, 3).join(' ');
const machine = [
  `- Date: ${new Date().toISOString().slice(0, 10)}`,
  `- Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GB RAM, ${kernel}`,
  `- Node ${process.version}, k6 v${k6.version}`,
  '- Load generator and target share the machine (loopback); figures are medians, ratios per repetition.',
];
const sections: string[] = [];
const bars: string[] = [];
for (const [title, bench] of SECTIONS) {
  console.log(`\n${title}`);
  const lines: string[] = [];
  await bench((line) => {
    console.log(line);
    lines.push(line);
    if (line.startsWith('bar '))
      bars.push(`- ${line.replace(/^bar (met|NOT met): /, (_, met) => (met === 'met' ? '✅ ' : '❌ '))}`);
  });
  sections.push(`## ${title}\n\n\`\`\`\n${lines.join('\n')}\n\`\`\``);
}
const minutes = ((performance.now() - started) / 60_000).toFixed(1);
await writeFile(
  join(ROOT, 'BENCHMARKS.md'),
  `# k6kit benchmarks\n\nWritten by \`npm run bench\` (${minutes} min); do not edit by hand.\n\n${machine.join('\n')}\n\n## Bars, as this run measured them\n\n${bars.join('\n')}\n\n${sections.join('\n\n')}\n`,
);
console.log(`\nnpm run bench: ${minutes} min; BENCHMARKS.md written`);
