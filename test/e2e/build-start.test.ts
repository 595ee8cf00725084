// `npm run build` then what `npm start` runs: the compiled dist/main.js, started with the same node flags, answers
// /healthz. Settings come from a `.env` in the working directory, and the environment wins over it.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_NODE_FLAGS } from '../../src/node-flags.ts';
import { freePort, REPO_ROOT, tempDir } from './harness.ts';

const started: ChildProcess[] = [];

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<Response> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dist/main.js exited with ${child.exitCode}:\n${output()}`);
    try {
      return await fetch(url);
    } catch {
      if (Date.now() > deadline) throw new Error(`no answer from ${url}:\n${output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function jsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.js')).map((e) => join(e.parentPath, e.name));
}

describe('production build', () => {
  beforeAll(() => {
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
  }, 180_000);

  afterAll(() => {
    for (const child of started) child.kill('SIGKILL');
  });

  it('when the sources are built, then dist/ holds JavaScript whose relative imports name .js files', async () => {
    const files = await jsFiles(join(REPO_ROOT, 'dist'));
    expect(files).toContain(join(REPO_ROOT, 'dist', 'main.js'));
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      expect(text, file).not.toMatch(/from\s+["']\.{1,2}\/[^"']*\.ts["']/);
    }
  });

  it('when dist/main.js starts with a .env in its working directory, then it answers /healthz on the port from the environment', async () => {
    const dir = await tempDir('build-start-');
    const [port, envFilePort] = [await freePort(), await freePort()];
    await writeFile(
      join(dir, '.env'),
      [`PORT=${envFilePort}`, 'HUBSPOT_CLIENT_ID=dotenv-client', 'HUBSPOT_CLIENT_SECRET=dotenv-client-secret-0123', 'HUBSPOT_APP_ID=4242', 'LOG_LEVEL=info', ''].join('\n'),
    );
    let output = '';
    const child = spawn(process.execPath, [...APP_NODE_FLAGS, '--env-file-if-exists=.env', join(REPO_ROOT, 'dist', 'main.js')], {
      cwd: dir,
      env: { PATH: process.env.PATH, PORT: String(port), DATA_DIR: join(dir, 'data'), SCORING_MODEL: join(REPO_ROOT, 'config', 'scoring-model.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const response = await waitForHealth(`http://127.0.0.1:${port}/healthz`, child, () => output);
    expect(response.status).toBe(200);
    const startLine = output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'app started');
    expect(startLine).toMatchObject({ level: 'info', port });
    expect(output).not.toContain('ExperimentalWarning');
    expect(output).not.toContain('dotenv-client-secret-0123');
  }, 60_000);
});
