// `bant score FILE.jsonl`, `bant model calibrate` and `bant model evaluate`, spawned for real (docs/contract.md section 6).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatOutcomeLine, generateOutcomes } from '../standin/generate-outcomes.ts';

const BIN = fileURLToPath(new URL('../bin/bant.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../examples/contact.json', import.meta.url));
const { SCORING_MODEL: _ignored, ...env } = process.env;

function bant(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', BIN, ...args],
      { env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

let dir: string;
async function file(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

const outcomes = generateOutcomes({ seed: 11, count: 1500 });
const outcomeLines = outcomes.map(formatOutcomeLine);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bant-outcomes-'));
});

describe('bant score FILE.jsonl', () => {
  it('when given profiles one a line, then it prints one result a line in input order, each like the single-file form with leadScore', async () => {
    const example = JSON.parse(await readFile(EXAMPLE, 'utf8'));
    const nobody = { properties: { email: 'x@gmail.com' }, activities: [] };
    const path = await file('profiles.jsonl', `${JSON.stringify(example)}\n\n${JSON.stringify(nobody)}\n${JSON.stringify(example)}\n`);
    const { code, stdout } = await bant('score', path, '--at', '2026-11-23T10:00:00Z');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ priority: 'A2', qualification: 'sql', leadScore: expect.any(Number) });
    expect(lines[1].fit.grade).toBe('D');
    expect(lines[2]).toEqual(lines[0]);
    const single = JSON.parse((await bant('score', EXAMPLE, '--at', '2026-11-23T10:00:00Z')).stdout);
    expect(lines[0]).toEqual(single);
    expect(single.properties.bant_lead_score).toBe(String(single.leadScore));
  });

  it('when a line is invalid, then it exits 2 naming the line number and the field', async () => {
    const ok = JSON.stringify({ properties: {}, activities: [] });
    const bad = JSON.stringify({ properties: {}, activities: [{ type: 'page_view', at: 'yesterday' }] });
    const path = await file('bad-profiles.jsonl', `${ok}\n${ok}\n${bad}\n${ok}\n`);
    const { code, stderr } = await bant('score', path);
    expect(code).toBe(2);
    expect(stderr).toMatch(/line 3/);
    expect(stderr).toMatch(/activities\[0\]\.at: /);
    const garbage = await file('garbage.jsonl', `${ok}\n{ nope\n`);
    expect(await bant('score', garbage)).toMatchObject({ code: 2, stderr: expect.stringMatching(/line 2: not valid JSON/) });
  });
});

describe('bant model calibrate', () => {
  it('when given enough outcomes, then it writes a model that validates and prints the summary with held-out AUC before and after', async () => {
    const path = await file('outcomes.jsonl', `${outcomeLines.join('\n')}\n`);
    const out = join(dir, 'calibrated.json');
    const { code, stdout, stderr } = await bant('model', 'calibrate', path, '--out', out);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    const won = outcomes.filter((e) => e.outcome === 'won').length;
    expect(summary).toMatchObject({ out, outcomes: { n: 1500, won, lost: 1500 - won }, test: { n: 300 }, auc: { before: expect.any(Number), after: expect.any(Number) } });
    // Small data may not beat the default model; then the summary says so instead of proposing it silently.
    expect(summary.improved).toBe(summary.auc.after > summary.auc.before);
    if (!summary.improved) expect(summary.warnings.join(' ')).toMatch(/does not rank the held-out outcomes better/);
    const model = JSON.parse(await readFile(out, 'utf8'));
    expect(model.version).toBe(summary.version);
    expect(model.leadScore.method).toBe('logistic');
    expect(await bant('model', 'validate', out)).toMatchObject({ code: 0 });

    // The calibrated model is evaluated like any other.
    const evaluated = await bant('model', 'evaluate', path, '--model', out);
    expect(evaluated.code).toBe(0);
    const report = JSON.parse(evaluated.stdout);
    expect(report).toMatchObject({ n: 1500, won, auc: expect.any(Number), lift: { top10: expect.any(Number), top20: expect.any(Number) } });
    expect(Object.keys(report.priority).length).toBeGreaterThan(1);
    expect(Object.keys(report.qualification).length).toBeGreaterThan(1);
  });

  it('when a line is invalid, then it exits 2 naming the line number and field, and writes nothing', async () => {
    const broken = [...outcomeLines.slice(0, 5), JSON.stringify({ ...JSON.parse(outcomeLines[5]!), outcome: 'maybe' }), ...outcomeLines.slice(6, 20)];
    const path = await file('bad-outcomes.jsonl', `${broken.join('\n')}\n`);
    const out = join(dir, 'never.json');
    const { code, stderr } = await bant('model', 'calibrate', path, '--out', out);
    expect(code).toBe(2);
    expect(stderr).toMatch(/line 6/);
    expect(stderr).toMatch(/outcome: /);
    await expect(readFile(out)).rejects.toThrow();
    const noTime = await file('no-at.jsonl', `${JSON.stringify({ properties: {}, activities: [], outcome: 'won' })}\n`);
    expect(await bant('model', 'evaluate', noTime)).toMatchObject({ code: 2, stderr: expect.stringMatching(/line 1[\s\S]*at: /) });
  });

  it('when every outcome is won (or lost), then it exits 2 with a clear message', async () => {
    const allWon = outcomeLines.slice(0, 200).map((l) => JSON.stringify({ ...JSON.parse(l), outcome: 'won' }));
    const path = await file('all-won.jsonl', `${allWon.join('\n')}\n`);
    const calibrated = await bant('model', 'calibrate', path, '--out', join(dir, 'x.json'));
    expect(calibrated).toMatchObject({ code: 2, stderr: expect.stringMatching(/all 200 outcomes are won/) });
    expect(await bant('model', 'evaluate', path)).toMatchObject({ code: 2, stderr: expect.stringMatching(/all 200 outcomes are won/) });
  });

  it('when there are too few outcomes of one kind, then it exits 2 saying how many are missing', async () => {
    const few = outcomeLines.slice(0, 120);
    const path = await file('few.jsonl', `${few.join('\n')}\n`);
    const { code, stderr } = await bant('model', 'calibrate', path, '--out', join(dir, 'y.json'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/at least 50 of each/);
  });

  it('when --out is missing, then it prints the usage and exits 2', async () => {
    expect(await bant('model', 'calibrate', 'x.jsonl')).toMatchObject({ code: 2, stderr: expect.stringMatching(/usage: bant model calibrate/) });
  });
});
