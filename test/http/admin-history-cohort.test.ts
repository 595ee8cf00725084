// The console's contact history (timeline, and what it says for contacts without one) and the funnel cohort from the
// milestones and the score history, with won from the outcomes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FunnelView } from '../../src/http/admin/funnel.ts';
import type { PortalClients } from '../../src/hubspot/portal-client.ts';
import type { TimelineEntry } from '../../src/outcomes/score-timeline.ts';
import type { ContactSnapshot, OutcomeRecord } from '../../src/store/store.ts';
import { type AdminClient, createAdminClient, signIn } from '../ui/admin-client.ts';
import { PORTAL_ID, type RunningConsole, seedOutcomes, seedPortal, seedTimelineContact, startConsoleApp, TIMELINE_CONTACT } from '../ui/console-fixtures.ts';

let app: RunningConsole;
let client: AdminClient;
let seeded: Awaited<ReturnType<typeof seedPortal>>;
let timeline: Awaited<ReturnType<typeof seedTimelineContact>>;

beforeEach(async () => {
  app = await startConsoleApp(async (test) => {
    seeded = await seedPortal(test.store, { contacts: 100 });
    timeline = await seedTimelineContact(test.store);
  });
  client = createAdminClient(app);
  await signIn(client);
});
afterEach(async () => {
  await app.close();
});

interface History {
  scored: boolean;
  exists: boolean | null;
  contact: { name: string } | null;
  timeline: TimelineEntry[];
  message: string | null;
}
const history = async (contactId: string) => (await (await client.get(`/admin/api/contacts/${contactId}/history`)).json()) as History;

/** HubSpot as the stand-in for readContacts: it knows the contacts in `known`. */
function hubspotKnowing(known: string[]): PortalClients {
  return {
    forPortal: async () =>
      ({
        readContacts: async (ids: string[]) => new Map(ids.filter((id) => known.includes(id)).map((id) => [id, { contactId: id }])),
      }) as never,
  };
}

describe('contact history', () => {
  it('when a contact was scored several times, then its timeline lists each change newest first with what moved, the reasons that came and the model', async () => {
    const body = await history(TIMELINE_CONTACT.contactId);
    expect(body).toMatchObject({ scored: true, exists: true, contact: { name: 'Erika Beispiel' }, message: null });
    expect(body.timeline.map((e) => e.at)).toEqual([timeline.outcome.at, ...timeline.history.map((c) => c.at).reverse()]);
    expect(body.timeline[0]).toMatchObject({ kind: 'outcome', outcome: 'won', source: 'deal' });

    const last = timeline.history.at(-1);
    const before = timeline.history.at(-2);
    const newest = body.timeline[1];
    if (newest?.kind !== 'score' || !last || !before) throw new Error('expected a score entry');
    expect(newest.moves).toContainEqual({ field: 'qualification', from: before.qualification, to: last.qualification });
    expect(newest.moves).toContainEqual({ field: 'budget', from: before.budget, to: last.budget, evidence: 'Budget approved' });
    expect(newest.modelVersion).toBe(last.modelVersion);
    // Reasons without their ages; one whose points decayed is not listed as gone.
    expect(newest.gained.some((r) => /^\+[\d.]+ demo booking$/.test(r))).toBe(true);
    expect(newest.dropped.filter((r) => r.includes('webinar registration'))).toEqual([]);
    const first = body.timeline.at(-1);
    expect(first).toMatchObject({ kind: 'score', first: true });
  });

  it('when a contact is scored but no change was recorded, then the answer says so', async () => {
    const body = await history(seeded.snapshots[0]?.contactId ?? '');
    expect(body.scored).toBe(true);
    expect(body.timeline).toEqual([]);
    expect(body.message).toMatch(/is scored, but no change of its score has been recorded yet/);
  });

  it('when a contact is not scored, then the answer says whether HubSpot has it, and that it could not tell when HubSpot fails', async () => {
    (app.test.ctx as { hubspot: PortalClients }).hubspot = hubspotKnowing(['7001']);
    const unscored = await history('7001');
    expect(unscored).toMatchObject({ scored: false, exists: true, timeline: [] });
    expect(unscored.message).toBe('Contact 7001 exists in HubSpot but has not been scored yet: it is scored within minutes of its next change, or by the next backfill.');
    const missing = await history('7002');
    expect(missing).toMatchObject({ scored: false, exists: false });
    expect(missing.message).toBe('Contact 7002 does not exist in HubSpot (or was deleted).');

    (app.test.ctx as { hubspot: PortalClients }).hubspot = {
      forPortal: async () => {
        throw new Error('HubSpot 502');
      },
    };
    const unknown = await history('7003');
    expect(unknown).toMatchObject({ scored: false, exists: null });
    expect(unknown.message).toMatch(/could not be checked/);
  });

  it('when the id is not digits, then the answer is a 422 naming the id and HubSpot is not asked', async () => {
    const response = await client.get('/admin/api/contacts/abc/history');
    expect(response.status).toBe(422);
    expect(JSON.stringify(await response.json())).toContain('a contact id is digits only');
    expect(app.test.hubspotCalls).toEqual([]);
  });
});

describe('funnel cohort', () => {
  const RANGE = 'from=2026-10-21&to=2026-11-20';
  const fromMs = Date.parse('2026-10-21T00:00:00Z');
  const toMs = Date.parse('2026-11-21T00:00:00Z');
  // Installed 40 days before NOW without a record of the backfill run: its first day counts as backfill.
  const backfillUntil = Date.parse('2026-10-11T12:00:00Z');
  const cohortOf = (snapshots: ContactSnapshot[]) =>
    snapshots.filter((s) => {
      const at = Date.parse(s.written.bant_became_mql_at ?? '');
      return at > backfillUntil && at >= fromMs && at < toMs;
    });

  it('when outcomes exist, then the cohort has its won contacts, in the drill-down and the CSV', async () => {
    const outcomes: OutcomeRecord[] = await seedOutcomes(app.test.store, seeded.snapshots);
    const won = new Set(outcomes.filter((o) => o.outcome === 'won').map((o) => o.contactId));
    const all = [...seeded.snapshots, ...(await app.test.store.getSnapshots(PORTAL_ID, [TIMELINE_CONTACT.contactId])).values()];
    const cohort = cohortOf(all);
    const cohortWon = cohort.filter((s) => won.has(s.contactId) || s.contactId === TIMELINE_CONTACT.contactId).map((s) => s.contactId);
    expect(cohortWon.length).toBeGreaterThan(2);

    const f = (await (await client.get(`/admin/api/funnel?${RANGE}`)).json()) as FunnelView;
    expect(f.cohort.entered).toBe(cohort.length);
    expect(f.cohort.won).toBe(cohortWon.length);
    expect(f.cohort.wonRate).toBeCloseTo(cohortWon.length / cohort.length);

    const drill = (await (await client.get(`/admin/api/funnel/contacts?metric=cohort:won&${RANGE}`)).json()) as { total: number; contacts: Array<{ contactId: string }> };
    expect(drill.total).toBe(cohortWon.length);
    expect(drill.contacts.map((c) => c.contactId).sort()).toEqual([...cohortWon].sort());
    const csv = await (await client.get(`/admin/api/funnel/contacts.csv?metric=cohort:won&${RANGE}`)).text();
    expect(csv.trim().split('\r\n')).toHaveLength(cohortWon.length + 1);
    const funnelCsv = await (await client.get(`/admin/api/funnel.csv?${RANGE}`)).text();
    expect(funnelCsv).toContain(`mql cohort,won,${cohortWon.length}\r\n`);
  });

  it('when a contact has no milestone properties, then it enters the cohort when its score history first shows MQL', async () => {
    const [snapshot] = (await app.test.store.getSnapshots(PORTAL_ID, [TIMELINE_CONTACT.contactId])).values();
    if (!snapshot) throw new Error('no timeline contact');
    const { bant_became_mql_at: _mql, bant_became_sql_at: _sql, ...written } = snapshot.written;
    await app.test.store.putSnapshots([{ ...snapshot, written }]);
    const firstQualified = timeline.history.find((c) => c.qualification === 'mql' || c.qualification === 'sql');
    expect(firstQualified).toBeDefined();

    const drill = (await (await client.get(`/admin/api/funnel/contacts?metric=cohort&${RANGE}`)).json()) as { contacts: Array<{ contactId: string }> };
    expect(drill.contacts.map((c) => c.contactId)).toContain(TIMELINE_CONTACT.contactId);
    const before = (await (await client.get('/admin/api/funnel/contacts?metric=cohort&from=2026-10-01&to=2026-11-09')).json()) as { contacts: Array<{ contactId: string }> };
    expect(before.contacts.map((c) => c.contactId)).not.toContain(TIMELINE_CONTACT.contactId);
  });

  it('when a number is asked for an unknown metric, then the 400 names cohort:won among the metrics', async () => {
    const response = await client.get('/admin/api/funnel/contacts?metric=cohort:lost');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('cohort:won');
  });
});
