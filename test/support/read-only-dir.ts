// A data directory made read-only for real, open files included: `chattr +i` (immutable) on every file and directory,
// which fails writes even through descriptors opened before, like a remounted read-only disk. Needs root and a
// file system with attributes (ext4, xfs); tests skip with a banner where that is missing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function probeImmutable(): boolean {
  if (process.getuid?.() !== 0) return false;
  const dir = mkdtempSync(join(tmpdir(), 'bant-immutable-'));
  try {
    writeFileSync(join(dir, 'f'), 'x');
    execFileSync('chattr', ['+i', join(dir, 'f')], { stdio: 'ignore' });
    execFileSync('chattr', ['-i', join(dir, 'f')], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const canMakeReadOnly = probeImmutable();

if (!canMakeReadOnly) {
  console.warn(
    '\n*** read-only DATA_DIR tests SKIPPED: they need root and chattr (immutable files) on the temp file system ***\n',
  );
}

/** Makes `dir` and everything in it read-only (true) or writable again (false). */
export function setReadOnly(dir: string, readOnly: boolean): void {
  execFileSync('chattr', ['-R', readOnly ? '+i' : '-i', dir], { stdio: 'ignore' });
}
