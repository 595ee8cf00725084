// "On your contacts this draft gives X MQL, Y SQL, Z tasks per day per rep": a model scored over the stored snapshots,
// with no HubSpot call. Task flow is estimated from the last week: task kinds a contact needs now but did not need a
// week ago (activities of the last week removed) count as created in that week. Properties are taken as they are now,
// so a BANT answer set during the week counts as older than it is. It also names the contacts whose outcome, priority
// or tasks differ between the active model and the draft, with the reasons that differ, and what activating would do
// right now: outcomes that change in HubSpot and tasks created at once (kinds the contact has no open task of), per rep.
// Beyond WHAT_IF_SAMPLE contacts it scores a sample, uniform over the contacts (src/store/sample-key.ts), and scales
// the counts to all of them; the answer says which.
import { score } from '../../scoring/index.ts';
import type { ScoringModel } from '../../scoring/model-schema.ts';
import { QUALIFICATIONS } from '../../scoring/types.ts';
import type { ScoringResult, TaskKind } from '../../scoring/types.ts';
import type { ContactSnapshot, PortalId, Store, TaskRecord } from '../../store/store.ts';
import { type ContactLabel, describeContact } from './describe-contact.ts';
import { sampleBoundFor } from '../../store/sample-key.ts';
import { forEachSampledSnapshot, profileAt, profileOf } from './read-snapshots.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
export const FLOW_WINDOW_DAYS = 7;
/** Beyond this many contacts the what-if scores a sample of about this many (and says so). */
export const WHAT_IF_SAMPLE = 30_000;
/** Most changed contacts listed by name (the counts cover all of them). */
export const CHANGES_LISTED = 500;

export interface ContactScore {
  qualification: string;
  priority: string;
  tasks: string[];
}

export interface ContactChange extends ContactLabel {
  before: ContactScore;
  after: ContactScore;
  changed: Array<'outcome' | 'priority' | 'tasks'>;
  /** Reason lines only one of the two models gives: "+" lines come with the draft, "−" lines go. */
  reasons: { added: string[]; removed: string[] };
}

export interface ActivationImpact {
  /** Contacts whose outcome in HubSpot would change. */
  outcomesChange: number;
  /** Tasks the rescore would create now: kinds a contact needs under the draft and has no open task of. */
  tasksCreatedNow: number;
  byRep: Array<{ ownerId: string; tasks: number }>;
}

export interface ModelOutcome {
  version: string;
  outcomes: Record<string, number>;
  /** Tasks the model wants to exist right now (open tasks on activation, before the daily budget). */
  tasksNow: number;
  /** New tasks per day, from the flow of the last week. */
  tasksPerDay: number;
  /** Owners among the contacts that get tasks; contacts without an owner count as one "unassigned" rep. */
  reps: number;
  tasksPerDayPerRep: number;
  /** Contacts whose outcome differs from what is written in HubSpot now. */
  changedOutcomes: number;
}

export interface WhatIfView {
  /** Contacts scored: all stored ones, or the sample. */
  evaluated: number;
  total: number;
  /** True when the counts are estimated from a sample of `evaluated` contacts and scaled to `total`. */
  sampled: boolean;
  basis: string;
  windowDays: number;
  draft: ModelOutcome;
  active: ModelOutcome;
  /** Contacts scored differently by the draft (in the sample, when sampled), largest change first; `changesTotal` counts all of them (scaled). */
  changes: ContactChange[];
  changesTotal: number;
  impact: ActivationImpact;
}

const scoreOf = (r: ScoringResult): ContactScore => ({ qualification: r.qualification, priority: r.priority, tasks: r.tasks.map((t) => t.kind) });

function compare(label: ContactLabel, before: ScoringResult, after: ScoringResult): ContactChange | null {
  const changed: ContactChange['changed'] = [];
  if (before.qualification !== after.qualification) changed.push('outcome');
  if (before.priority !== after.priority) changed.push('priority');
  const b = scoreOf(before);
  const a = scoreOf(after);
  if (b.tasks.join() !== a.tasks.join()) changed.push('tasks');
  if (!changed.length) return null;
  const beforeTexts = new Set(before.reasons.map((r) => r.text));
  const afterTexts = new Set(after.reasons.map((r) => r.text));
  return {
    ...label,
    before: b,
    after: a,
    changed,
    reasons: { added: [...afterTexts].filter((t) => !beforeTexts.has(t)), removed: [...beforeTexts].filter((t) => !afterTexts.has(t)) },
  };
}

const OUTCOME_RANK: Record<string, number> = { sql: 3, mql: 2, nurture: 1, disqualified: 0 };
const weight = (c: ContactChange) => (c.changed.includes('outcome') ? 100 : 0) + Math.abs((OUTCOME_RANK[c.after.qualification] ?? 0) - (OUTCOME_RANK[c.before.qualification] ?? 0)) * 10 + c.changed.length;
const rankChanges = (list: ContactChange[]) => [...list].sort((x, y) => weight(y) - weight(x) || x.contactId.localeCompare(y.contactId));

interface Tally {
  outcomes: Record<string, number>;
  tasksNow: number;
  newTasks: number;
  owners: Set<string>;
  changed: number;
}

const newTally = (): Tally => ({
  outcomes: Object.fromEntries(QUALIFICATIONS.map((q) => [q, 0])),
  tasksNow: 0,
  newTasks: 0,
  owners: new Set(),
  changed: 0,
});

function summarise(model: ScoringModel, tally: Tally, scale: (n: number) => number): ModelOutcome {
  const tasksPerDay = scale(tally.newTasks) / FLOW_WINDOW_DAYS;
  const reps = Math.max(1, tally.owners.size);
  return {
    version: model.version,
    outcomes: Object.fromEntries(Object.entries(tally.outcomes).map(([q, n]) => [q, scale(n)])),
    tasksNow: scale(tally.tasksNow),
    tasksPerDay: Math.round(tasksPerDay * 10) / 10,
    // Owners seen among the scored contacts: a sample of 30,000 misses only reps with a handful of contacts.
    reps: tally.owners.size,
    tasksPerDayPerRep: Math.round((tasksPerDay / reps) * 10) / 10,
    changedOutcomes: scale(tally.changed),
  };
}

export async function runWhatIf(args: {
  store: Store;
  portalId: PortalId;
  draft: ScoringModel;
  active: ScoringModel;
  nowMs: number;
  appBaseUrl?: string;
  enabledTaskKinds?: Partial<Record<TaskKind, boolean>>;
  /** Contacts to score at most (about): WHAT_IF_SAMPLE unless a test wants a smaller portal sampled. */
  sampleSize?: number;
}): Promise<WhatIfView> {
  const { store, portalId, draft, active, nowMs } = args;
  const thenMs = nowMs - FLOW_WINDOW_DAYS * DAY_MS;
  const tallies = [
    { model: draft, tally: newTally() },
    { model: active, tally: newTally() },
  ];
  // Only the scored contacts' open tasks: a sample of 30,000 need not read a million contacts' task records.
  const openTasks = new Map<string, Set<string>>();
  const readOpenTasks = async (page: ContactSnapshot[]) => {
    for (const record of await store.getTaskRecords(portalId, page.map((snapshot) => snapshot.contactId))) {
      if (record.status !== 'open') continue;
      const kinds = openTasks.get(record.contactId) ?? new Set<TaskRecord['kind']>();
      kinds.add(record.kind);
      openTasks.set(record.contactId, kinds);
    }
  };
  const changes: ContactChange[] = [];
  let changesTotal = 0;
  const impact = { outcomesChange: 0, tasksCreatedNow: 0, byRep: new Map<string, number>() };
  const total = await store.countSnapshots(portalId);
  const evaluated = await forEachSampledSnapshot(
    store,
    portalId,
    sampleBoundFor(args.sampleSize ?? WHAT_IF_SAMPLE, total),
    (snapshot) => {
      const now = profileOf(snapshot);
      const then = profileAt(snapshot, thenMs);
      const results: ScoringResult[] = [];
      for (const { model, tally } of tallies) {
        const result = score(now, model, nowMs);
        results.push(result);
        tally.outcomes[result.qualification] = (tally.outcomes[result.qualification] ?? 0) + 1;
        if (snapshot.written.bant_qualification && snapshot.written.bant_qualification !== result.qualification) tally.changed += 1;
        if (!result.tasks.length) continue;
        tally.tasksNow += result.tasks.length;
        tally.owners.add(snapshot.ownerId ?? 'unassigned');
        const before = new Set(score(then, model, thenMs).tasks.map((t) => t.kind));
        tally.newTasks += result.tasks.filter((t) => !before.has(t.kind)).length;
      }
      const [afterResult, beforeResult] = results;
      if (!afterResult || !beforeResult) return;
      if (snapshot.written.bant_qualification !== afterResult.qualification) impact.outcomesChange += 1;
      const open = openTasks.get(snapshot.contactId);
      const created = afterResult.tasks.filter((t) => !open?.has(t.kind) && args.enabledTaskKinds?.[t.kind] !== false).length;
      if (created) {
        impact.tasksCreatedNow += created;
        const owner = snapshot.ownerId ?? 'unassigned';
        impact.byRep.set(owner, (impact.byRep.get(owner) ?? 0) + created);
      }
      const change = compare(describeContact(snapshot, args.appBaseUrl ?? 'https://app.hubspot.com'), beforeResult, afterResult);
      if (!change) return;
      changesTotal += 1;
      changes.push(change);
      // Bounded memory on a large portal: keep the largest changes only.
      if (changes.length >= 4 * CHANGES_LISTED) changes.splice(0, changes.length, ...rankChanges(changes).slice(0, CHANGES_LISTED));
    },
    readOpenTasks,
  );
  const [d, a] = tallies;
  const sampled = evaluated < total;
  // Counts of the sample stand for total / evaluated contacts each.
  const scale = (n: number) => (sampled && evaluated > 0 ? Math.round((n * total) / evaluated) : n);
  return {
    evaluated,
    total,
    sampled,
    basis: sampled ? `estimated from a sample of ${evaluated} of ${total} contacts` : `all ${total} contacts`,
    windowDays: FLOW_WINDOW_DAYS,
    draft: summarise(draft, d?.tally ?? newTally(), scale),
    active: summarise(active, a?.tally ?? newTally(), scale),
    changes: rankChanges(changes).slice(0, CHANGES_LISTED),
    changesTotal: scale(changesTotal),
    impact: {
      outcomesChange: scale(impact.outcomesChange),
      tasksCreatedNow: scale(impact.tasksCreatedNow),
      byRep: [...impact.byRep].map(([ownerId, tasks]) => ({ ownerId, tasks: scale(tasks) })).sort((x, y) => y.tasks - x.tasks),
    },
  };
}
