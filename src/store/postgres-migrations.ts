// PostgreSQL schema, as ordered migrations. Applied at start-up by openPostgresStore (each once, recorded in
// schema_migrations). Never edit a released migration: add a new one. Tables are unqualified: the store sets
// search_path to its schema. Times are epoch milliseconds (bigint), like the Store interface.
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** taskMadeAt (src/store/store.ts) in SQL: the expression of migration 7's index, which queries must repeat exactly. */
export const TASK_MADE_AT = `(CASE WHEN status = 'deferred' THEN data->>'budgetedAt' ELSE data->>'createdAt' END)`;

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE installations (
  portal_id bigint PRIMARY KEY,
  data jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE oauth_states (
  state text PRIMARY KEY,
  expires_at bigint NOT NULL,
  data jsonb NOT NULL
);
CREATE INDEX oauth_states_expires_at ON oauth_states (expires_at);

CREATE TABLE webhook_events (
  event_key text PRIMARY KEY,
  seen_at bigint NOT NULL
);
CREATE INDEX webhook_events_seen_at ON webhook_events (seen_at);

CREATE TABLE work_queue (
  id bigserial PRIMARY KEY,
  portal_id bigint NOT NULL,
  kind text NOT NULL,
  key text NOT NULL,
  payload jsonb,
  not_before bigint NOT NULL,
  occurred_at bigint,
  attempts integer NOT NULL DEFAULT 0,
  lease_until bigint,
  -- bumped by every coalescing enqueue; compared with leased_version by complete()
  version integer NOT NULL DEFAULT 0,
  leased_version integer,
  last_error text,
  UNIQUE (portal_id, kind, key)
);
CREATE INDEX work_queue_due ON work_queue (not_before, id);
CREATE INDEX work_queue_portal ON work_queue (portal_id, not_before);

CREATE TABLE dead_letters (
  id bigint PRIMARY KEY,
  portal_id bigint NOT NULL,
  kind text NOT NULL,
  key text NOT NULL,
  payload jsonb,
  not_before bigint NOT NULL,
  occurred_at bigint,
  attempts integer NOT NULL,
  reason text NOT NULL,
  failed_at bigint NOT NULL
);
CREATE INDEX dead_letters_portal ON dead_letters (portal_id, failed_at);

CREATE TABLE snapshots (
  portal_id bigint NOT NULL,
  -- "C": plain code-point order, the order listSnapshots promises
  contact_id text COLLATE "C" NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (portal_id, contact_id)
);

CREATE TABLE task_records (
  portal_id bigint NOT NULL,
  contact_id text NOT NULL,
  kind text NOT NULL,
  status text NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (portal_id, contact_id, kind)
);
CREATE INDEX task_records_portal_status ON task_records (portal_id, status, kind);

CREATE TABLE job_states (
  portal_id bigint NOT NULL,
  job text NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (portal_id, job)
);

CREATE TABLE locks (
  name text PRIMARY KEY,
  owner text NOT NULL,
  expires_at bigint NOT NULL
);

-- Coalescing: keys of b win, except arrays on both sides, which are unioned (a's order, then b's new elements).
CREATE FUNCTION merge_payload(a jsonb, b jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $fn$
  SELECT CASE
    WHEN a IS NULL THEN b
    WHEN b IS NULL THEN a
    ELSE a || COALESCE((
      SELECT jsonb_object_agg(k, CASE
        WHEN jsonb_typeof(a -> k) = 'array' AND jsonb_typeof(v) = 'array' THEN (
          SELECT COALESCE(jsonb_agg(e ORDER BY o), '[]'::jsonb) FROM (
            SELECT e, min(o) AS o FROM (
              SELECT e, o FROM jsonb_array_elements(a -> k) WITH ORDINALITY AS x(e, o)
              UNION ALL
              SELECT e, o + 1000000000 FROM jsonb_array_elements(v) WITH ORDINALITY AS y(e, o)
            ) AS both_sides GROUP BY e
          ) AS unioned)
        ELSE v END)
      FROM jsonb_each(b) AS t(k, v)), '{}'::jsonb)
  END
$fn$;
`,
  },
  {
    version: 2,
    name: 'admin sessions',
    sql: `
CREATE TABLE admin_sessions (
  id text PRIMARY KEY,
  portal_id bigint NOT NULL,
  expires_at bigint NOT NULL,
  data jsonb NOT NULL
);
CREATE INDEX admin_sessions_portal ON admin_sessions (portal_id);
CREATE INDEX admin_sessions_expires_at ON admin_sessions (expires_at);
`,
  },
  {
    version: 3,
    name: 'score history and outcomes',
    sql: `
CREATE TABLE score_history (
  portal_id bigint NOT NULL,
  contact_id text NOT NULL,
  seq bigserial,
  data jsonb NOT NULL,
  PRIMARY KEY (portal_id, contact_id, seq)
);

CREATE TABLE outcomes (
  portal_id bigint NOT NULL,
  outcome_key text NOT NULL,
  contact_id text NOT NULL,
  at text NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (portal_id, outcome_key)
);
CREATE INDEX outcomes_contact ON outcomes (portal_id, contact_id);
`,
  },
  {
    version: 4,
    name: 'account snapshots',
    sql: `
CREATE TABLE account_snapshots (
  portal_id bigint NOT NULL,
  company_id text NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (portal_id, company_id)
);
`,
  },
  {
    version: 5,
    name: 'queue claim per portal by key',
    // A portal's lease reads its oldest due items in (not_before, id) order straight off this index, and the fair
    // round-robin finds the next portal with due work by one probe per portal (src/store/postgres-store.ts).
    sql: `
CREATE INDEX work_queue_portal_due ON work_queue (portal_id, not_before, id);
DROP INDEX work_queue_portal;
-- Backfill requests are one row per portal among possibly millions of rescores: their own lane finds them here.
CREATE INDEX work_queue_backfill_due ON work_queue (portal_id, not_before, id) WHERE kind = 'backfill';
`,
  },
  {
    version: 6,
    name: 'snapshot columns for the console at a million contacts',
    // The console's funnel counts by these values and the what-if scores a sample by the key (src/store/sample-key.ts
    // computes the same key in the app); generated columns stay right through every write of the snapshot, including
    // putSnapshotResults' partial update. The counts come from the funnel index alone (an index-only scan; few distinct
    // values, so deduplication keeps it near 7 MB per million contacts), the milestones from their partial index.
    sql: `
ALTER TABLE snapshots
  ADD COLUMN sample_key integer GENERATED ALWAYS AS (('x' || substr(md5(contact_id), 1, 7))::bit(28)::integer) STORED,
  ADD COLUMN written_qualification text GENERATED ALWAYS AS (data->'written'->>'bant_qualification') STORED,
  ADD COLUMN written_stage text GENERATED ALWAYS AS (COALESCE(NULLIF(data->'written'->>'lifecyclestage', ''), data->'written'->>'bant_lifecycle_stage')) STORED,
  ADD COLUMN written_grade text GENERATED ALWAYS AS (data->'written'->>'bant_fit_grade') STORED,
  ADD COLUMN written_tier text GENERATED ALWAYS AS (data->'written'->>'bant_engagement_tier') STORED,
  ADD COLUMN written_fit_score text GENERATED ALWAYS AS (data->'written'->>'bant_fit_score') STORED,
  ADD COLUMN became_mql_at text GENERATED ALWAYS AS (NULLIF(data->'written'->>'bant_became_mql_at', '')) STORED,
  ADD COLUMN became_sql_at text GENERATED ALWAYS AS (NULLIF(data->'written'->>'bant_became_sql_at', '')) STORED;
CREATE INDEX snapshots_sample ON snapshots (portal_id, sample_key, contact_id);
CREATE INDEX snapshots_funnel ON snapshots (portal_id, written_qualification, written_stage, written_grade, written_tier, written_fit_score);
CREATE INDEX snapshots_milestones ON snapshots (portal_id, contact_id) INCLUDE (written_qualification, became_mql_at, became_sql_at)
  WHERE became_mql_at IS NOT NULL OR became_sql_at IS NOT NULL OR written_qualification IN ('mql', 'sql');
`,
  },
  {
    version: 7,
    name: 'task records by when their task was made',
    // The daily task budget counts the tasks made today on every task sync (src/jobs/sync-tasks.ts); without this index
    // each sync read every task record of the portal, so a decay pass over a large portal grew with its square.
    sql: `
CREATE INDEX task_records_made_at ON task_records (portal_id, ${TASK_MADE_AT});
`,
  },
  {
    version: 8,
    name: 'snapshot results apart from profiles',
    // Decay rewrites the result of most contacts daily (src/jobs/decay.ts). In one jsonb document with the profile,
    // each such update parsed the result into jsonb, rebuilt the ~1.5 KB document and wrote it again with every index
    // of the table: at a million contacts the largest cost of the pass. Now the result is a narrow row of its own, kept
    // as json (stored as written, not parsed into a tree: no query looks inside it), with the written values the
    // console counts as plain columns the store fills (src/store/postgres-snapshot-rows.ts). Free space on each page
    // lets an update that leaves the counted values as they were stay on its page without new index entries (HOT).
    // The profile stays in snapshots, as json too, and is written only when a contact is read from HubSpot again.
    sql: `
CREATE TABLE snapshot_results (
  portal_id bigint NOT NULL,
  contact_id text COLLATE "C" NOT NULL,
  result json NOT NULL,
  written_qualification text,
  written_stage text,
  written_grade text,
  written_tier text,
  written_fit_score text,
  became_mql_at text,
  became_sql_at text,
  PRIMARY KEY (portal_id, contact_id)
) WITH (fillfactor = 80);
INSERT INTO snapshot_results (portal_id, contact_id, result, written_qualification, written_stage, written_grade, written_tier, written_fit_score, became_mql_at, became_sql_at)
  SELECT portal_id, contact_id,
    (SELECT COALESCE(jsonb_object_agg(f.k, f.v), '{}'::jsonb) FROM jsonb_each(data) AS f(k, v)
      WHERE f.k IN ('ownerId', 'written', 'writtenAt', 'scoredAt', 'modelVersion', 'leadProcess', 'routedTo'))::json,
    written_qualification, written_stage, written_grade, written_tier, written_fit_score, became_mql_at, became_sql_at
  FROM snapshots;
DROP INDEX snapshots_funnel;
DROP INDEX snapshots_milestones;
ALTER TABLE snapshots
  DROP COLUMN written_qualification,
  DROP COLUMN written_stage,
  DROP COLUMN written_grade,
  DROP COLUMN written_tier,
  DROP COLUMN written_fit_score,
  DROP COLUMN became_mql_at,
  DROP COLUMN became_sql_at;
ALTER TABLE snapshots ALTER COLUMN data TYPE json USING (data - '{ownerId,written,writtenAt,scoredAt,modelVersion,leadProcess,routedTo}'::text[])::json;
ALTER TABLE snapshots RENAME COLUMN data TO profile;
CREATE INDEX snapshot_results_funnel ON snapshot_results (portal_id, written_qualification, written_stage, written_grade, written_tier, written_fit_score);
CREATE INDEX snapshot_results_milestones ON snapshot_results (portal_id, contact_id) INCLUDE (written_qualification, became_mql_at, became_sql_at)
  WHERE became_mql_at IS NOT NULL OR became_sql_at IS NOT NULL OR written_qualification IN ('mql', 'sql');
`,
  },
];
