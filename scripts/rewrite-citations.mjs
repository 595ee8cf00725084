#!/usr/bin/env node
// Points citations of the reference documents that live outside the repo at the repo's own docs/: the public
// interface → docs/contract.md, the HubSpot platform facts → docs/hubspot-platform.md (same section numbers; a
// citation of trap N of section 8 becomes §8.N). Rewrites every tracked text file in place and prints what changed.
// Idempotent: a second run changes nothing. Other references to paths outside the repo are listed, not guessed at
// (test/repo-boundary.test.ts fails on them).
// Usage: node scripts/rewrite-citations.mjs [--check]   (--check: change nothing, exit 1 when something would change)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');

// Written with escapes so this file does not match its own patterns.
const REWRITES = [
  // the platform document, with or without its folders
  [/(?<![\w/-])(?:\.\.\/)*(?:shared\/)?(?:hubspot\/)?PLATFORM\.md/g, 'docs/hubspot-platform.md'],
  // the interface document, with or without its folder
  [/(?<![\w/-])(?:\.\.\/)*(?:shared\/)?CONTRACT\.md/g, 'docs/contract.md'],
  // trap N of section 8 → §8.N (the traps are numbered sections in docs/hubspot-platform.md)
  [/(§\s?)8\x20trap\x20(\d+)/g, '$18.$2'],
];
const OUTSIDE = /(?:\.\.\/)+shared\b[^\s'"`)]*/g;
const BINARY = /\.(png|jpe?g|gif|ico|webp|woff2?|ttf|pdf|zip|gz|tgz)$/i;

const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter((f) => f && !BINARY.test(f));
let changedFiles = 0;
let changedCitations = 0;
const leftovers = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(`${root}${file}`, 'utf8');
  } catch {
    continue; // listed by git but deleted in the work tree
  }
  let next = text;
  let count = 0;
  for (const [pattern, replacement] of REWRITES) {
    next = next.replace(pattern, (...args) => {
      const match = args[0];
      const replaced = match.replace(new RegExp(pattern.source), replacement);
      if (replaced !== match) count++;
      return replaced;
    });
  }
  for (const m of next.matchAll(OUTSIDE)) leftovers.push(`${file}: ${m[0]}`);
  if (next === text) continue;
  changedFiles++;
  changedCitations += count;
  process.stdout.write(`${check ? 'would rewrite' : 'rewrote'} ${count} citation${count === 1 ? '' : 's'} in ${file}\n`);
  if (!check) writeFileSync(`${root}${file}`, next);
}
process.stdout.write(`${changedCitations} citation${changedCitations === 1 ? '' : 's'} in ${changedFiles} file${changedFiles === 1 ? '' : 's'}${check ? ' to rewrite' : ' rewritten'}\n`);
if (leftovers.length) {
  process.stdout.write(`references outside the repo this script does not map (cite docs/ or HubSpot's page instead):\n${leftovers.map((l) => `  ${l}`).join('\n')}\n`);
}
if (check && changedFiles) process.exitCode = 1;
