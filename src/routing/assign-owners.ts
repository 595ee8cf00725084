// Lead routing's pure core (issue #15 item 9, seed 002 "ein effizientes Lead Routing aufbauen"): unowned leads go to
// the reps of one team by smooth weighted round-robin (each turn every eligible rep gains its weight in credit, the
// richest rep gets the lead and pays the eligible reps' total weight), so over many leads each rep's share follows
// its weight and no rep gets two in a row when another is due. A rep at its daily capacity, archived or deactivated
// is skipped without gaining credit, so it does not catch up in a burst later. No I/O: the state is the caller's.

export interface RoutingRep {
  ownerId: string;
  /** Relative share of the leads; 0 = takes none. */
  weight: number;
  /** Archived owners (and owners of deactivated users) never get a lead. */
  archived?: boolean;
}

export interface RepState {
  ownerId: string;
  /** Round-robin credit carried from one lead to the next. */
  credit: number;
  /** Leads assigned on `day`. */
  today: number;
  /** Leads assigned since routing began. */
  total: number;
}

/** Kept per installation so turns survive restarts and are shared by every instance. */
export interface RoutingState {
  /** The portal's local date (YYYY-MM-DD) the `today` counts are for. */
  day: string;
  reps: RepState[];
  /** Leads assigned since routing began, and when the last one was. */
  assigned: number;
  lastAssignedAt?: string;
}

export interface AssignInput {
  /** The team's reps in a stable order (ties go to the earlier). */
  reps: readonly RoutingRep[];
  state: RoutingState | undefined;
  /** The portal's local date now. */
  day: string;
  /** Leads per rep and day at most. */
  capacity: number;
  /** How many leads to assign, in order. */
  leads: number;
  at: string;
}

export interface AssignOutput {
  /** Per lead, the owner it goes to, or null when no rep of the team can take one today. */
  owners: Array<string | null>;
  state: RoutingState;
}

export const EMPTY_ROUTING_STATE: RoutingState = Object.freeze({ day: '', reps: [], assigned: 0 }) as RoutingState;

const eligible = (rep: RoutingRep, state: RepState, capacity: number) => !rep.archived && rep.weight > 0 && Number.isFinite(rep.weight) && state.today < capacity;

export function assignOwners(input: AssignInput): AssignOutput {
  const before = input.state ?? EMPTY_ROUTING_STATE;
  const previous = new Map(before.reps.map((r) => [r.ownerId, r]));
  const newDay = before.day !== input.day;
  // Reps who left the team drop out of the state; a new day starts every rep's count at zero.
  const reps = input.reps.map((rep) => {
    const kept = previous.get(rep.ownerId);
    return { rep, state: { ownerId: rep.ownerId, credit: kept?.credit ?? 0, today: newDay ? 0 : (kept?.today ?? 0), total: kept?.total ?? 0 } };
  });
  const owners: Array<string | null> = [];
  let assigned = before.assigned;
  for (let lead = 0; lead < input.leads; lead++) {
    const turn = reps.filter((r) => eligible(r.rep, r.state, input.capacity));
    if (turn.length === 0) {
      owners.push(null);
      continue;
    }
    let best = turn[0] as (typeof turn)[number];
    let sum = 0;
    for (const r of turn) {
      r.state.credit += r.rep.weight;
      sum += r.rep.weight;
      if (r.state.credit > best.state.credit) best = r;
    }
    best.state.credit -= sum;
    best.state.today += 1;
    best.state.total += 1;
    assigned += 1;
    owners.push(best.rep.ownerId);
  }
  const state: RoutingState = { day: input.day, reps: reps.map((r) => r.state), assigned };
  const last = assigned > before.assigned ? input.at : before.lastAssignedAt;
  if (last) state.lastAssignedAt = last;
  return { owners, state };
}

/** Assignments per rep on `day` (0 when the state is of another day). */
export function assignedToday(state: RoutingState | undefined, day: string): number {
  if (!state || state.day !== day) return 0;
  return state.reps.reduce((sum, r) => sum + r.today, 0);
}
