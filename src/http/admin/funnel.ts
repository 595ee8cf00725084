// The funnel KPIs of seed 003 (Lead Qualification Metriken und KPIs), from the stored snapshots and task records:
// contacts per outcome and lifecycle stage, MQL→SQL conversion, lead velocity, score distribution, tasks.
import { GRADES, QUALIFICATIONS, TASK_KINDS, TIERS } from '../../scoring/types.ts';
import type { PortalId, Store, TaskRecord } from '../../store/store.ts';
import { forEachSnapshot } from './read-snapshots.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const WINDOW_DAYS = 30;

export interface FunnelView {
  contacts: number;
  outcomes: Record<string, number>;
  lifecycleStages: Array<{ stage: string; count: number }>;
  /** sql / (mql + sql): of the contacts that reached MQL, the share that is sales-ready (seed 003 target 20–40 %). */
  mqlToSqlRate: number | null;
  leadVelocity: {
    windowDays: number;
    /** Contacts that became SQL (their call_sql task was created) in the last window, and in the one before. */
    sqlThisWindow: number;
    sqlPreviousWindow: number;
    /** Growth of new SQLs window over window (lead velocity rate); null without a previous window. */
    growthRate: number | null;
    /** Median days from a contact's first recorded activity to becoming SQL. */
    medianDaysToSql: number | null;
  };
  scoreDistribution: {
    /** Fit score histogram, ten buckets of 10 points (the last one is 90–100). */
    fitBuckets: Array<{ from: number; to: number; count: number }>;
    grades: Record<string, number>;
    tiers: Record<string, number>;
  };
  tasks: {
    created: number;
    open: number;
    completed: number;
    escalated: number;
    byKind: Record<string, { created: number; open: number; completed: number }>;
  };
}

const zeroes = (keys: readonly (string | number)[]) => Object.fromEntries(keys.map((k) => [String(k), 0])) as Record<string, number>;

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function summariseTasks(records: TaskRecord[]): FunnelView['tasks'] {
  const byKind = Object.fromEntries(TASK_KINDS.map((k) => [k, { created: 0, open: 0, completed: 0 }])) as FunnelView['tasks']['byKind'];
  let open = 0;
  let completed = 0;
  for (const record of records) {
    // A deferred task (over the daily budget) was never created in HubSpot.
    if (record.status === 'deferred') continue;
    const kind = byKind[record.kind] ?? { created: 0, open: 0, completed: 0 };
    byKind[record.kind] = kind;
    kind.created += 1;
    if (record.status === 'open') {
      kind.open += 1;
      open += 1;
    }
    if (record.status === 'completed') {
      kind.completed += 1;
      completed += 1;
    }
  }
  const created = records.filter((r) => r.status !== 'deferred').length;
  return { created, open, completed, escalated: byKind.escalate?.created ?? 0, byKind };
}

export async function computeFunnel(store: Store, portalId: PortalId, nowMs: number): Promise<FunnelView> {
  const outcomes: Record<string, number> = { ...zeroes(QUALIFICATIONS), unscored: 0 };
  const stages = new Map<string, number>();
  const grades = zeroes(GRADES);
  const tiers = zeroes(TIERS);
  const fitBuckets = Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: i === 9 ? 100 : i * 10 + 9, count: 0 }));
  const firstActivity = new Map<string, number>();

  const contacts = await forEachSnapshot(store, portalId, (snapshot) => {
    const w = snapshot.written;
    const outcome = w.bant_qualification;
    if (outcome && Object.hasOwn(outcomes, outcome)) outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    else outcomes.unscored = (outcomes.unscored ?? 0) + 1;
    const stage = w.lifecyclestage || w.bant_lifecycle_stage;
    if (stage) stages.set(stage, (stages.get(stage) ?? 0) + 1);
    if (w.bant_fit_grade && Object.hasOwn(grades, w.bant_fit_grade)) grades[w.bant_fit_grade] = (grades[w.bant_fit_grade] ?? 0) + 1;
    if (w.bant_engagement_tier && Object.hasOwn(tiers, w.bant_engagement_tier)) tiers[w.bant_engagement_tier] = (tiers[w.bant_engagement_tier] ?? 0) + 1;
    const fit = Number(w.bant_fit_score);
    if (w.bant_fit_score !== undefined && w.bant_fit_score !== '' && Number.isFinite(fit)) {
      const bucket = fitBuckets[Math.min(9, Math.max(0, Math.floor(fit / 10)))];
      if (bucket) bucket.count += 1;
    }
    let first = Number.POSITIVE_INFINITY;
    for (const activity of snapshot.activities) first = Math.min(first, Date.parse(activity.at));
    if (Number.isFinite(first)) firstActivity.set(snapshot.contactId, first);
  });

  const records = await store.listTaskRecords(portalId);
  const windowMs = WINDOW_DAYS * DAY_MS;
  let sqlThisWindow = 0;
  let sqlPreviousWindow = 0;
  const daysToSql: number[] = [];
  for (const record of records) {
    if (record.kind !== 'call_sql') continue;
    const created = Date.parse(record.createdAt);
    if (created > nowMs - windowMs) sqlThisWindow += 1;
    else if (created > nowMs - 2 * windowMs) sqlPreviousWindow += 1;
    const first = firstActivity.get(record.contactId);
    if (first !== undefined && created >= first) daysToSql.push((created - first) / DAY_MS);
  }
  const mql = outcomes.mql ?? 0;
  const sql = outcomes.sql ?? 0;
  const medianDays = median(daysToSql);
  return {
    contacts,
    outcomes,
    lifecycleStages: [...stages].map(([stage, count]) => ({ stage, count })).sort((a, b) => b.count - a.count),
    mqlToSqlRate: mql + sql > 0 ? sql / (mql + sql) : null,
    leadVelocity: {
      windowDays: WINDOW_DAYS,
      sqlThisWindow,
      sqlPreviousWindow,
      growthRate: sqlPreviousWindow > 0 ? (sqlThisWindow - sqlPreviousWindow) / sqlPreviousWindow : null,
      medianDaysToSql: medianDays === null ? null : Math.round(medianDays * 10) / 10,
    },
    scoreDistribution: { fitBuckets, grades, tiers },
    tasks: summariseTasks(records),
  };
}
