// The funnel KPIs of seed 003 (lead qualification metrics), from the stored snapshots and task records, for a date
// range: where contacts stand now (outcomes, lifecycle stages, scores), the MQL cohort of the range and how much of it
// became SQL, lead velocity without the install backfill, and the tasks. The store counts (Store.countSnapshotFields,
// Store.listSnapshotMilestones), so a million contacts are counted, not sampled. Every number has a metric key, so the
// console can list the contacts behind it (drill-down) and export them. When a contact reached MQL and SQL comes from
// its `bant_became_mql_at` / `bant_became_sql_at` (else its score history); won from the recorded outcomes.
import { GRADES, QUALIFICATIONS, TASK_KINDS, TIERS } from '../../scoring/types.ts';
import type { Installation, JobState, PortalId, SnapshotFieldCount, Store, TaskRecord, TaskRecordCount } from '../../store/store.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_RANGE_DAYS = 30;
/** When the install backfill's own run is unknown, tasks of the first day after the install count as the backfill's. */
const BACKFILL_FALLBACK_MS = DAY_MS;

/** HubSpot's default lifecycle stages by internal value (https://knowledge.hubspot.com/records/use-lifecycle-stages). */
export const LIFECYCLE_LABELS: Record<string, string> = {
  subscriber: 'Subscriber',
  lead: 'Lead',
  marketingqualifiedlead: 'Marketing Qualified Lead',
  salesqualifiedlead: 'Sales Qualified Lead',
  opportunity: 'Opportunity',
  customer: 'Customer',
  evangelist: 'Evangelist',
  other: 'Other',
};
export const lifecycleLabel = (stage: string) => (Object.hasOwn(LIFECYCLE_LABELS, stage) ? (LIFECYCLE_LABELS[stage] ?? stage) : `Custom stage ${stage}`);

export interface FunnelRange {
  fromMs: number;
  toMs: number;
}

export interface FunnelView {
  range: { from: string; to: string };
  contacts: number;
  /** How the numbers were made: counted from every stored contact (the store counts; no sample). */
  basis: string;
  outcomes: Record<string, number>;
  lifecycleStages: Array<{ stage: string; label: string; count: number }>;
  cohort: {
    definition: string;
    /** Contacts that first reached MQL (or SQL) in the range. */
    entered: number;
    /** Of those, the ones that became SQL (by now). */
    converted: number;
    rate: number | null;
    /** Of those, the ones with a won outcome (deal, feedback or customer stage) by now; null while the portal has no outcomes. */
    won: number | null;
    wonRate: number | null;
  };
  leadVelocity: {
    /** Contacts that became SQL in the range, and in the range of the same length before it. */
    sqlInRange: number;
    sqlPreviousRange: number;
    growthRate: number | null;
    /** Median days to SQL, counted from the contact's first recorded activity (its creation date is not stored). */
    medianDaysToSql: number | null;
    daysToSqlFrom: 'first recorded activity';
    /** Tasks created until this time are the install backfill's: contacts that were MQL or SQL before the app came. */
    backfillUntil: string | null;
    excludedAsBackfill: number;
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

/**
 * The end of the install backfill: the backfill run that started within a day of the install, or (unknown, e.g. a
 * later backfill replaced its record) the first day after the install.
 */
export function installBackfillEnd(installation: Pick<Installation, 'installedAt'>, backfill: JobState | undefined, nowMs: number): number {
  const installedMs = Date.parse(installation.installedAt);
  const run = backfill?.lastRun;
  if (run && Date.parse(run.startedAt) <= installedMs + DAY_MS) return run.finishedAt ? Date.parse(run.finishedAt) : nowMs;
  if (!run && backfill?.progress && Date.parse(backfill.progress.startedAt) <= installedMs + DAY_MS) return nowMs;
  return installedMs + BACKFILL_FALLBACK_MS;
}

/** Drill-down keys: `outcome:mql`, `stage:lead`, `grade:A`, `tier:1`, `fit:40`, `cohort`, `cohort:converted`, `cohort:won`, `sql:range`, `sql:previous`, `tasks:open`… */
export const METRIC_PATTERN = /^(outcome:(sql|mql|nurture|disqualified|unscored)|stage:[\w-]{1,64}|grade:[ABCD]|tier:[1-4]|fit:(0|10|20|30|40|50|60|70|80|90)|cohort|cohort:converted|cohort:won|sql:range|sql:previous|tasks:(created|open|completed|escalated))$/;

type SnapshotFields = Omit<SnapshotFieldCount, 'count'>;

function snapshotMetrics(f: SnapshotFields): string[] {
  const keys = [`outcome:${f.qualification && (QUALIFICATIONS as readonly string[]).includes(f.qualification) ? f.qualification : 'unscored'}`];
  if (f.stage) keys.push(`stage:${f.stage}`);
  if (f.grade) keys.push(`grade:${f.grade}`);
  if (f.tier) keys.push(`tier:${f.tier}`);
  const fit = Number(f.fitScore);
  if (f.fitScore !== undefined && f.fitScore !== '' && Number.isFinite(fit)) keys.push(`fit:${Math.min(9, Math.max(0, Math.floor(fit / 10))) * 10}`);
  return keys;
}

const isSnapshotMetric = (metric: string | undefined) => metric !== undefined && /^(outcome|stage|grade|tier|fit):/.test(metric);

/** The funnel's task figures from the store's counts by kind and status. */
export function summariseTasks(counts: TaskRecordCount[]): FunnelView['tasks'] {
  const byKind = Object.fromEntries(TASK_KINDS.map((k) => [k, { created: 0, open: 0, completed: 0 }])) as FunnelView['tasks']['byKind'];
  let created = 0;
  let open = 0;
  let completed = 0;
  for (const { kind: name, status, count } of counts) {
    // A deferred task (over the daily budget) was never created in HubSpot.
    if (status === 'deferred') continue;
    const kind = (Object.hasOwn(byKind, name) ? byKind[name] : undefined) ?? { created: 0, open: 0, completed: 0 };
    byKind[name] = kind;
    kind.created += count;
    created += count;
    if (status === 'open') {
      kind.open += count;
      open += count;
    }
    if (status === 'completed') {
      kind.completed += count;
      completed += count;
    }
  }
  return { created, open, completed, escalated: byKind.escalate?.created ?? 0, byKind };
}

function taskMetrics(record: TaskRecord): string[] {
  if (record.status === 'deferred') return [];
  const keys = ['tasks:created'];
  if (record.status === 'open') keys.push('tasks:open');
  if (record.status === 'completed') keys.push('tasks:completed');
  if (record.kind === 'escalate') keys.push('tasks:escalated');
  return keys;
}

/** A milestone property as written (ISO) or as HubSpot returns datetimes (epoch ms); undefined when empty or garbled. */
function milestoneMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

const HISTORY_CHUNK = 500;

/** Contacts scored MQL or SQL before the milestone properties were written: their first MQL and SQL in the score history. */
async function addHistoryMilestones(store: Store, portalId: PortalId, contactIds: string[], reached: Map<string, number>, becameSql: Map<string, number>): Promise<void> {
  for (let i = 0; i < contactIds.length; i += HISTORY_CHUNK) {
    const history = await store.getScoreHistory(portalId, contactIds.slice(i, i + HISTORY_CHUNK));
    for (const [contactId, changes] of history) {
      const mql = changes.find((c) => c.qualification === 'mql' || c.qualification === 'sql');
      const sql = changes.find((c) => c.qualification === 'sql');
      if (mql && Number.isFinite(Date.parse(mql.at))) reached.set(contactId, Date.parse(mql.at));
      if (sql && Number.isFinite(Date.parse(sql.at))) becameSql.set(contactId, Date.parse(sql.at));
    }
  }
}

/** When each contact's first recorded activity was, for the few whose days to SQL the velocity needs. */
async function firstActivities(store: Store, portalId: PortalId, contactIds: string[]): Promise<Map<string, number>> {
  const first = new Map<string, number>();
  for (let i = 0; i < contactIds.length; i += HISTORY_CHUNK) {
    for (const [contactId, snapshot] of await store.getSnapshots(portalId, contactIds.slice(i, i + HISTORY_CHUNK))) {
      let earliest = Number.POSITIVE_INFINITY;
      for (const activity of snapshot.activities) earliest = Math.min(earliest, Date.parse(activity.at));
      if (Number.isFinite(earliest)) first.set(contactId, earliest);
    }
  }
  return first;
}

export interface FunnelOptions {
  range: FunnelRange;
  backfillUntilMs: number | null;
  /** Collect the ids of the contacts behind this metric. */
  drill?: string;
}

/** The combinations of written values a metric counts, then the contacts the store has with one of them. */
function listCounted(store: Store, portalId: PortalId, groups: SnapshotFieldCount[], metric: string): Promise<string[]> {
  const counted = groups.filter((group) => snapshotMetrics(group).includes(metric)).map(({ count: _count, ...fields }) => fields);
  return store.listSnapshotIdsInGroups(portalId, counted);
}

/**
 * The contacts behind one number of the funnel. A number of written values (outcome, stage, grade, tier, fit score) is
 * listed from the store's counts alone; the others (cohort, velocity, tasks) need the rest of the funnel.
 */
export async function listDrilledContacts(store: Store, portalId: PortalId, options: FunnelOptions & { drill: string }): Promise<string[]> {
  if (isSnapshotMetric(options.drill)) return listCounted(store, portalId, await store.countSnapshotFields(portalId), options.drill);
  return (await computeFunnel(store, portalId, options)).drilled;
}

export async function computeFunnel(store: Store, portalId: PortalId, options: FunnelOptions): Promise<{ view: FunnelView; drilled: string[] }> {
  const { range, drill } = options;
  const drilled = new Set<string>();
  const outcomes: Record<string, number> = { ...zeroes(QUALIFICATIONS), unscored: 0 };
  const stages = new Map<string, number>();
  const grades = zeroes(GRADES);
  const tiers = zeroes(TIERS);
  const fitBuckets = Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: i === 9 ? 100 : i * 10 + 9, count: 0 }));
  // Per contact: when it first reached MQL or SQL, and when it became SQL.
  const reached = new Map<string, number>();
  const becameSql = new Map<string, number>();
  const withoutMilestones: string[] = [];

  // Counted by the store (one row per combination of values, not per contact); only a drill-down lists contacts.
  let contacts = 0;
  const groups = await store.countSnapshotFields(portalId);
  for (const group of groups) {
    contacts += group.count;
    for (const key of snapshotMetrics(group)) {
      const [kind, value = ''] = key.split(':');
      if (kind === 'outcome') outcomes[value] = (outcomes[value] ?? 0) + group.count;
      else if (kind === 'stage') stages.set(value, (stages.get(value) ?? 0) + group.count);
      else if (kind === 'grade' && Object.hasOwn(grades, value)) grades[value] = (grades[value] ?? 0) + group.count;
      else if (kind === 'tier' && Object.hasOwn(tiers, value)) tiers[value] = (tiers[value] ?? 0) + group.count;
      else if (kind === 'fit') {
        const bucket = fitBuckets[Number(value) / 10];
        if (bucket) bucket.count += group.count;
      }
    }
  }
  if (drill && isSnapshotMetric(drill)) for (const contactId of await listCounted(store, portalId, groups, drill)) drilled.add(contactId);
  for (const milestone of await store.listSnapshotMilestones(portalId)) {
    const mqlAt = milestoneMs(milestone.mqlAt);
    const sqlAt = milestoneMs(milestone.sqlAt);
    // An SQL has passed MQL too (docs/contract.md section 3); the earlier of the two is when it entered the funnel.
    const enteredAt = Math.min(mqlAt ?? Number.POSITIVE_INFINITY, sqlAt ?? Number.POSITIVE_INFINITY);
    if (Number.isFinite(enteredAt)) reached.set(milestone.contactId, enteredAt);
    if (sqlAt !== undefined) becameSql.set(milestone.contactId, sqlAt);
    if (!Number.isFinite(enteredAt) && (milestone.qualification === 'mql' || milestone.qualification === 'sql')) withoutMilestones.push(milestone.contactId);
  }

  // The records are read only to list a task number's contacts; the figures come from the store's counts.
  if (drill?.startsWith('tasks:')) for (const record of await store.listTaskRecords(portalId)) if (taskMetrics(record).includes(drill)) drilled.add(record.contactId);
  await addHistoryMilestones(store, portalId, withoutMilestones, reached, becameSql);
  const outcomeRecords = await store.listOutcomes(portalId);
  const wonContacts = new Set(outcomeRecords.filter((o) => o.outcome === 'won').map((o) => o.contactId));
  const backfillUntil = options.backfillUntilMs ?? Number.NEGATIVE_INFINITY;
  const inRange = (ms: number) => ms >= range.fromMs && ms < range.toMs;
  const previousFrom = range.fromMs - (range.toMs - range.fromMs);
  let entered = 0;
  let converted = 0;
  let won = 0;
  const excluded = new Set<string>();
  for (const [contactId, at] of reached) {
    if (at <= backfillUntil) {
      excluded.add(contactId);
      continue;
    }
    if (!inRange(at)) continue;
    entered += 1;
    if (drill === 'cohort') drilled.add(contactId);
    if (becameSql.has(contactId)) {
      converted += 1;
      if (drill === 'cohort:converted') drilled.add(contactId);
    }
    if (wonContacts.has(contactId)) {
      won += 1;
      if (drill === 'cohort:won') drilled.add(contactId);
    }
  }
  const firstActivity = await firstActivities(
    store,
    portalId,
    [...becameSql].filter(([, at]) => at > backfillUntil && inRange(at)).map(([contactId]) => contactId),
  );
  let sqlInRange = 0;
  let sqlPreviousRange = 0;
  const daysToSql: number[] = [];
  for (const [contactId, at] of becameSql) {
    if (at <= backfillUntil) {
      excluded.add(contactId);
      continue;
    }
    if (inRange(at)) {
      sqlInRange += 1;
      if (drill === 'sql:range') drilled.add(contactId);
      const first = firstActivity.get(contactId);
      if (first !== undefined && at >= first) daysToSql.push((at - first) / DAY_MS);
    } else if (at >= previousFrom && at < range.fromMs) {
      sqlPreviousRange += 1;
      if (drill === 'sql:previous') drilled.add(contactId);
    }
  }
  const medianDays = median(daysToSql);
  const view: FunnelView = {
    range: { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString() },
    contacts,
    basis: `counted from all ${contacts} contacts`,
    outcomes,
    lifecycleStages: [...stages].map(([stage, count]) => ({ stage, label: lifecycleLabel(stage), count })).sort((a, b) => b.count - a.count),
    cohort: {
      definition:
        'Contacts that first reached MQL or SQL in the range (when the app first scored them MQL or SQL: bant_became_mql_at, else their score history; the install backfill excluded); converted: those that became SQL by now; won: those won by now (deal, sales feedback or customer stage).',
      entered,
      converted,
      rate: entered ? converted / entered : null,
      won: outcomeRecords.length ? won : null,
      wonRate: outcomeRecords.length && entered ? won / entered : null,
    },
    leadVelocity: {
      sqlInRange,
      sqlPreviousRange,
      growthRate: sqlPreviousRange > 0 ? (sqlInRange - sqlPreviousRange) / sqlPreviousRange : null,
      medianDaysToSql: medianDays === null ? null : Math.round(medianDays * 10) / 10,
      daysToSqlFrom: 'first recorded activity',
      backfillUntil: options.backfillUntilMs === null ? null : new Date(options.backfillUntilMs).toISOString(),
      excludedAsBackfill: excluded.size,
    },
    scoreDistribution: { fitBuckets, grades, tiers },
    tasks: summariseTasks(await store.countTaskRecords(portalId)),
  };
  return { view, drilled: [...drilled] };
}
