import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { APP_NODE_FLAGS } from '../src/node-flags.ts';

describe('node flags of the app process', () => {
  it('when the app is started with npm start or npm run demo, then node gets every flag the tests and benchmarks use', async () => {
    const scripts = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')).scripts as Record<string, string>;
    for (const name of ['start', 'demo']) {
      const nodeArgs = scripts[name]!.split(/\s+/).slice(scripts[name]!.split(/\s+/).indexOf('node') + 1);
      for (const flag of APP_NODE_FLAGS) expect(nodeArgs, `${name}: ${scripts[name]}`).toContain(flag);
    }
  });

  it('when node is given the flags, then it accepts them', async () => {
    const { spawnSync } = await import('node:child_process');
    const run = spawnSync(process.execPath, [...APP_NODE_FLAGS, '-e', 'process.stdout.write(String(require("node:v8").getHeapSpaceStatistics().length))'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
