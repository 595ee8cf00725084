#!/usr/bin/env -S node --experimental-strip-types --disable-warning=ExperimentalWarning
import { main } from '../src/cli.ts';

await main();
