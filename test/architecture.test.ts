// The layout is the design: a pure scoring core, and HubSpot's API known only to src/hubspot/.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => relative(root, join(e.parentPath, e.name)));
}

function importsOf(source: string): string[] {
  return [...source.matchAll(/(?:^|\n)\s*(?:import|export)[^'"\n]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? '');
}

describe('architecture', () => {
  it('when a file lives in src/scoring, then it imports only zod, re2js (in safe-pattern.ts) and other scoring files (no node:, HTTP, HubSpot or storage)', async () => {
    const files = await sourceFiles('src/scoring');
    expect(files.length).toBeGreaterThan(5);
    const seen = new Set<string>();
    for (const file of files) {
      for (const spec of importsOf(await readFile(join(root, file), 'utf8'))) {
        seen.add(spec);
        // re2js: the linear-time engine for model patterns, in one file only.
        const allowed = spec === 'zod' || (spec === 're2js' && file === 'src/scoring/safe-pattern.ts') || (spec.startsWith('./') && !spec.includes('..'));
        expect(allowed, `${file} imports ${spec}`).toBe(true);
      }
    }
    expect(seen.has('zod')).toBe(true);
    expect([...seen].some((s) => s.startsWith('./'))).toBe(true);
  });

  it('when a file outside src/hubspot talks to HubSpot, then the test fails: only src/hubspot imports the SDK', async () => {
    for (const file of await sourceFiles('src')) {
      if (file.startsWith('src/hubspot/')) continue;
      const imports = importsOf(await readFile(join(root, file), 'utf8'));
      expect(imports.filter((s) => s.startsWith('@hubspot/api-client')), file).toEqual([]);
    }
  });

  it('when code names a HubSpot API path, then only src/hubspot/api-paths.ts spells out its version', async () => {
    const versioned = /['"`]\/(?:crm|account-info|appinstalls|oauth|marketing)\/(?:[^'"`\n]*\/)?(?:v\d+|\d{4}-\d{2})(?:\/|['"`])/;
    const offenders: string[] = [];
    for (const file of await sourceFiles('src')) {
      if (file === 'src/hubspot/api-paths.ts') continue;
      const code = (await readFile(join(root, file), 'utf8')).replace(/^\s*(?:\/\/|\*|\/\*).*$/gm, '');
      if (versioned.test(code)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});
