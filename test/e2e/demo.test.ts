// The README's first command, as a new user runs it: the demo as a child process for a few seconds. It must install,
// score every contact, create tasks from the simulated activity, and stop cleanly with a final summary.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { freePort, REPO_ROOT } from './harness.ts';

async function runDemo(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', 'demo/run-demo.ts', ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { code, out };
}

describe('npm run demo', () => {
  it('when the demo runs for 8 seconds, then every contact is scored, tasks were created and it stops with a final summary', async () => {
    const port = await freePort();
    const { code, out } = await runDemo(['--seconds', '8', '--contacts', '120', '--interval', '1000', '--port', String(port)]);
    expect(code, out).toBe(0);
    expect(out).toContain(`http://127.0.0.1:${port}/admin`);
    expect(out).toContain(`http://127.0.0.1:${port}/metrics`);
    const final = out.slice(out.indexOf('Final summary'));
    expect(final, out).toMatch(/Contacts scored: +120 of 120/);
    expect(final).toMatch(/DISQUALIFIED \d+ .* NURTURE \d+ .* MQL \d+ .* SQL [1-9]\d* /);
    const tasks = Number(/Tasks created: +(\d+)/.exec(final)?.[1]);
    expect(tasks, out).toBeGreaterThan(0);
    expect(final).toMatch(/call_sql [1-9]/);
    expect(final).toMatch(/HubSpot API calls: \d+ \(busiest 10 s: \d+ of 110 allowed; 429s: 0\)/);
    expect(out).toMatch(/rescored .*→ SQL/);
    expect(out.trimEnd().endsWith('Stopped.')).toBe(true);
    // Human-friendly: no JSON log lines on the console.
    expect(out).not.toMatch(/^\{"time"/m);
  }, 40_000);

  it('when the demo runs with --reinstall, then the settings come back and no rep sees a duplicate task, a lead task past the lead stages or more than the budget', async () => {
    const port = await freePort();
    // The reinstall waits for the queue to empty twice (account rescores settle for a while): give it time.
    const { code, out } = await runDemo(['--seconds', '80', '--contacts', '150', '--interval', '2000', '--port', String(port), '--reinstall']);
    expect(code, out).toBe(0);
    const step = out.slice(out.indexOf('Disconnect and reinstall'));
    expect(step, out).toContain('Reinstalled: settings and model history restored (call SLA 6 h');
    const trust = /Task trust: (\d+) contacts with a duplicate open task · (\d+) lead tasks past the lead stages · at most (\d+) open app tasks per rep \(daily budget (\d+)\)/.exec(step);
    expect(trust, out).not.toBeNull();
    const [, duplicates, pastLeadStages, perRep, budget] = trust!.map(Number);
    expect(duplicates).toBe(0);
    expect(pastLeadStages).toBe(0);
    expect(perRep).toBeLessThanOrEqual(budget!);
    const before = Number(/(\d+) open app tasks left open/.exec(step)?.[1]);
    expect(before, out).toBeGreaterThan(0);
    expect(out.trimEnd().endsWith('Stopped.')).toBe(true);
  }, 120_000);

  it('when an option is invalid, then the demo names it and exits 2', async () => {
    const { code, out } = await runDemo(['--contacts', 'many']);
    expect(code).toBe(2);
    expect(out).toContain('--contacts');
  });
});
