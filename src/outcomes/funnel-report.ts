// The funnel "vom Lead zum Auftrag" (seed 000) and the reasons for losses (seed 002): MQL → SQL → won by monthly
// cohort of becoming MQL, the sales cycle from SQL to won, and lost outcomes by BANT criterion and by competitor.
import type { ContactSnapshot, OutcomeRecord, SnapshotMilestone } from '../store/store.ts';

export interface FunnelCohort {
  /** Month the contacts first became MQL (YYYY-MM). */
  cohort: string;
  mql: number;
  sql: number;
  /** Won, of the cohort. */
  won: number;
  /** Won after becoming SQL. */
  sqlWon: number;
  mqlToSql: number | null;
  sqlToWon: number | null;
  mqlToWon: number | null;
}

export interface FunnelReport {
  total: Omit<FunnelCohort, 'cohort'>;
  cohorts: FunnelCohort[];
  salesCycleDays: { n: number; median: number | null; mean: number | null; p90: number | null };
  lostReasons: { byCriterion: Record<string, number>; byCompetitor: Record<string, number>; unspecified: number };
}

const rate = (num: number, den: number) => (den === 0 ? null : Math.round((num / den) * 1000) / 1000);
const DAY = 86_400_000;

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return Math.round(((sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo)) * 10) / 10;
}

/** Accumulates the milestones (or snapshots page by page), then the outcomes. */
export class FunnelBuilder {
  readonly #milestones = new Map<string, { mqlAt?: string; sqlAt?: string }>();

  addSnapshots(snapshots: ContactSnapshot[]): void {
    this.addMilestones(snapshots.map((s) => ({ contactId: s.contactId, mqlAt: s.written.bant_became_mql_at, sqlAt: s.written.bant_became_sql_at })));
  }

  /** The same from the store's milestone list (Store.listSnapshotMilestones), without reading every snapshot. */
  addMilestones(milestones: Array<Pick<SnapshotMilestone, 'contactId' | 'mqlAt' | 'sqlAt'>>): void {
    for (const m of milestones) {
      const mqlAt = m.mqlAt || undefined;
      const sqlAt = m.sqlAt || undefined;
      if (mqlAt || sqlAt) this.#milestones.set(m.contactId, { ...(mqlAt ? { mqlAt } : {}), ...(sqlAt ? { sqlAt } : {}) });
    }
  }

  build(outcomes: OutcomeRecord[]): FunnelReport {
    const firstWin = new Map<string, string>();
    const byCriterion = new Map<string, number>();
    const byCompetitor = new Map<string, number>();
    let unspecified = 0;
    for (const o of outcomes) {
      if (o.outcome === 'won') {
        const before = firstWin.get(o.contactId);
        if (!before || o.at < before) firstWin.set(o.contactId, o.at);
        continue;
      }
      if (o.criterion) byCriterion.set(o.criterion, (byCriterion.get(o.criterion) ?? 0) + 1);
      if (o.competitor) byCompetitor.set(o.competitor, (byCompetitor.get(o.competitor) ?? 0) + 1);
      if (!o.criterion && !o.competitor && o.source === 'feedback') unspecified++;
    }
    const cohorts = new Map<string, FunnelCohort>();
    const total = { mql: 0, sql: 0, won: 0, sqlWon: 0 };
    const cycles: number[] = [];
    for (const [contactId, m] of this.#milestones) {
      const entered = m.mqlAt ?? m.sqlAt;
      if (!entered) continue;
      const key = entered.slice(0, 7);
      const c = cohorts.get(key) ?? { cohort: key, mql: 0, sql: 0, won: 0, sqlWon: 0, mqlToSql: null, sqlToWon: null, mqlToWon: null };
      const won = firstWin.get(contactId);
      c.mql++;
      total.mql++;
      if (m.sqlAt) {
        c.sql++;
        total.sql++;
        if (won) {
          const days = (Date.parse(won) - Date.parse(m.sqlAt)) / DAY;
          if (days >= 0) {
            cycles.push(days);
            c.sqlWon++;
            total.sqlWon++;
          }
        }
      }
      if (won) {
        c.won++;
        total.won++;
      }
      cohorts.set(key, c);
    }
    const withRates = <T extends { mql: number; sql: number; won: number; sqlWon: number }>(c: T) => ({
      ...c,
      mqlToSql: rate(c.sql, c.mql),
      sqlToWon: rate(c.sqlWon, c.sql),
      mqlToWon: rate(c.won, c.mql),
    });
    cycles.sort((a, b) => a - b);
    return {
      total: withRates(total),
      cohorts: [...cohorts.values()].sort((a, b) => a.cohort.localeCompare(b.cohort)).map(withRates),
      salesCycleDays: {
        n: cycles.length,
        median: quantile(cycles, 0.5),
        mean: cycles.length ? Math.round((cycles.reduce((a, b) => a + b, 0) / cycles.length) * 10) / 10 : null,
        p90: quantile(cycles, 0.9),
      },
      lostReasons: { byCriterion: Object.fromEntries(byCriterion), byCompetitor: Object.fromEntries(byCompetitor), unspecified },
    };
  }
}
