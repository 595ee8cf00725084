// What the funnels count of a snapshot, for the stores that read snapshots one by one (PostgreSQL groups them in SQL
// over columns of the same values, which it fills from writtenColumns: src/store/postgres-snapshot-rows.ts).
import type { ContactSnapshot, SnapshotFieldCount, SnapshotMilestone } from './store.ts';

type Fields = Omit<SnapshotFieldCount, 'count'>;

function fieldsOf(snapshot: ContactSnapshot): Fields {
  const { qualification, stage, grade, tier, fitScore } = writtenColumns(snapshot.written);
  const fields: Fields = {};
  const take = (name: keyof Fields, value: string | null) => {
    if (value !== null) fields[name] = value;
  };
  take('qualification', qualification);
  take('stage', stage);
  take('grade', grade);
  take('tier', tier);
  take('fitScore', fitScore);
  return fields;
}

/** One key per combination of values, absent and present-but-empty told apart. */
export const groupKey = (f: Fields) => JSON.stringify([f.qualification ?? null, f.stage ?? null, f.grade ?? null, f.tier ?? null, f.fitScore ?? null]);

export function snapshotGroupKey(snapshot: ContactSnapshot): string {
  return groupKey(fieldsOf(snapshot));
}

export class SnapshotFieldTally {
  readonly #groups = new Map<string, SnapshotFieldCount>();

  add(snapshot: ContactSnapshot): void {
    const fields = fieldsOf(snapshot);
    const key = groupKey(fields);
    const group = this.#groups.get(key);
    if (group) group.count += 1;
    else this.#groups.set(key, { ...fields, count: 1 });
  }

  counts(): SnapshotFieldCount[] {
    return [...this.#groups.values()];
  }
}

/**
 * The written values the funnels count and the milestones: null where not written, an empty milestone as none. The one
 * reading of them: fieldsOf and milestoneOf here, and PostgreSQL's columns beside each result.
 */
export function writtenColumns(written: Record<string, string>): {
  qualification: string | null;
  stage: string | null;
  grade: string | null;
  tier: string | null;
  fitScore: string | null;
  mqlAt: string | null;
  sqlAt: string | null;
} {
  const w = written;
  return {
    qualification: w.bant_qualification ?? null,
    stage: (w.lifecyclestage || w.bant_lifecycle_stage) ?? null,
    grade: w.bant_fit_grade ?? null,
    tier: w.bant_engagement_tier ?? null,
    fitScore: w.bant_fit_score ?? null,
    mqlAt: w.bant_became_mql_at || null,
    sqlAt: w.bant_became_sql_at || null,
  };
}

export function milestoneOf(snapshot: ContactSnapshot): SnapshotMilestone | undefined {
  const { qualification, mqlAt, sqlAt } = writtenColumns(snapshot.written);
  if (!mqlAt && !sqlAt && qualification !== 'mql' && qualification !== 'sql') return undefined;
  return {
    contactId: snapshot.contactId,
    ...(qualification !== null ? { qualification } : {}),
    ...(mqlAt ? { mqlAt } : {}),
    ...(sqlAt ? { sqlAt } : {}),
  };
}
