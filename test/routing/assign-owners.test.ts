// Lead routing's assignment rule: shares follow the weights, no rep passes its daily capacity, archived reps and reps
// of weight 0 never get a lead, and the state carries the turn across calls (restarts) and resets counts each day.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignOwners, type RoutingRep, type RoutingState } from '../../src/routing/assign-owners.ts';

const AT = '2026-12-04T09:00:00.000Z';
const repsArb = fc.array(fc.record({ weight: fc.integer({ min: 0, max: 5 }), archived: fc.boolean() }), { minLength: 1, maxLength: 6 }).map((list) =>
  list.map((r, i): RoutingRep => ({ ownerId: String(100 + i), ...r })),
);

function countsOf(owners: Array<string | null>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of owners) if (o) counts.set(o, (counts.get(o) ?? 0) + 1);
  return counts;
}

describe('assignOwners', () => {
  it('when many leads are routed without a capacity limit, then each active rep gets its weight share within one lead', () => {
    fc.assert(
      fc.property(repsArb, fc.integer({ min: 1, max: 300 }), (reps, leads) => {
        const { owners } = assignOwners({ reps, state: undefined, day: '2026-12-04', capacity: Number.POSITIVE_INFINITY, leads, at: AT });
        const active = reps.filter((r) => !r.archived && r.weight > 0);
        const total = active.reduce((s, r) => s + r.weight, 0);
        const counts = countsOf(owners);
        if (total === 0) return owners.every((o) => o === null);
        for (const rep of reps) {
          const got = counts.get(rep.ownerId) ?? 0;
          if (rep.archived || rep.weight === 0) expect(got).toBe(0);
          else expect(Math.abs(got - (leads * rep.weight) / total)).toBeLessThanOrEqual(1);
        }
        return owners.every((o) => o !== null);
      }),
    );
  });

  it('when leads exceed the team capacity, then no rep gets more than the capacity in a day and the rest stay unassigned', () => {
    fc.assert(
      fc.property(repsArb, fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 60 }), (reps, capacity, leads) => {
        const { owners, state } = assignOwners({ reps, state: undefined, day: '2026-12-04', capacity, leads, at: AT });
        const counts = countsOf(owners);
        for (const n of counts.values()) expect(n).toBeLessThanOrEqual(capacity);
        const room = reps.filter((r) => !r.archived && r.weight > 0).length * capacity;
        expect(owners.filter((o) => o !== null).length).toBe(Math.min(leads, room));
        expect(state.assigned).toBe(Math.min(leads, room));
        for (const o of owners) if (o) expect(reps.find((r) => r.ownerId === o)?.archived).toBe(false);
      }),
    );
  });

  it('when leads are routed one call at a time through the stored state, then the result equals routing them in one call', () => {
    fc.assert(
      fc.property(repsArb, fc.integer({ min: 1, max: 40 }), (reps, leads) => {
        const once = assignOwners({ reps, state: undefined, day: '2026-12-04', capacity: 5, leads, at: AT }).owners;
        let state: RoutingState | undefined;
        const stepwise: Array<string | null> = [];
        for (let i = 0; i < leads; i++) {
          const next = assignOwners({ reps, state: JSON.parse(JSON.stringify(state ?? null)) ?? undefined, day: '2026-12-04', capacity: 5, leads: 1, at: AT });
          stepwise.push(...next.owners);
          state = next.state;
        }
        expect(stepwise).toEqual(once);
      }),
    );
  });

  it('when two reps of weights 2 and 1 take six leads, then they alternate 2:1 without giving one rep all of its share first', () => {
    const reps = [
      { ownerId: 'a', weight: 2 },
      { ownerId: 'b', weight: 1 },
    ];
    expect(assignOwners({ reps, state: undefined, day: 'd', capacity: 10, leads: 6, at: AT }).owners).toEqual(['a', 'b', 'a', 'a', 'b', 'a']);
  });

  it('when a new day starts, then the daily counts reset while the totals and the turn carry on', () => {
    const reps = [
      { ownerId: 'a', weight: 1 },
      { ownerId: 'b', weight: 1 },
    ];
    const first = assignOwners({ reps, state: undefined, day: '2026-12-04', capacity: 1, leads: 3, at: AT });
    expect(first.owners).toEqual(['a', 'b', null]);
    const next = assignOwners({ reps, state: first.state, day: '2026-12-05', capacity: 1, leads: 2, at: AT });
    // b took its day-one lead while a was full, so b carries the turn's credit: b first.
    expect(next.owners).toEqual(['b', 'a']);
    expect(next.state.reps.map((r) => [r.ownerId, r.today, r.total])).toEqual([
      ['a', 1, 2],
      ['b', 1, 2],
    ]);
    expect(next.state.assigned).toBe(4);
  });

  it('when a rep leaves the team or is archived, then the next leads go to the others', () => {
    const first = assignOwners({ reps: [{ ownerId: 'a', weight: 1 }, { ownerId: 'b', weight: 1 }, { ownerId: 'c', weight: 1 }], state: undefined, day: 'd', capacity: 9, leads: 1, at: AT });
    const next = assignOwners({ reps: [{ ownerId: 'b', weight: 1, archived: true }, { ownerId: 'c', weight: 1 }], state: first.state, day: 'd', capacity: 9, leads: 3, at: AT });
    expect(next.owners).toEqual(['c', 'c', 'c']);
    expect(next.state.reps.map((r) => r.ownerId)).toEqual(['b', 'c']);
  });
});
