// The PostgreSQL store (DATABASE_URL): for several app instances sharing one database.
// - Migrations (postgres-migrations.ts) run at start-up under an advisory lock, each recorded in schema_migrations.
// - The queue is leased with FOR UPDATE SKIP LOCKED: concurrent instances never lease the same item at once; a lease
//   that runs out (an instance died) makes the item leasable again. Coalescing is an upsert on (portal_id, kind, key).
// - Locks are rows with an expiry, so they hold across processes and machines.
import pg from 'pg';
import { mergePayload, splitInstallationPatch, WRITE_PROBE_CACHE_MS } from './memory-store.ts';
import { POSTGRES_MIGRATIONS, TASK_MADE_AT } from './postgres-migrations.ts';
import { sampleKeyOf } from './sample-key.ts';
import {
  joinRows,
  joinSnapshot,
  resultOnlyRow,
  SNAPSHOT_ROW_COLUMNS,
  type JoinedSnapshotRow,
  snapshotRow,
  type StoredResult,
  WRITTEN_COLUMNS,
  WRITTEN_COLUMNS_FROM_EXCLUDED,
} from './postgres-snapshot-rows.ts';
import { MAX_SCORE_CHANGES_PER_CONTACT, outcomeKey } from './store.ts';
import type {
  TaskRecordCount,
  TaskRecordFilter,
  AccountSnapshot,
  AdminSessionRecord,
  OutcomeRecord,
  ScoreChange,
  ContactSnapshot,
  SnapshotFieldCount,
  SnapshotMilestone,
  SnapshotResult,
  DeadLetter,
  DuePortalsQuery,
  EventKey,
  Installation,
  InstallationPatch,
  JobState,
  LeasedItem,
  OAuthState,
  OAuthStateLimits,
  PortalId,
  Store,
  TaskRecord,
  WorkItem,
  WorkKind,
} from './store.ts';

export interface PostgresStoreOptions {
  /** Schema for the tables (default "public"); created if missing. Tests use one per run. */
  schema?: string;
  /** Pool size (default 10). */
  poolSize?: number;
  /** How long a webhook event key is remembered (default 24 h). */
  eventRetainMs?: number;
  /** At most this many dead letters are kept, oldest dropped first (default 10,000). */
  maxDeadLetters?: number;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

/** An acceptEvents call waiting for the next group commit. */
interface PendingAccept {
  keys: EventKey[];
  now: number;
  itemsFor: (freshKeys: EventKey[]) => WorkItem[];
  resolve: (fresh: EventKey[]) => void;
  reject: (error: unknown) => void;
}

/** Event keys of one group commit at most (a call bigger than this still goes alone). */
const MAX_BATCH_KEYS = 5_000;
/**
 * Group commits in flight at once. At a steady 200 deliveries/s a few transactions overlap (each waits on round trips
 * and its WAL flush, not on the CPU); beyond that, calls queue and share the next commit instead of each taking a
 * connection. 4 measured best in bench/webhook-ack (1 serialises too much; 10 is the old one-transaction-per-call).
 */
const MAX_COMMITTERS = 4;

interface QueueRow {
  id: string;
  portal_id: string;
  kind: WorkKind;
  key: string;
  payload: Record<string, unknown> | null;
  not_before: string;
  occurred_at: string | null;
  attempts: number;
  lease_until: string | null;
}

interface DeadRow extends QueueRow {
  reason: string;
  failed_at: string;
}

function toWorkItem(row: QueueRow): WorkItem {
  const item: WorkItem = { portalId: Number(row.portal_id), kind: row.kind, key: row.key, notBefore: Number(row.not_before) };
  if (row.payload !== null) item.payload = row.payload;
  if (row.occurred_at !== null) item.occurredAt = Number(row.occurred_at);
  return item;
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Applies the migrations not yet recorded, one transaction, serialised across instances by an advisory lock. */
export async function migrate(client: pg.PoolClient, schema: string): Promise<number[]> {
  const applied: number[] = [];
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`bant-scoring-migrations:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query(`SET LOCAL search_path TO ${quoteIdent(schema)}`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const migration of POSTGRES_MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
  return applied;
}

class PostgresStore implements Store {
  readonly pool: pg.Pool;
  readonly eventRetainMs: number;
  readonly maxDeadLetters: number;
  #lastEventCleanup = Number.NEGATIVE_INFINITY;
  #writeHealth: { at: number; ok: boolean } | undefined;
  /** acceptEvents calls waiting for a group commit, oldest first. */
  #accepts: PendingAccept[] = [];
  /** Group commits under way (each a drain loop on its own pooled connection). */
  #committers = 0;

  constructor(pool: pg.Pool, options: PostgresStoreOptions) {
    this.pool = pool;
    this.eventRetainMs = options.eventRetainMs ?? 24 * 60 * 60 * 1000;
    this.maxDeadLetters = options.maxDeadLetters ?? 10_000;
  }

  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  // installations

  async putInstallation(installation: Installation): Promise<void> {
    await this.pool.query(
      `INSERT INTO installations (portal_id, data) VALUES ($1, $2)
       ON CONFLICT (portal_id) DO UPDATE SET data = EXCLUDED.data, updated_at = now()`,
      [installation.portalId, JSON.stringify(installation)],
    );
  }

  async updateInstallation(portalId: PortalId, patch: InstallationPatch): Promise<Installation | undefined> {
    const { set, unset } = splitInstallationPatch(patch);
    // One statement: the row lock orders it against concurrent writers, and the fields it does not name stay as they are.
    const { rows } = await this.pool.query<{ data: Installation }>(
      `UPDATE installations SET data = (data || $2::jsonb) - $3::text[], updated_at = now() WHERE portal_id = $1 RETURNING data`,
      [portalId, JSON.stringify(set), unset],
    );
    return rows[0]?.data;
  }

  async getInstallation(portalId: PortalId): Promise<Installation | undefined> {
    const { rows } = await this.pool.query<{ data: Installation }>('SELECT data FROM installations WHERE portal_id = $1', [portalId]);
    return rows[0]?.data;
  }

  async listInstallations(): Promise<Installation[]> {
    const { rows } = await this.pool.query<{ data: Installation }>('SELECT data FROM installations ORDER BY portal_id');
    return rows.map((r) => r.data);
  }

  async deleteInstallation(portalId: PortalId): Promise<void> {
    await this.#transaction(async (client) => {
      for (const table of ['installations', 'work_queue', 'dead_letters', 'snapshots', 'snapshot_results', 'task_records', 'score_history', 'outcomes', 'job_states', 'account_snapshots']) {
        await client.query(`DELETE FROM ${table} WHERE portal_id = $1`, [portalId]);
      }
    });
  }

  // OAuth states

  async putOAuthState(state: OAuthState, limits?: OAuthStateLimits): Promise<void> {
    const insert = (client: Queryable) =>
      client.query(
        `INSERT INTO oauth_states (state, expires_at, data) VALUES ($1, $2, $3)
         ON CONFLICT (state) DO UPDATE SET expires_at = EXCLUDED.expires_at, data = EXCLUDED.data`,
        [state.state, state.expiresAt, JSON.stringify(state)],
      );
    if (!limits) {
      await insert(this.pool);
      return;
    }
    await this.#transaction(async (client) => {
      await client.query('DELETE FROM oauth_states WHERE expires_at <= $1', [limits.now]);
      await client.query(
        `DELETE FROM oauth_states WHERE state IN (
           SELECT state FROM oauth_states WHERE state <> $2 ORDER BY expires_at DESC, state DESC OFFSET $1)`,
        [Math.max(0, limits.maxLive - 1), state.state],
      );
      await insert(client);
    });
  }

  async takeOAuthState(state: string, now: number): Promise<OAuthState | undefined> {
    const { rows } = await this.pool.query<{ data: OAuthState; expires_at: string }>(
      'DELETE FROM oauth_states WHERE state = $1 RETURNING data, expires_at',
      [state],
    );
    await this.pool.query('DELETE FROM oauth_states WHERE expires_at <= $1', [now]);
    const found = rows[0];
    return found && Number(found.expires_at) > now ? found.data : undefined;
  }

  // admin console sessions

  async putSession(session: AdminSessionRecord, now: number): Promise<void> {
    await this.#transaction(async (client) => {
      await client.query('DELETE FROM admin_sessions WHERE expires_at <= $1', [now]);
      await client.query(
        `INSERT INTO admin_sessions (id, portal_id, expires_at, data) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET portal_id = EXCLUDED.portal_id, expires_at = EXCLUDED.expires_at, data = EXCLUDED.data`,
        [session.id, session.portalId, session.expiresAt, JSON.stringify(session)],
      );
    });
  }

  async getSession(id: string, now: number): Promise<AdminSessionRecord | undefined> {
    const { rows } = await this.pool.query<{ data: AdminSessionRecord }>('SELECT data FROM admin_sessions WHERE id = $1 AND expires_at > $2', [id, now]);
    return rows[0]?.data;
  }

  async deleteSession(id: string): Promise<void> {
    await this.pool.query('DELETE FROM admin_sessions WHERE id = $1', [id]);
  }

  async deletePortalSessions(portalId: PortalId): Promise<void> {
    await this.pool.query('DELETE FROM admin_sessions WHERE portal_id = $1', [portalId]);
  }

  // webhook de-duplication

  async #remember(client: Queryable, keys: EventKey[], now: number): Promise<EventKey[]> {
    if (keys.length === 0) return [];
    const unique = [...new Set(keys)].sort();
    // A key seen longer ago than the retention counts as new again (and is renewed).
    const { rows } = await client.query<{ event_key: string }>(
      `INSERT INTO webhook_events (event_key, seen_at) SELECT k, $2 FROM unnest($1::text[]) AS k
       ON CONFLICT (event_key) DO UPDATE SET seen_at = EXCLUDED.seen_at WHERE webhook_events.seen_at < $3
       RETURNING event_key`,
      [unique, now, now - this.eventRetainMs],
    );
    const fresh = new Set(rows.map((r) => r.event_key));
    const inOrder: EventKey[] = [];
    for (const key of keys) {
      if (!fresh.delete(key)) continue;
      inOrder.push(key);
    }
    return inOrder;
  }

  async #cleanupEvents(now: number): Promise<void> {
    if (now - this.#lastEventCleanup < 60_000) return;
    this.#lastEventCleanup = now;
    await this.pool.query('DELETE FROM webhook_events WHERE seen_at < $1', [now - this.eventRetainMs]);
  }

  async rememberEvents(keys: EventKey[], now: number): Promise<EventKey[]> {
    const fresh = await this.#remember(this.pool, keys, now);
    await this.#cleanupEvents(now);
    return fresh;
  }

  /**
   * Group commit: calls that arrive while a batch is being committed wait and share the next transaction (one
   * multi-row INSERT of their keys, one of their work items, one commit), so concurrent webhook deliveries cost one
   * round of statements and one WAL flush, not one each. Each call resolves only after the commit holding its keys.
   * Within a batch the outcome is that of running the calls one after another in arrival order (a key in two calls is
   * fresh for the first only); batches in flight at the same time behave like the concurrent transactions they are.
   * If a batch of several calls fails, each is retried alone, so one bad call cannot fail the others.
   */
  async acceptEvents(keys: EventKey[], now: number, itemsFor: (freshKeys: EventKey[]) => WorkItem[]): Promise<EventKey[]> {
    const fresh = await new Promise<EventKey[]>((resolve, reject) => {
      this.#accepts.push({ keys, now, itemsFor, resolve, reject });
      if (this.#committers < MAX_COMMITTERS) void this.#drainAccepts();
    });
    await this.#cleanupEvents(now);
    return fresh;
  }

  async #drainAccepts(): Promise<void> {
    this.#committers += 1;
    try {
      while (this.#accepts.length > 0) {
        const batch = this.#takeAcceptBatch();
        try {
          const fresh = await this.#transaction((client) => this.#acceptBatch(client, batch));
          for (const [i, call] of batch.entries()) call.resolve(fresh[i] as EventKey[]);
        } catch (error) {
          if (batch.length === 1) {
            batch[0]?.reject(error);
            continue;
          }
          for (const call of batch) {
            try {
              const [fresh] = await this.#transaction((client) => this.#acceptBatch(client, [call]));
              call.resolve(fresh as EventKey[]);
            } catch (single) {
              call.reject(single);
            }
          }
        }
      }
    } finally {
      this.#committers -= 1;
    }
  }

  /** The waiting calls, up to a bound on the keys of one statement. */
  #takeAcceptBatch(): PendingAccept[] {
    let keys = 0;
    let count = 0;
    for (const call of this.#accepts) {
      if (count > 0 && keys + call.keys.length > MAX_BATCH_KEYS) break;
      keys += call.keys.length;
      count += 1;
    }
    return this.#accepts.splice(0, count);
  }

  /** Remembers the keys of all calls (one statement), then enqueues the work of the fresh ones (one statement). */
  async #acceptBatch(client: Queryable, batch: PendingAccept[]): Promise<EventKey[][]> {
    // First occurrence wins, as if the calls had run in order; each key carries the time of the call that brought it.
    const times = new Map<EventKey, number>();
    for (const call of batch) for (const key of call.keys) if (!times.has(key)) times.set(key, call.now);
    if (times.size === 0) return batch.map(() => []);
    const unique = [...times.keys()].sort();
    // A key seen longer ago than the retention counts as new again (and is renewed).
    const { rows } = await client.query<{ event_key: string }>({
      // Named: parsed and planned once per connection, not once per delivery.
      name: 'bant-accept-event-keys',
      text: `INSERT INTO webhook_events (event_key, seen_at) SELECT * FROM unnest($1::text[], $2::bigint[])
       ON CONFLICT (event_key) DO UPDATE SET seen_at = EXCLUDED.seen_at WHERE webhook_events.seen_at < EXCLUDED.seen_at - $3::bigint
       RETURNING event_key`,
      values: [unique, unique.map((key) => times.get(key)), this.eventRetainMs],
    });
    const fresh = new Set<EventKey>();
    for (const row of rows) fresh.add(row.event_key);
    const freshPerCall: EventKey[][] = [];
    const items: WorkItem[] = [];
    for (const call of batch) {
      const mine: EventKey[] = [];
      for (const key of call.keys) if (fresh.delete(key)) mine.push(key);
      freshPerCall.push(mine);
      if (mine.length > 0) for (const item of call.itemsFor(mine)) items.push(item);
    }
    await this.#enqueue(client, items);
    return freshPerCall;
  }

  // work queue

  async #enqueue(client: Queryable, items: WorkItem[]): Promise<void> {
    if (items.length === 0) return;
    // One row per key (ON CONFLICT may touch a row once per statement), in key order (no deadlock between batches).
    const byKey = new Map<string, WorkItem>();
    for (const item of items) {
      const id = JSON.stringify([item.portalId, item.kind, item.key]);
      const before = byKey.get(id);
      if (!before) {
        byKey.set(id, { ...item });
        continue;
      }
      const merged: WorkItem = { ...before, notBefore: Math.max(before.notBefore, item.notBefore) };
      const payload = mergePayload(before.payload, item.payload);
      if (payload !== undefined) merged.payload = payload;
      const occurredAt = Math.max(before.occurredAt ?? Number.NEGATIVE_INFINITY, item.occurredAt ?? Number.NEGATIVE_INFINITY);
      if (Number.isFinite(occurredAt)) merged.occurredAt = occurredAt;
      byKey.set(id, merged);
    }
    const rows = [...byKey.values()].sort(
      (a, b) => a.portalId - b.portalId || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
    await client.query({
      name: 'bant-enqueue',
      text: `INSERT INTO work_queue (portal_id, kind, key, payload, not_before, occurred_at)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::jsonb[], $5::bigint[], $6::bigint[])
       ON CONFLICT (portal_id, kind, key) DO UPDATE SET
         payload = CASE WHEN EXCLUDED.payload IS NULL THEN work_queue.payload ELSE merge_payload(work_queue.payload, EXCLUDED.payload) END,
         not_before = GREATEST(work_queue.not_before, EXCLUDED.not_before),
         occurred_at = GREATEST(work_queue.occurred_at, EXCLUDED.occurred_at),
         version = work_queue.version + 1`,
      values: [
        rows.map((r) => r.portalId),
        rows.map((r) => r.kind),
        rows.map((r) => r.key),
        rows.map((r) => (r.payload === undefined ? null : JSON.stringify(r.payload))),
        rows.map((r) => r.notBefore),
        rows.map((r) => r.occurredAt ?? null),
      ],
    });
  }

  async enqueue(items: WorkItem[]): Promise<void> {
    await this.#enqueue(this.pool, items);
  }

  async lease(options: { now: number; limit: number; leaseMs: number; portalId?: PortalId; kinds?: WorkKind[] }): Promise<LeasedItem[]> {
    const { now, limit, leaseMs, portalId, kinds } = options;
    if (limit <= 0) return [];
    const { rows } = await this.pool.query<QueueRow>(
      `WITH picked AS (
         SELECT id FROM work_queue
         WHERE not_before <= $1 AND (lease_until IS NULL OR lease_until <= $1)
           AND ($4::bigint IS NULL OR portal_id = $4)
           AND ($5::text[] IS NULL OR kind = ANY($5::text[]))
         ORDER BY not_before, id
         LIMIT $2
         FOR UPDATE SKIP LOCKED
       )
       UPDATE work_queue AS q
       SET attempts = q.attempts + 1, lease_until = $1::bigint + $3::bigint, leased_version = q.version
       FROM picked WHERE q.id = picked.id
       RETURNING q.id, q.portal_id, q.kind, q.key, q.payload, q.not_before, q.occurred_at, q.attempts, q.lease_until`,
      [now, limit, leaseMs, portalId ?? null, kinds ?? null],
    );
    rows.sort((a, b) => Number(a.not_before) - Number(b.not_before) || Number(a.id) - Number(b.id));
    return rows.map((row) => ({ ...toWorkItem(row), id: String(row.id), attempts: row.attempts, leaseUntil: Number(row.lease_until) }));
  }

  /**
   * A loose index scan over work_queue_portal_due: one index probe per portal (the next portal id with a due item), so
   * the cost grows with the portals listed, not with the items queued (a million queued rescores of one portal).
   */
  async portalsWithDueWork(now: number, options: DuePortalsQuery = {}): Promise<PortalId[]> {
    const { after, limit, kinds } = options;
    if (limit !== undefined && limit <= 0) return [];
    const due = `w.not_before <= $1 AND (w.lease_until IS NULL OR w.lease_until <= $1) AND ($3::text[] IS NULL OR w.kind = ANY($3::text[]))`;
    // Unnamed, so it is planned with the values: `kinds = {backfill}` then uses the partial work_queue_backfill_due.
    const { rows } = await this.pool.query<{ portal_id: string }>({
      text: `WITH RECURSIVE due(portal_id) AS (
         (SELECT w.portal_id FROM work_queue w WHERE w.portal_id > $2 AND ${due} ORDER BY w.portal_id LIMIT 1)
         UNION ALL
         SELECT (SELECT w.portal_id FROM work_queue w WHERE w.portal_id > due.portal_id AND ${due} ORDER BY w.portal_id LIMIT 1)
         FROM due WHERE due.portal_id IS NOT NULL
       )
       SELECT portal_id FROM due WHERE portal_id IS NOT NULL LIMIT $4`,
      values: [now, after ?? Number.MIN_SAFE_INTEGER, kinds ?? null, limit ?? null],
    });
    return rows.map((r) => Number(r.portal_id));
  }

  async complete(ids: string[]): Promise<void> {
    const numeric = ids.filter((id) => /^\d+$/.test(id));
    if (numeric.length === 0) return;
    // One statement (a live batch ends with it, dozens a second at a thousand portals). Re-enqueued while leased: the
    // item stays, unleased, for another run. An enqueue that commits while this runs makes the DELETE skip the row
    // (its condition is checked again on the new version), and the UPDATE, checking its own condition again on that
    // version, unleases it: as the two statements did in a transaction.
    await this.pool.query(
      `WITH gone AS (
         DELETE FROM work_queue WHERE id = ANY($1::bigint[]) AND (leased_version IS NULL OR version = leased_version) RETURNING id
       )
       UPDATE work_queue SET lease_until = NULL, leased_version = NULL, attempts = 0, last_error = NULL
       WHERE id = ANY($1::bigint[]) AND id NOT IN (SELECT id FROM gone)`,
      [numeric],
    );
  }

  async fail(id: string, reason: string, retryAt: number, maxAttempts: number): Promise<void> {
    if (!/^\d+$/.test(id)) return;
    await this.#transaction(async (client) => {
      const dead = await client.query(
        `WITH dead AS (DELETE FROM work_queue WHERE id = $1 AND attempts >= $2 RETURNING *)
         INSERT INTO dead_letters (id, portal_id, kind, key, payload, not_before, occurred_at, attempts, reason, failed_at)
         SELECT id, portal_id, kind, key, payload, not_before, occurred_at, attempts, $3, $4 FROM dead
         ON CONFLICT (id) DO UPDATE SET reason = EXCLUDED.reason, failed_at = EXCLUDED.failed_at, attempts = EXCLUDED.attempts`,
        [id, maxAttempts, reason, Date.now()],
      );
      if ((dead.rowCount ?? 0) > 0) {
        await client.query(
          `DELETE FROM dead_letters WHERE id IN (SELECT id FROM dead_letters ORDER BY failed_at DESC, id DESC OFFSET $1)`,
          [this.maxDeadLetters],
        );
        return;
      }
      await client.query(
        `UPDATE work_queue SET lease_until = NULL, leased_version = NULL, not_before = GREATEST(not_before, $2), last_error = $3
         WHERE id = $1`,
        [id, retryAt, reason],
      );
    });
  }

  async queueDepth(portalId?: PortalId): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM work_queue WHERE $1::bigint IS NULL OR portal_id = $1', [
      portalId ?? null,
    ]);
    return Number(rows[0]?.n ?? 0);
  }

  async listDeadLetters(portalId?: PortalId): Promise<DeadLetter[]> {
    const { rows } = await this.pool.query<DeadRow>(
      'SELECT * FROM dead_letters WHERE $1::bigint IS NULL OR portal_id = $1 ORDER BY failed_at, id',
      [portalId ?? null],
    );
    return rows.map((row) => ({ ...toWorkItem(row), id: String(row.id), attempts: row.attempts, reason: row.reason, failedAt: Number(row.failed_at) }));
  }

  // snapshots

  async getSnapshots(portalId: PortalId, contactIds: string[]): Promise<Map<string, ContactSnapshot>> {
    const found = new Map<string, ContactSnapshot>();
    if (contactIds.length === 0) return found;
    const { rows } = await this.pool.query<JoinedSnapshotRow>(
      `SELECT s.profile AS p, r.result AS r FROM snapshots s JOIN snapshot_results r USING (portal_id, contact_id)
       WHERE s.portal_id = $1 AND s.contact_id = ANY($2::text[])`,
      [portalId, contactIds],
    );
    for (const snapshot of joinRows(rows)) found.set(snapshot.contactId, snapshot);
    return found;
  }

  async putSnapshots(snapshots: ContactSnapshot[]): Promise<void> {
    if (snapshots.length === 0) return;
    const latest = new Map<string, ContactSnapshot>();
    for (const s of snapshots) latest.set(JSON.stringify([s.portalId, s.contactId]), s);
    const rows = [...latest.values()].sort((a, b) => a.portalId - b.portalId || (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0));
    // One JSON array rather than a text[] of JSON: the driver escapes every quote of an array element, which cost more
    // than the insert itself for decay's thousands of snapshots. One statement writes both rows of each snapshot.
    await this.pool.query(
      `WITH e AS MATERIALIZED (SELECT * FROM json_to_recordset($1::json) AS e(${SNAPSHOT_ROW_COLUMNS}, d json)),
       profiles AS (
         INSERT INTO snapshots (portal_id, contact_id, profile) SELECT p, c, d FROM e
         ON CONFLICT (portal_id, contact_id) DO UPDATE SET profile = EXCLUDED.profile)
       INSERT INTO snapshot_results (portal_id, contact_id, result, ${WRITTEN_COLUMNS})
       SELECT p, c, r, q, s, g, t, f, m, x FROM e
       ON CONFLICT (portal_id, contact_id) DO UPDATE SET result = EXCLUDED.result, ${WRITTEN_COLUMNS_FROM_EXCLUDED}`,
      [JSON.stringify(rows.map(snapshotRow))],
    );
  }

  async putSnapshotResults(portalId: PortalId, results: SnapshotResult[]): Promise<void> {
    if (results.length === 0) return;
    const latest = new Map<string, SnapshotResult>();
    for (const r of results) latest.set(r.contactId, r);
    const rows = [...latest.values()].sort((a, b) => (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0));
    // Only the result row changes: the optional fields a result leaves out go, except the owner, which stays as stored.
    await this.pool.query(
      `UPDATE snapshot_results s SET
         result = CASE WHEN e.o THEN e.r WHEN s.result->'ownerId' IS NULL THEN e.r
                  ELSE (jsonb_build_object('ownerId', s.result->'ownerId') || e.r::jsonb)::json END,
         written_qualification = e.q, written_stage = e.s, written_grade = e.g, written_tier = e.t, written_fit_score = e.f,
         became_mql_at = e.m, became_sql_at = e.x
       FROM json_to_recordset($2::json) AS e(${SNAPSHOT_ROW_COLUMNS})
       WHERE s.portal_id = $1 AND s.contact_id = e.c`,
      [portalId, JSON.stringify(rows.map((r) => resultOnlyRow(portalId, r)))],
    );
  }

  async deleteContactState(portalId: PortalId, contactIds: string[]): Promise<void> {
    if (contactIds.length === 0) return;
    await this.#transaction(async (client) => {
      await client.query('DELETE FROM snapshots WHERE portal_id = $1 AND contact_id = ANY($2::text[])', [portalId, contactIds]);
      await client.query('DELETE FROM snapshot_results WHERE portal_id = $1 AND contact_id = ANY($2::text[])', [portalId, contactIds]);
      await client.query('DELETE FROM task_records WHERE portal_id = $1 AND contact_id = ANY($2::text[])', [portalId, contactIds]);
      await client.query('DELETE FROM score_history WHERE portal_id = $1 AND contact_id = ANY($2::text[])', [portalId, contactIds]);
      await client.query('DELETE FROM outcomes WHERE portal_id = $1 AND contact_id = ANY($2::text[])', [portalId, contactIds]);
    });
  }

  // score history and outcomes

  async appendScoreChanges(portalId: PortalId, changes: Array<{ contactId: string; change: ScoreChange }>): Promise<void> {
    if (changes.length === 0) return;
    const contactIds = [...new Set(changes.map((c) => c.contactId))];
    // Two statements, no transaction: the trim is housekeeping. Should it fail after the insert, a contact holds one
    // entry over the bound until its next change trims it; the two round trips a transaction adds are saved on every
    // rescore. One JSON array, as for snapshots: a jsonb[] parameter has every quote of every element escaped by the driver.
    await this.pool.query(
      `INSERT INTO score_history (portal_id, contact_id, data)
       SELECT $1, e->>'c', (e->'d')::jsonb FROM json_array_elements($2::json) WITH ORDINALITY AS t(e, o) ORDER BY o`,
      [portalId, JSON.stringify(changes.map((c) => ({ c: c.contactId, d: c.change })))],
    );
    // Bounded per contact: the oldest beyond the limit go. Each contact's cut is found by walking its primary-key
    // index from the newest entry, so the common case (far below the limit) neither reads the rows nor sorts them.
    await this.pool.query(
      `DELETE FROM score_history h USING (
         SELECT c, (SELECT seq FROM score_history WHERE portal_id = $1 AND contact_id = c ORDER BY seq DESC OFFSET $3 LIMIT 1) AS cut
         FROM unnest($2::text[]) AS u(c)
       ) k
       WHERE k.cut IS NOT NULL AND h.portal_id = $1 AND h.contact_id = k.c AND h.seq <= k.cut`,
      [portalId, contactIds, MAX_SCORE_CHANGES_PER_CONTACT],
    );
  }

  async getScoreHistory(portalId: PortalId, contactIds: string[]): Promise<Map<string, ScoreChange[]>> {
    const found = new Map<string, ScoreChange[]>();
    if (contactIds.length === 0) return found;
    const { rows } = await this.pool.query<{ contact_id: string; data: ScoreChange }>(
      'SELECT contact_id, data FROM score_history WHERE portal_id = $1 AND contact_id = ANY($2::text[]) ORDER BY contact_id, seq',
      [portalId, contactIds],
    );
    for (const row of rows) {
      const list = found.get(row.contact_id);
      if (list) list.push(row.data);
      else found.set(row.contact_id, [row.data]);
    }
    return found;
  }

  async getLatestScoreChanges(portalId: PortalId, contactIds: string[]): Promise<Map<string, ScoreChange>> {
    const found = new Map<string, ScoreChange>();
    if (contactIds.length === 0) return found;
    // One row per contact, its newest, off the end of its primary-key range: the whole history is neither read nor sent.
    const { rows } = await this.pool.query<{ contact_id: string; data: ScoreChange }>(
      `SELECT h.contact_id, h.data FROM unnest($2::text[]) AS u(c)
       CROSS JOIN LATERAL (SELECT contact_id, data FROM score_history WHERE portal_id = $1 AND contact_id = u.c ORDER BY seq DESC LIMIT 1) h`,
      [portalId, [...new Set(contactIds)]],
    );
    for (const row of rows) found.set(row.contact_id, row.data);
    return found;
  }

  async putOutcomes(records: OutcomeRecord[]): Promise<void> {
    if (records.length === 0) return;
    const latest = new Map<string, OutcomeRecord>();
    for (const r of records) latest.set(JSON.stringify([r.portalId, outcomeKey(r)]), r);
    const rows = [...latest.values()];
    await this.pool.query(
      `INSERT INTO outcomes (portal_id, outcome_key, contact_id, at, data)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
       ON CONFLICT (portal_id, outcome_key) DO UPDATE SET contact_id = EXCLUDED.contact_id, at = EXCLUDED.at, data = EXCLUDED.data`,
      [rows.map((r) => r.portalId), rows.map(outcomeKey), rows.map((r) => r.contactId), rows.map((r) => r.at), rows.map((r) => JSON.stringify(r))],
    );
  }

  async listOutcomes(portalId: PortalId, contactIds?: string[]): Promise<OutcomeRecord[]> {
    const { rows } = await this.pool.query<{ data: OutcomeRecord }>(
      `SELECT data FROM outcomes WHERE portal_id = $1 AND ($2::text[] IS NULL OR contact_id = ANY($2::text[]))
       ORDER BY contact_id COLLATE "C", at COLLATE "C"`,
      [portalId, contactIds ?? null],
    );
    return rows.map((r) => r.data);
  }

  async listSnapshots(portalId: PortalId, afterContactId: string | null, limit: number): Promise<ContactSnapshot[]> {
    if (limit <= 0) return [];
    // The cursor is said of both tables: the planner does not carry it across the join, and a merge join would read
    // every result row before the cursor.
    const { rows } = await this.pool.query<JoinedSnapshotRow>(
      `SELECT s.profile AS p, r.result AS r FROM snapshots s JOIN snapshot_results r USING (portal_id, contact_id)
       WHERE s.portal_id = $1 AND ($2::text IS NULL OR s.contact_id > $2::text) AND ($2::text IS NULL OR r.contact_id > $2::text)
       ORDER BY s.contact_id LIMIT $3`,
      [portalId, afterContactId, limit],
    );
    return joinRows(rows);
  }

  async countSnapshots(portalId: PortalId): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM snapshots WHERE portal_id = $1', [portalId]);
    return Number(rows[0]?.n ?? 0);
  }

  async listSampledSnapshots(portalId: PortalId, below: number, afterContactId: string | null, limit: number): Promise<ContactSnapshot[]> {
    if (limit <= 0) return [];
    // The profiles in sample order, then their results by id in id order: joined in SQL, each sampled row cost a
    // descent of the results' key index in random order (~6× the time at a million contacts).
    const { rows: profiles } = await this.pool.query<{ c: string; p: Record<string, unknown> }>(
      `SELECT contact_id AS c, profile AS p FROM snapshots
       WHERE portal_id = $1 AND sample_key < $2 AND ($3::text IS NULL OR (sample_key, contact_id) > ($4::integer, $3::text))
       ORDER BY sample_key, contact_id LIMIT $5`,
      [portalId, below, afterContactId, afterContactId === null ? null : sampleKeyOf(afterContactId), limit],
    );
    if (profiles.length === 0) return [];
    const { rows: results } = await this.pool.query<{ c: string; r: StoredResult }>(
      'SELECT contact_id AS c, result AS r FROM snapshot_results WHERE portal_id = $1 AND contact_id = ANY($2::text[])',
      [portalId, profiles.map((row) => row.c).sort()],
    );
    const resultOf = new Map(results.map((row) => [row.c, row.r]));
    const page: ContactSnapshot[] = [];
    for (const row of profiles) {
      const result = resultOf.get(row.c);
      // Deleted between the two reads: gone, as it would be from a later page.
      if (result) page.push(joinSnapshot(row.p, result));
    }
    return page;
  }

  async countSnapshotFields(portalId: PortalId): Promise<SnapshotFieldCount[]> {
    const { rows } = await this.pool.query<{ q: string | null; s: string | null; g: string | null; t: string | null; f: string | null; n: string }>(
      `SELECT written_qualification AS q, written_stage AS s, written_grade AS g, written_tier AS t, written_fit_score AS f, count(*) AS n
       FROM snapshot_results WHERE portal_id = $1 GROUP BY 1, 2, 3, 4, 5`,
      [portalId],
    );
    return rows.map((r) => ({
      ...(r.q === null ? {} : { qualification: r.q }),
      ...(r.s === null ? {} : { stage: r.s }),
      ...(r.g === null ? {} : { grade: r.g }),
      ...(r.t === null ? {} : { tier: r.t }),
      ...(r.f === null ? {} : { fitScore: r.f }),
      count: Number(r.n),
    }));
  }

  async listSnapshotIdsInGroups(portalId: PortalId, groups: Array<Omit<SnapshotFieldCount, 'count'>>): Promise<string[]> {
    if (!groups.length) return [];
    // chr(1) stands for "not written" on both sides so the match is a hashed semi-join (NULL never equals NULL).
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT contact_id AS id FROM snapshot_results
       WHERE portal_id = $1
         AND (COALESCE(written_qualification, chr(1)), COALESCE(written_stage, chr(1)), COALESCE(written_grade, chr(1)), COALESCE(written_tier, chr(1)), COALESCE(written_fit_score, chr(1)))
         IN (SELECT COALESCE(qualification, chr(1)), COALESCE(stage, chr(1)), COALESCE(grade, chr(1)), COALESCE(tier, chr(1)), COALESCE("fitScore", chr(1))
             FROM json_to_recordset($2::json) AS g(qualification text, stage text, grade text, tier text, "fitScore" text))
       ORDER BY contact_id`,
      [portalId, JSON.stringify(groups)],
    );
    return rows.map((r) => r.id);
  }

  async listSnapshotMilestones(portalId: PortalId): Promise<SnapshotMilestone[]> {
    const { rows } = await this.pool.query<{ id: string; q: string | null; m: string | null; s: string | null }>(
      `SELECT contact_id AS id, written_qualification AS q, became_mql_at AS m, became_sql_at AS s FROM snapshot_results
       WHERE portal_id = $1 AND (became_mql_at IS NOT NULL OR became_sql_at IS NOT NULL OR written_qualification IN ('mql', 'sql'))
       ORDER BY contact_id`,
      [portalId],
    );
    return rows.map((r) => ({ contactId: r.id, ...(r.q === null ? {} : { qualification: r.q }), ...(r.m === null ? {} : { mqlAt: r.m }), ...(r.s === null ? {} : { sqlAt: r.s }) }));
  }

  // account snapshots

  async getAccountSnapshots(portalId: PortalId, companyIds: string[]): Promise<Map<string, AccountSnapshot>> {
    const found = new Map<string, AccountSnapshot>();
    if (companyIds.length === 0) return found;
    const { rows } = await this.pool.query<{ data: AccountSnapshot }>('SELECT data FROM account_snapshots WHERE portal_id = $1 AND company_id = ANY($2::text[])', [
      portalId,
      companyIds,
    ]);
    for (const r of rows) found.set(r.data.companyId, r.data);
    return found;
  }

  async putAccountSnapshots(snapshots: AccountSnapshot[]): Promise<void> {
    if (snapshots.length === 0) return;
    const latest = new Map<string, AccountSnapshot>();
    for (const s of snapshots) latest.set(JSON.stringify([s.portalId, s.companyId]), s);
    // Sorted, so two instances writing the same companies take row locks in one order.
    const rows = [...latest.values()].sort((a, b) => a.portalId - b.portalId || (a.companyId < b.companyId ? -1 : a.companyId > b.companyId ? 1 : 0));
    await this.pool.query(
      `INSERT INTO account_snapshots (portal_id, company_id, data)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::jsonb[])
       ON CONFLICT (portal_id, company_id) DO UPDATE SET data = EXCLUDED.data`,
      [rows.map((r) => r.portalId), rows.map((r) => r.companyId), rows.map((r) => JSON.stringify(r))],
    );
  }

  // tasks

  async getTaskRecords(portalId: PortalId, contactIds: string[]): Promise<TaskRecord[]> {
    if (contactIds.length === 0) return [];
    const { rows } = await this.pool.query<{ data: TaskRecord }>(
      'SELECT data FROM task_records WHERE portal_id = $1 AND contact_id = ANY($2::text[]) ORDER BY contact_id, kind',
      [portalId, contactIds],
    );
    return rows.map((r) => r.data);
  }

  async putTaskRecords(records: TaskRecord[]): Promise<void> {
    if (records.length === 0) return;
    const latest = new Map<string, TaskRecord>();
    for (const r of records) latest.set(JSON.stringify([r.portalId, r.contactId, r.kind]), r);
    const rows = [...latest.values()].sort(
      (a, b) => a.portalId - b.portalId || (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0) || (a.kind < b.kind ? -1 : 1),
    );
    await this.pool.query(
      `INSERT INTO task_records (portal_id, contact_id, kind, status, data)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
       ON CONFLICT (portal_id, contact_id, kind) DO UPDATE SET status = EXCLUDED.status, data = EXCLUDED.data`,
      [rows.map((r) => r.portalId), rows.map((r) => r.contactId), rows.map((r) => r.kind), rows.map((r) => r.status), rows.map((r) => JSON.stringify(r))],
    );
  }

  async listTaskRecords(portalId: PortalId, filter: TaskRecordFilter = {}): Promise<TaskRecord[]> {
    // madeSince goes by the expression index of migration 7 (TASK_MADE_AT); without it every record of the portal is read.
    const { rows } = await this.pool.query<{ data: TaskRecord }>(
      `SELECT data FROM task_records WHERE portal_id = $1 AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR status = $3)
       ${filter.madeSince === undefined ? '' : `AND ${TASK_MADE_AT} >= $4`}
       ORDER BY contact_id, kind`,
      filter.madeSince === undefined ? [portalId, filter.kind ?? null, filter.status ?? null] : [portalId, filter.kind ?? null, filter.status ?? null, filter.madeSince],
    );
    return rows.map((r) => r.data);
  }

  async countTaskRecords(portalId: PortalId): Promise<TaskRecordCount[]> {
    // An index-only scan of task_records_portal_status (migration 1): the records themselves are not read.
    const { rows } = await this.pool.query<{ kind: TaskRecordCount['kind']; status: TaskRecordCount['status']; n: string }>(
      'SELECT kind, status, count(*) AS n FROM task_records WHERE portal_id = $1 GROUP BY status, kind',
      [portalId],
    );
    return rows.map((r) => ({ kind: r.kind, status: r.status, count: Number(r.n) }));
  }

  // jobs and locks

  async getJobState(portalId: PortalId, job: string): Promise<JobState | undefined> {
    const { rows } = await this.pool.query<{ data: JobState }>('SELECT data FROM job_states WHERE portal_id = $1 AND job = $2', [portalId, job]);
    return rows[0]?.data;
  }

  async putJobState(state: JobState): Promise<void> {
    await this.pool.query(
      `INSERT INTO job_states (portal_id, job, data) VALUES ($1, $2, $3)
       ON CONFLICT (portal_id, job) DO UPDATE SET data = EXCLUDED.data`,
      [state.portalId, state.job, JSON.stringify(state)],
    );
  }

  async acquireLock(name: string, owner: string, ttlMs: number, now: number): Promise<boolean> {
    const result = await this.pool.query(
      `INSERT INTO locks (name, owner, expires_at) VALUES ($1, $2, $3::bigint + $4::bigint)
       ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
       WHERE locks.owner = EXCLUDED.owner OR locks.expires_at <= $3::bigint`,
      [name, owner, now, ttlMs],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async releaseLock(name: string, owner: string): Promise<void> {
    await this.pool.query('DELETE FROM locks WHERE name = $1 AND owner = $2', [name, owner]);
  }

  /** Ready while a write succeeds (a read-only or full database is not ready): an expired lock row, cached briefly. */
  async ping(): Promise<boolean> {
    if (this.#writeHealth?.ok && Date.now() - this.#writeHealth.at < WRITE_PROBE_CACHE_MS) return true;
    let ok: boolean;
    try {
      await this.pool.query(
        `INSERT INTO locks (name, owner, expires_at) VALUES ('readyz-write-probe', 'readyz', 0)
         ON CONFLICT (name) DO UPDATE SET expires_at = 0`,
      );
      ok = true;
    } catch {
      ok = false;
    }
    this.#writeHealth = { at: Date.now(), ok };
    return ok;
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}

/** Connects, applies pending migrations, and returns the store. */
export async function openPostgresStore(databaseUrl: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const schema = options.schema ?? 'public';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid PostgreSQL schema name "${schema}" (letters, digits, _)`);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.poolSize ?? 10, options: `-c search_path=${schema}` });
  // An idle client that loses its connection must not crash the process; the next query reports the problem.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    try {
      await migrate(client, schema);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  return new PostgresStore(pool, options);
}
