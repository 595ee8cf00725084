import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { APP_NODE_FLAGS } from '../src/node-flags.ts';

async function scripts(): Promise<Record<string, string>> {
  return JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')).scripts as Record<string, string>;
}

function nodeArgsOf(script: string): string[] {
  const words = script.split(/\s+/);
  return words.slice(words.indexOf('node') + 1);
}

describe('node flags of the app process', () => {
  it('when the app is started with npm start, start:source or npm run demo, then node gets every flag the tests and benchmarks use', async () => {
    const all = await scripts();
    for (const name of ['start', 'start:source', 'demo']) {
      for (const flag of APP_NODE_FLAGS) expect(nodeArgsOf(all[name]!), `${name}: ${all[name]}`).toContain(flag);
    }
  });

  it('when npm start runs, then it builds first and runs the compiled dist/main.js without type stripping, reading .env if present', async () => {
    const all = await scripts();
    expect(all.prestart).toBe('npm run build');
    const args = nodeArgsOf(all.start!);
    expect(args.at(-1)).toBe('dist/main.js');
    expect(args).not.toContain('--experimental-strip-types');
    expect(args).toContain('--env-file-if-exists=.env');
    expect(nodeArgsOf(all['start:source']!)).toContain('--env-file-if-exists=.env');
  });

  it('when node is given the flags, then it accepts them', async () => {
    const { spawnSync } = await import('node:child_process');
    const run = spawnSync(process.execPath, [...APP_NODE_FLAGS, '-e', 'process.stdout.write(String(require("node:v8").getHeapSpaceStatistics().length))'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
