// `npm run build`: compiles src/ to dist/ (tsconfig.build.json rewrites the `.ts` import suffixes to `.js`) and copies
// the files the app serves or reads next to its modules. dist/ mirrors src/, so paths relative to a module
// (`../app.json`, `../config/…`, `../card/`) resolve the same from either. tsc's root is the repo because src/ imports
// the card's types (type-only, nothing at run time); its src/ output becomes dist/.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;
const ASSETS = ['http/admin/public'];

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = spawnSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
renameSync(`${dist}/.tsc/src`, `${dist}/src`);
rmSync(`${dist}/.tsc`, { recursive: true });
for (const entry of readdirSync(`${dist}/src`)) renameSync(`${dist}/src/${entry}`, `${dist}/${entry}`);
rmSync(`${dist}/src`, { recursive: true });
for (const asset of ASSETS) cpSync(`${root}src/${asset}`, `${dist}/${asset}`, { recursive: true });
process.stdout.write(`build: dist/ ready (${ASSETS.length} asset folder${ASSETS.length === 1 ? '' : 's'} copied)\n`);
