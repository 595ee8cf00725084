import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { describeDatabaseUrl, openStore } from '../../src/store/open-store.ts';

describe('openStore', () => {
  it('when DATABASE_URL is not set, then it opens lowdb in DATA_DIR and says so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bant-open-'));
    const lines: string[] = [];
    const store = await openStore({ DATA_DIR: join(dir, 'data') }, createLogger({ write: (line) => lines.push(line) }));
    try {
      await store.enqueue([{ portalId: 1, kind: 'rescore', key: '1', notBefore: 0 }]);
      expect(await store.queueDepth()).toBe(1);
      expect(lines.join('\n')).toMatch(/lowdb/);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when the PostgreSQL server cannot be reached, then the error names the database but never the password', async () => {
    const url = 'postgres://app:s3cret-password@127.0.0.1:1/bant';
    const error = await openStore({ DATABASE_URL: url, DATA_DIR: 'unused' }, createLogger({ level: 'silent' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/127\.0\.0\.1:1\/bant/);
    expect((error as Error).message).not.toMatch(/s3cret/);
  });

  it('when a URL is described, then user and password are left out', () => {
    expect(describeDatabaseUrl('postgres://u:p@db.example:5432/app')).toBe('db.example:5432/app');
  });
});
