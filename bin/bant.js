#!/usr/bin/env -S node --experimental-strip-types --disable-warning=ExperimentalWarning --min-semi-space-size=16
// --min-semi-space-size: `bant score FILE.jsonl` makes short-lived objects for every line (the parsed profile, its
// result, the printed text); a young generation that starts at 16 MB instead of growing from 1 MB saves most of the
// early scavenges, about 7 % of the CPU of a 100,000-line file (bench/README.md, issue 13).
import { main } from '../src/cli.ts';

await main();
