// The `bant` CLI, spawned for real (docs/contract.md section 6).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/bant.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../examples/contact.json', import.meta.url));
const MODEL = fileURLToPath(new URL('../config/scoring-model.json', import.meta.url));

const { SCORING_MODEL: _ignored, ...env } = process.env;

function bant(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', BIN, ...args],
      { env },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

async function tempFile(name: string, content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bant-cli-'));
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('bant score', () => {
  it('when given the example contact, then it prints the contract fields and exits 0', async () => {
    const { code, stdout } = await bant('score', EXAMPLE, '--at', '2026-11-23T10:00:00Z');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({
      fit: { score: 100, grade: 'A' },
      engagement: { score: expect.any(Number), tier: 2 },
      priority: 'A2',
      bant: { budget: 'met', authority: 'partial', need: 'met', timeline: 'met', criteriaMet: 3 },
      qualification: 'sql',
      disqualifyReason: null,
      lifecycleStage: 'salesqualifiedlead',
    });
    expect(out.bant.evidence.budget[0].text).toBe('Budget approved');
    expect(out.reasons[0]).toBe('+40 fit: position "Geschäftsführerin" (A)');
    expect(out.properties).toMatchObject({ bant_priority: 'A2', bant_scored_at: '2026-11-23T10:00:00.000Z', bant_qualification: 'sql' });
    expect(out.tasks[0].body.split('\n').at(-1)).toBe('bant-task: call_sql');
  });

  it('when --model points at another model, then its version is written', async () => {
    const model = JSON.parse(await readFile(MODEL, 'utf8'));
    const path = await tempFile('trial-model.json', { ...model, $schema: undefined, version: 'trial-7' });
    const { code, stdout } = await bant('score', EXAMPLE, '--model', path, '--at', '2026-11-23T10:00:00Z');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).properties.bant_model_version).toBe('trial-7');
  });

  it('when an activity is malformed, then it exits 2 naming the field', async () => {
    const path = await tempFile('bad-profile.json', { properties: {}, activities: [{ type: 'page_view', at: '2026-11-20T10:00:00Z' }, { type: 'phone', at: 'soon' }] });
    const { code, stderr, stdout } = await bant('score', path);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/activities\[1\]\.type: /);
    expect(stderr).toMatch(/activities\[1\]\.at: /);
  });

  it('when the file is not JSON, or --at is not a time, then it exits 2 saying so', async () => {
    const path = await tempFile('garbage.json', '{ properties');
    expect(await bant('score', path)).toMatchObject({ code: 2, stderr: expect.stringMatching(/not valid JSON/) });
    expect(await bant('score', EXAMPLE, '--at', 'tomorrow')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--at/) });
  });

  it('when the command is unknown, then it prints the usage and exits 2', async () => {
    expect(await bant('frobnicate')).toMatchObject({ code: 2, stderr: expect.stringMatching(/usage:/) });
  });
});

describe('bant model validate', () => {
  it('when the default model is validated, then it exits 0', async () => {
    const { code, stdout } = await bant('model', 'validate');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^valid: .*scoring-model\.json \(version 2026\.2-default\)/);
  });

  it('when the model has errors, then it exits 2 listing each with its path', async () => {
    const path = await tempFile('bad-model.json', { version: '', fit: { rules: [{ dimension: 'size', grade: 'A', points: 'x', minEmployees: 1 }] } });
    const { code, stderr } = await bant('model', 'validate', path);
    expect(code).toBe(2);
    expect(stderr).toMatch(/bad-model\.json/);
    for (const path of ['version', 'fit.rules[0].points', 'fit.freeMail', 'engagement', 'bant', 'disqualification', 'tasks']) {
      expect(stderr).toContain(`  ${path}: `);
    }
  });
});
