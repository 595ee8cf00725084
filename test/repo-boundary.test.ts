// The repo stands alone: no file refers to a path outside it (the reference documents it was built from, machine
// paths), and every citation of docs/contract.md or docs/hubspot-platform.md names a section those files have.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BINARY = /\.(png|jpe?g|gif|ico|webp|woff2?|ttf|pdf|zip|gz|tgz)$/i;

/** Tracked files and new files not ignored by .gitignore: what a commit would contain. */
function repoFiles(): string[] {
  const list = (args: string[]) => execFileSync('git', ['ls-files', '-z', ...args], { cwd: ROOT, encoding: 'utf8' }).split('\0');
  return [...new Set([...list([]), ...list(['--others', '--exclude-standard'])])].filter((f) => f && !BINARY.test(f) && existsSync(`${ROOT}${f}`));
}

/** What points outside the repo. Written with escapes so this file does not match itself. */
const OUTSIDE: { what: string; pattern: RegExp }[] = [
  { what: 'a path into the shared reference folder', pattern: /\.\.\/shared\b/ },
  { what: 'the reference interface document (cite docs/contract.md)', pattern: /(?<![\w/-])CONTRACT\.md/ },
  { what: 'the reference HubSpot document (cite docs/hubspot-platform.md)', pattern: /(?<![\w/-])PLATFORM\.md/ },
  { what: 'an absolute machine path', pattern: /(?<![\w.~:-])\/(?:work|tmp|home|root)\/[\w.-]/ },
];

/** Lines allowed to match, as `file: text the line contains`. Keep it short; every entry says why. */
const ALLOWED: { file: string; contains: string; why: string }[] = [];

function violations(files: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const lines = readFileSync(`${ROOT}${file}`, 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const { what, pattern } of OUTSIDE) {
        if (!pattern.test(line)) continue;
        if (ALLOWED.some((a) => a.file === file && line.includes(a.contains))) continue;
        found.push(`${file}:${i + 1}: ${what}: ${line.trim().slice(0, 160)}`);
      }
    });
  }
  return found;
}

/** Section anchors of a docs/ file: `<a id="s8-16">` → "8.16". */
function sections(doc: string): Set<string> {
  const text = readFileSync(`${ROOT}docs/${doc}`, 'utf8');
  return new Set([...text.matchAll(/<a id="s([\w-]+)"><\/a>/g)].map((m) => m[1]!.replace(/-/g, '.')));
}

describe('repo boundary', () => {
  const files = repoFiles();

  it('when the repo is listed, then there are files to check (the check is not vacuous)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('docs/hubspot-platform.md');
  });

  it('when any file refers to a path outside the repo, then it is named here', () => {
    expect(violations(files)).toEqual([]);
  });

  it('when a file names the reference documents or a machine path, then the check catches it', () => {
    const samples = [
      ['see ..', '/shared', '/hubspot/notes'].join(''),
      ['(', 'PLATFORM', '.md §3.4)'].join(''),
      ['// ', 'CONTRACT', '.md section 3'].join(''),
      ['cache at ', '/home', '/someone/.cache'].join(''),
      ['written to ', '/tmp', '/bant-run'].join(''),
    ];
    for (const sample of samples) expect(OUTSIDE.some(({ pattern }) => pattern.test(sample)), sample).toBe(true);
    for (const fine of ['docs/contract.md section 3', 'docs/hubspot-platform.md §3.4', 'https://example.com/home/x', 'src/store/tmp-file.ts']) {
      expect(OUTSIDE.some(({ pattern }) => pattern.test(fine)), fine).toBe(false);
    }
  });

  it('when a file cites docs/hubspot-platform.md §N, then that section exists there', () => {
    const known = sections('hubspot-platform.md');
    const missing: string[] = [];
    for (const file of files) {
      const text = readFileSync(`${ROOT}${file}`, 'utf8');
      // "docs/hubspot-platform.md §4.3, §8.17", "§1.2–1.6": the first section and those chained after it.
      for (const m of text.matchAll(/docs\/hubspot-platform\.md\s?§\s?(\d+(?:\.\d+)?)((?:\s?(?:,|and|–|-)\s?§?\s?\d+(?:\.\d+)?)*)/g)) {
        const cited = [m[1]!, ...[...(m[2] ?? '').matchAll(/(\d+(?:\.\d+)?)/g)].map((n) => n[1]!)];
        for (const section of cited) if (!known.has(section)) missing.push(`${file}: §${section}`);
      }
    }
    expect(known.size).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });

  it('when a file cites docs/contract.md section N, then that section exists there', () => {
    const known = sections('contract.md');
    const missing: string[] = [];
    for (const file of files) {
      const text = readFileSync(`${ROOT}${file}`, 'utf8');
      for (const m of text.matchAll(/docs\/contract\.md,?\s(?:section|§)\s?(\d+[a-z]?)((?:\s?(?:,|and|to|–|-)\s?\d+[a-z]?)*)/g)) {
        const cited = [m[1]!, ...[...(m[2] ?? '').matchAll(/(\d+[a-z]?)/g)].map((n) => n[1]!)];
        for (const section of cited) if (!known.has(section)) missing.push(`${file}: section ${section}`);
      }
    }
    expect([...known].sort()).toEqual(['1', '2', '3', '3a', '3b', '4', '5', '6']);
    expect(missing).toEqual([]);
  });

  it('when scripts/rewrite-citations.mjs runs on tracked files with old citations, then they point at docs/, and a second run changes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rewrite-citations-'));
    try {
      const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
      git('init', '-q');
      mkdirSync(join(dir, 'scripts'));
      copyFileSync(join(ROOT, 'scripts/rewrite-citations.mjs'), join(dir, 'scripts/rewrite-citations.mjs'));
      const [platform, contract, shared] = [['PLAT', 'FORM.md'].join(''), ['CONTR', 'ACT.md'].join(''), ['..', 'shared'].join('/')];
      const before = [
        `// Batch reads (≤100, ${platform} §3.5) and tasks (${contract} section 4).`,
        `// Signed over the raw body (${platform} §8${' '}trap 1, §1.6); see ${shared}/hubspot/${platform} §1.2 and ${shared}/${contract}.`,
        '// Already fine: docs/hubspot-platform.md §3.4 and docs/contract.md section 2.',
      ].join('\n');
      writeFileSync(join(dir, 'a.ts'), before);
      git('add', '.');
      const run = () => execFileSync(process.execPath, ['scripts/rewrite-citations.mjs'], { cwd: dir, encoding: 'utf8' });
      expect(run()).toContain('in 1 file rewritten');
      expect(readFileSync(join(dir, 'a.ts'), 'utf8')).toBe(
        [
          '// Batch reads (≤100, docs/hubspot-platform.md §3.5) and tasks (docs/contract.md section 4).',
          '// Signed over the raw body (docs/hubspot-platform.md §8.1, §1.6); see docs/hubspot-platform.md §1.2 and docs/contract.md.',
          '// Already fine: docs/hubspot-platform.md §3.4 and docs/contract.md section 2.',
        ].join('\n'),
      );
      expect(run()).toContain('0 citations in 0 files rewritten');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when scripts/rewrite-citations.mjs runs on this tree, then it has nothing left to rewrite', () => {
    const run = execFileSync(process.execPath, ['scripts/rewrite-citations.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(run).toContain('0 citations in 0 files to rewrite');
  });
});
