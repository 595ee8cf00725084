// Writes N generated profiles (`standin/generate-outcomes.ts`, the given seed) as JSON Lines to a file, in a process of
// its own so the process that is measured afterwards does not hold the generator's heap.
//   node --experimental-strip-types bench/lib/write-profiles.ts FILE [--seed N] [--count N]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateOutcomes } from '../../standin/generate-outcomes.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { seed: { type: 'string' }, count: { type: 'string' } } });
const file = positionals[0];
if (file === undefined) throw new Error('usage: write-profiles.ts FILE [--seed N] [--count N]');
const examples = generateOutcomes({ seed: Number(values.seed ?? 7), count: Number(values.count ?? 100_000) });
writeFileSync(file, `${examples.map((e) => JSON.stringify(e.profile)).join('\n')}\n`);
