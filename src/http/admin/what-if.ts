// "On your contacts this draft gives X MQL, Y SQL, Z tasks per day per rep": a model scored over the stored snapshots,
// with no HubSpot call. Task flow is estimated from the last week: task kinds a contact needs now but did not need a
// week ago (activities of the last week removed) count as created in that week. Properties are taken as they are now,
// so a BANT answer set during the week counts as older than it is.
import { score } from '../../scoring/index.ts';
import type { ScoringModel } from '../../scoring/model-schema.ts';
import { QUALIFICATIONS } from '../../scoring/types.ts';
import type { PortalId, Store } from '../../store/store.ts';
import { forEachSnapshot, profileAt, profileOf } from './read-snapshots.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
export const FLOW_WINDOW_DAYS = 7;
/** Beyond this many contacts the what-if looks at the first ones only (and says so). */
export const WHAT_IF_LIMIT = 50_000;

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
  evaluated: number;
  total: number;
  limited: boolean;
  windowDays: number;
  draft: ModelOutcome;
  active: ModelOutcome;
}

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

function summarise(model: ScoringModel, tally: Tally): ModelOutcome {
  const tasksPerDay = tally.newTasks / FLOW_WINDOW_DAYS;
  const reps = Math.max(1, tally.owners.size);
  return {
    version: model.version,
    outcomes: tally.outcomes,
    tasksNow: tally.tasksNow,
    tasksPerDay: Math.round(tasksPerDay * 10) / 10,
    reps: tally.owners.size,
    tasksPerDayPerRep: Math.round((tasksPerDay / reps) * 10) / 10,
    changedOutcomes: tally.changed,
  };
}

export async function runWhatIf(args: { store: Store; portalId: PortalId; draft: ScoringModel; active: ScoringModel; nowMs: number }): Promise<WhatIfView> {
  const { store, portalId, draft, active, nowMs } = args;
  const thenMs = nowMs - FLOW_WINDOW_DAYS * DAY_MS;
  const tallies = [
    { model: draft, tally: newTally() },
    { model: active, tally: newTally() },
  ];
  const total = await store.countSnapshots(portalId);
  const evaluated = await forEachSnapshot(
    store,
    portalId,
    (snapshot) => {
      const now = profileOf(snapshot);
      const then = profileAt(snapshot, thenMs);
      for (const { model, tally } of tallies) {
        const result = score(now, model, nowMs);
        tally.outcomes[result.qualification] = (tally.outcomes[result.qualification] ?? 0) + 1;
        if (snapshot.written.bant_qualification && snapshot.written.bant_qualification !== result.qualification) tally.changed += 1;
        if (!result.tasks.length) continue;
        tally.tasksNow += result.tasks.length;
        tally.owners.add(snapshot.ownerId ?? 'unassigned');
        const before = new Set(score(then, model, thenMs).tasks.map((t) => t.kind));
        tally.newTasks += result.tasks.filter((t) => !before.has(t.kind)).length;
      }
    },
    { limit: WHAT_IF_LIMIT },
  );
  const [d, a] = tallies;
  return {
    evaluated,
    total,
    limited: evaluated < total,
    windowDays: FLOW_WINDOW_DAYS,
    draft: summarise(draft, d?.tally ?? newTally()),
    active: summarise(active, a?.tally ?? newTally()),
  };
}
