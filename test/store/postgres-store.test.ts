// PostgreSQL store: the contract, plus what only a shared database shows (two instances, migrations).
// Needs a server: TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test. Skips loudly when unreachable.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres-migrations.ts';
import { openPostgresStore } from '../../src/store/postgres-store.ts';
import type { Store } from '../../src/store/store.ts';
import { describeStoreContract, snapshot } from './store-contract.ts';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const available = await reachable();
if (!available) {
  console.warn(
    `\n${'!'.repeat(78)}\n!! PostgreSQL not reachable at TEST_DATABASE_URL / ${DATABASE_URL}\n!! SKIPPING the PostgreSQL store tests. CI runs them; start a server to run them here.\n${'!'.repeat(78)}\n`,
  );
}

const runId = `${process.pid}_${randomBytes(3).toString('hex')}`;
let counter = 0;
const schemas: string[] = [];
const newSchema = () => {
  counter += 1;
  const schema = `bant_test_${runId}_${counter}`;
  schemas.push(schema);
  return schema;
};

afterAll(async () => {
  if (!available || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

describe.skipIf(!available)('PostgreSQL store', () => {
  describeStoreContract('postgres', async () => {
    const store = await openPostgresStore(DATABASE_URL, { schema: newSchema() });
    return { store, cleanup: () => store.close() };
  });

  it('when the database refuses writes, then ping answers false (readiness 503); writable again, true', async () => {
    const schema = newSchema();
    const store = await openPostgresStore(DATABASE_URL, { schema });
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    try {
      expect(await store.ping()).toBe(true);
      // A full disk, as PostgreSQL reports it, for every write to the table the probe writes.
      await admin.query(`CREATE FUNCTION ${schema}.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$`);
      await admin.query(`CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON ${schema}.locks FOR EACH ROW EXECUTE FUNCTION ${schema}.refuse()`);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await store.ping()).toBe(false);
      await admin.query(`DROP TRIGGER refuse ON ${schema}.locks`);
      expect(await store.ping()).toBe(true);
    } finally {
      await admin.end();
      await store.close();
    }
  });

  it('when a database of migration 7 is opened, then its snapshots come back whole from their profile and result rows and are counted as before', async () => {
    const schema = newSchema();
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    const withMilestone = snapshot(9, '2', {
      ownerId: null,
      written: { bant_qualification: 'sql', lifecyclestage: '', bant_lifecycle_stage: 'salesqualifiedlead', bant_fit_grade: 'A', bant_became_sql_at: '2026-01-02' },
      writtenAt: '2026-01-03T00:00:01.234Z',
      leadProcess: { inLeadProcess: false, because: 'lifecycle_stage', stage: 'customer' },
      routedTo: { ownerId: '88', reason: 'round robin' },
      optionLabels: { industry: { MACHINERY: 'Machinery' } } as never,
      answeredAt: { budget: '2026-01-01T00:00:00.000Z' },
      companyId: '5',
    });
    const plain = snapshot(9, '1', { written: { bant_qualification: 'nurture', bant_fit_grade: 'C', bant_engagement_tier: '3', bant_fit_score: '41' } });
    try {
      await admin.query(`CREATE SCHEMA "${schema}"`);
      await admin.query(`SET search_path TO "${schema}"`);
      await admin.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      for (const migration of POSTGRES_MIGRATIONS.filter((m) => m.version <= 7)) {
        await admin.query(migration.sql);
        await admin.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      }
      for (const s of [plain, withMilestone]) await admin.query('INSERT INTO snapshots (portal_id, contact_id, data) VALUES ($1, $2, $3)', [s.portalId, s.contactId, JSON.stringify(s)]);
    } finally {
      await admin.end();
    }
    const store = await openPostgresStore(DATABASE_URL, { schema });
    try {
      const got = await store.getSnapshots(9, ['1', '2']);
      expect(got.get('1')).toEqual(plain);
      expect(got.get('2')).toEqual(withMilestone);
      expect(await store.listSnapshots(9, null, 10)).toEqual([plain, withMilestone]);
      const byQualification = [...(await store.countSnapshotFields(9))].sort((a, b) => String(a.qualification).localeCompare(String(b.qualification)));
      expect(byQualification).toEqual([
        { qualification: 'nurture', grade: 'C', tier: '3', fitScore: '41', count: 1 },
        { qualification: 'sql', stage: 'salesqualifiedlead', grade: 'A', count: 1 },
      ]);
      expect(await store.listSnapshotMilestones(9)).toEqual([{ contactId: '2', qualification: 'sql', sqlAt: '2026-01-02' }]);
      await store.putSnapshotResults(9, [{ contactId: '2', written: { bant_qualification: 'mql' }, scoredAt: '2026-01-05T00:00:00.000Z', modelVersion: '2.0.0' }]);
      const { writtenAt: _writtenAt, leadProcess: _leadProcess, routedTo: _routedTo, ...kept } = withMilestone;
      expect((await store.getSnapshots(9, ['2'])).get('2')).toEqual({ ...kept, written: { bant_qualification: 'mql' }, scoredAt: '2026-01-05T00:00:00.000Z', modelVersion: '2.0.0' });
    } finally {
      await store.close();
    }
  });

  describe('shared by several instances', () => {
    const opened: Store[] = [];
    const open = async (schema: string) => {
      const store = await openPostgresStore(DATABASE_URL, { schema, poolSize: 5 });
      opened.push(store);
      return store;
    };
    afterAll(async () => {
      for (const store of opened) await store.close();
    });

    it('when two instances start at once on an empty schema, then migrations run once and both work', async () => {
      const schema = newSchema();
      const [a, b] = await Promise.all([open(schema), open(schema)]);
      await a!.putInstallation({ portalId: 1, mode: 'oauth', status: 'active', installedAt: 'x', scopes: [], settings: {} as never });
      expect((await b!.getInstallation(1))?.portalId).toBe(1);
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      const { rows } = await client.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
      await client.end();
      expect(rows.map((r: { version: number }) => r.version)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
      await (await open(schema)).ping();
    });

    it('when another instance re-enqueues an item while its batch is being completed, then the item stays for another run, unleased', async () => {
      const schema = newSchema();
      const store = await open(schema);
      await store.enqueue([{ portalId: 7, kind: 'rescore', key: '1', notBefore: 0 }]);
      const [leased] = await store.lease({ now: 1_000, limit: 1, leaseMs: 600_000 });
      // The re-enqueue's update, held open so that complete() runs into it: it bumps the row's version.
      const other = new pg.Client({ connectionString: DATABASE_URL });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query(`UPDATE "${schema}".work_queue SET version = version + 1 WHERE key = '1'`);
        let completed = false;
        const completing = store.complete([leased!.id]).then(() => {
          completed = true;
        });
        await new Promise((r) => setTimeout(r, 200));
        expect(completed).toBe(false); // waiting for the row
        await other.query('COMMIT');
        await completing;
      } finally {
        await other.end();
      }
      expect(await store.queueDepth()).toBe(1);
      // Unleased: due again now, not after the ten-minute lease.
      const [again] = await store.lease({ now: 2_000, limit: 1, leaseMs: 600_000 });
      expect(again?.key).toBe('1');
    });

    it('when two instances lease concurrently, then no item is leased twice and every item is leased once', async () => {
      const schema = newSchema();
      const a = await open(schema);
      const b = await open(schema);
      const total = 600;
      await a.enqueue(Array.from({ length: total }, (_, i) => ({ portalId: 1 + (i % 3), kind: 'rescore' as const, key: String(i), notBefore: 0 })));
      const leasedBy = new Map<string, string>();
      const duplicates: string[] = [];
      const worker = async (name: string, store: Store) => {
        for (;;) {
          const items = await store.lease({ now: 1_000, limit: 7, leaseMs: 600_000 });
          if (items.length === 0) return;
          for (const item of items) {
            if (leasedBy.has(item.id)) duplicates.push(item.id);
            leasedBy.set(item.id, name);
          }
        }
      };
      await Promise.all([worker('a1', a), worker('a2', a), worker('a3', a), worker('b1', b), worker('b2', b), worker('b3', b)]);
      expect(duplicates).toEqual([]);
      expect(leasedBy.size).toBe(total);
      const names = new Set(leasedBy.values());
      expect(names.has('a1') || names.has('a2') || names.has('a3')).toBe(true);
      expect(names.has('b1') || names.has('b2') || names.has('b3')).toBe(true);
    });

    it('when an instance dies holding leases, then another instance takes its work over after the lease expires', async () => {
      const schema = newSchema();
      const dying = await open(schema);
      const survivor = await open(schema);
      await dying.enqueue([{ portalId: 1, kind: 'rescore', key: '1', notBefore: 0 }]);
      const [held] = await dying.lease({ now: 1_000, limit: 10, leaseMs: 30_000 });
      await dying.close();
      expect(await survivor.lease({ now: 30_999, limit: 10, leaseMs: 30_000 })).toEqual([]);
      const [taken] = await survivor.lease({ now: 31_000, limit: 10, leaseMs: 30_000 });
      expect(taken).toMatchObject({ id: held!.id, attempts: 2 });
      await survivor.complete([taken!.id]);
      expect(await survivor.queueDepth()).toBe(0);
    });

    it('when instances compete for a lock, then exactly one holds it', async () => {
      const schema = newSchema();
      const stores = [await open(schema), await open(schema)];
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => stores[i % 2]!.acquireLock('decay', `owner-${i}`, 60_000, 1_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('when two instances remember the same events at once, then each key is new for exactly one of them', async () => {
      const schema = newSchema();
      const a = await open(schema);
      const b = await open(schema);
      const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
      const [fromA, fromB] = await Promise.all([a.rememberEvents(keys, 1_000), b.rememberEvents([...keys].reverse(), 1_000)]);
      expect([...fromA, ...fromB].sort()).toEqual([...keys].sort());
    });

    it('when the store is closed, then ping answers false', async () => {
      const store = await openPostgresStore(DATABASE_URL, { schema: newSchema() });
      await store.close();
      expect(await store.ping()).toBe(false);
    });

    it('when the schema name is not a plain identifier, then opening fails before touching the database', async () => {
      await expect(openPostgresStore(DATABASE_URL, { schema: 'x"; DROP TABLE y; --' })).rejects.toThrow(/invalid PostgreSQL schema/);
    });
  });
});
