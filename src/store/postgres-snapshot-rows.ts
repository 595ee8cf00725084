// A contact snapshot in PostgreSQL is two rows (migration 8): the profile (what was read from HubSpot) in `snapshots`,
// and the result (what was written back) in `snapshot_results`, beside the written values the console counts. Decay
// rewrites only results, daily, for most contacts; kept apart, an update copies the narrow row and leaves the profile
// (two thirds of the document) and its indexes alone.
import { type ContactSnapshot, SNAPSHOT_RESULT_FIELDS, type SnapshotResult } from './store.ts';
import { writtenColumns } from './snapshot-fields.ts';

/** A snapshot's result fields are its result row; everything else is its profile. */
const RESULT_FIELD_SET: ReadonlySet<string> = new Set(SNAPSHOT_RESULT_FIELDS);

/** A result as its row keeps it (the contact id is the row's key). */
export type StoredResult = Omit<SnapshotResult, 'contactId'>;

/** One row of the JSON array the snapshot statements read with json_to_recordset. */
export interface SnapshotRow {
  p: number;
  c: string;
  /** The result's JSON; `o` says whether it names an owner (without one, the stored owner stays). */
  r: StoredResult;
  o: boolean;
  q: string | null;
  s: string | null;
  g: string | null;
  t: string | null;
  f: string | null;
  m: string | null;
  x: string | null;
  /** The profile (snapshot rows only; a results-only update leaves the stored one). */
  d?: Record<string, unknown>;
}

function resultRow(portalId: number, contactId: string, result: StoredResult): SnapshotRow {
  const columns = writtenColumns(result.written);
  return {
    p: portalId,
    c: contactId,
    r: result,
    o: result.ownerId !== undefined,
    q: columns.qualification,
    s: columns.stage,
    g: columns.grade,
    t: columns.tier,
    f: columns.fitScore,
    m: columns.mqlAt,
    x: columns.sqlAt,
  };
}

/** A whole snapshot as its profile and result rows. */
export function snapshotRow(snapshot: ContactSnapshot): SnapshotRow {
  const profile: Record<string, unknown> = {};
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(snapshot)) (RESULT_FIELD_SET.has(name) ? result : profile)[name] = value;
  return { ...resultRow(snapshot.portalId, snapshot.contactId, result as unknown as StoredResult), d: profile };
}

/** A result alone, for putSnapshotResults. */
export function resultOnlyRow(portalId: number, result: SnapshotResult): SnapshotRow {
  const { contactId, ...stored } = result;
  return resultRow(portalId, contactId, stored);
}

/** The snapshot again from its two rows, as the driver parsed them. */
export function joinSnapshot(profile: Record<string, unknown>, result: StoredResult): ContactSnapshot {
  return { ...profile, ...result } as ContactSnapshot;
}

/** A snapshot's columns as json_to_recordset reads a SnapshotRow (without the profile). */
export const SNAPSHOT_ROW_COLUMNS = 'p bigint, c text, r json, o boolean, q text, s text, g text, t text, f text, m text, x text';
export const WRITTEN_COLUMNS = 'written_qualification, written_stage, written_grade, written_tier, written_fit_score, became_mql_at, became_sql_at';
export const WRITTEN_COLUMNS_FROM_EXCLUDED = WRITTEN_COLUMNS.split(', ')
  .map((column) => `${column} = EXCLUDED.${column}`)
  .join(', ');

/** A row of `SELECT s.profile AS p, r.result AS r`, as the driver parses json. */
export interface JoinedSnapshotRow {
  p: Record<string, unknown>;
  r: StoredResult;
}

export function joinRows(rows: JoinedSnapshotRow[]): ContactSnapshot[] {
  return rows.map((row) => joinSnapshot(row.p, row.r));
}
