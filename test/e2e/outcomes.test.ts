// End to end against the stand-in (issue #13): deals won and lost and the reps' sales feedback arrive by webhook and
// become outcomes; the score history holds the score from before each outcome; the evaluate route reports; a
// calibrated model is proposed, activated through the console's API and every contact is rescored with it; without
// the optional deals scope only feedback and lifecycle count, and the status says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReconcile } from '../../src/jobs/reconcile.ts';
import type { OutcomeRecord, ScoreChange } from '../../src/store/store.ts';
import type { CrmRecord } from '../../standin/index.ts';
import { customDealPipeline } from '../../standin/pipelines.ts';
import type { RunningConsole } from '../ui/console-fixtures.ts';
import { type AdminClient, createAdminClient, signIn } from '../ui/admin-client.ts';
import { appTasks, contactsOf, type Env, SQL_ANSWERS, startEnv, waitAllScored, waitQuiescent, waitUntil } from './harness.ts';

const WON = customDealPipeline().stages.find((s) => s.label === 'Auftrag erteilt')!.id;
const LOST = customDealPipeline().stages.find((s) => s.label === 'Kein Auftrag')!.id;
const OPEN = customDealPipeline().stages[0]!.id;

interface History {
  changes: ScoreChange[];
  outcomes: Array<Omit<OutcomeRecord, 'features'>>;
}

async function json<T>(response: Response): Promise<T> {
  const body = await response.text();
  if (!response.ok) throw new Error(`${response.status}: ${body}`);
  return JSON.parse(body) as T;
}

function scoredLeads(env: Env): CrmRecord[] {
  return contactsOf(env.portal).filter((c) => c.props.bant_qualification && c.props.bant_qualification !== 'disqualified' && !c.props.bant_feedback && c.props.hubspot_owner_id);
}

describe('outcomes with the deals scope', () => {
  let env: Env;
  let admin: AdminClient;
  const quiet = () => waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
  const history = async (contactId: number) => json<History>(await admin.get(`/admin/api/contacts/${contactId}/history`));

  beforeAll(async () => {
    env = await startEnv({ portal: { contacts: 700, seed: 31, outcomes: { share: 0.6 } } });
    await waitAllScored(env.portal, { logLines: env.logLines, timeoutMs: 90_000 });
    await quiet();
    admin = createAdminClient({ url: env.app!.url } as RunningConsole);
    await signIn(admin);
    expect(admin.csrf).not.toBe('');
  }, 120_000);

  afterAll(async () => {
    await env?.close();
  });

  it('when a deal of a contact is won and another is lost in a customised pipeline, then both outcomes arrive by webhook, each after the score the contact had', async () => {
    const [winner, loser] = scoredLeads(env) as [CrmRecord, CrmRecord];
    const since = Date.now();
    const won = env.standIn.simulate.createDeal(env.portal.id, { dealname: 'Lizenz', pipeline: '7400001', dealstage: OPEN }, { contactIds: [winner.id] });
    const lost = env.standIn.simulate.createDeal(env.portal.id, { dealname: 'Lizenz', pipeline: '7400001', dealstage: OPEN }, { contactIds: [loser.id] });
    await quiet();
    expect((await history(winner.id)).outcomes).toEqual([]);
    env.standIn.simulate.updateDeal(env.portal.id, won, { dealstage: WON });
    env.standIn.simulate.updateDeal(env.portal.id, lost, { dealstage: LOST });
    const winnerHistory = await waitUntil(async () => {
      const h = await history(winner.id);
      return h.outcomes.some((o) => o.source === 'deal' && o.dealId === String(won)) ? h : undefined;
    }, { message: () => `a won deal outcome for ${winner.id}\n${env.logLines.slice(-10).join('\n')}` });
    const loserHistory = await waitUntil(async () => {
      const h = await history(loser.id);
      return h.outcomes.some((o) => o.source === 'deal') ? h : undefined;
    });
    expect(winnerHistory.outcomes.find((o) => o.dealId === String(won))).toMatchObject({ outcome: 'won', source: 'deal' });
    expect(loserHistory.outcomes.find((o) => o.dealId === String(lost))).toMatchObject({ outcome: 'lost', source: 'deal' });
    // Delivered as deal.propertyChange of dealstage, acknowledged.
    const deliveries = env.standIn.deliveries.filter((d) => d.at >= since && d.events.some((e) => e.objectId === won && e.propertyName === 'dealstage'));
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d) => d.ok)).toBe(true);
    // The history holds the score the contact had before the outcome.
    for (const h of [winnerHistory, loserHistory]) {
      const outcome = h.outcomes.find((o) => o.source === 'deal') as OutcomeRecord;
      const before = h.changes.filter((c) => c.at < outcome.at);
      expect(before.length).toBeGreaterThan(0);
      expect(before.at(-1)?.priority).toMatch(/^[A-D][1-4]$/);
    }
  });

  it('when a rep records a loss for budget against a competitor, then it is an outcome and budget becomes not_met with the feedback as evidence', async () => {
    const contact = scoredLeads(env).find((c) => c.props.bant_budget !== 'not_met') as CrmRecord;
    env.standIn.simulate.updateContact(env.portal.id, contact.id, { bant_feedback: 'lost', bant_feedback_criterion: 'budget', bant_feedback_competitor: 'LeadRank' });
    await waitUntil(() => contact.props.bant_budget === 'not_met', { message: () => `budget of ${contact.id} to become not_met (now ${contact.props.bant_budget})` });
    // The outcome is stored right after the write that made budget not_met.
    const h = await waitUntil(async () => {
      const found = await history(contact.id);
      return found.outcomes.some((o) => o.source === 'feedback') ? found : undefined;
    });
    expect(h.outcomes.find((o) => o.source === 'feedback')).toMatchObject({ outcome: 'lost', feedback: 'lost', criterion: 'budget', competitor: 'LeadRank' });
    expect(h.changes.at(-1)?.budget).toBe('not_met');
    expect(h.changes.slice(0, -1).some((c) => c.budget !== 'not_met')).toBe(true);
  });

  it('when sales rejects a lead that has an open call task, then the task is completed with the reason above its kind line', async () => {
    const contact = scoredLeads(env).find((c) => c.props.bant_qualification !== 'sql' && appTasks(env.portal, c.id).length === 0) as CrmRecord;
    env.standIn.simulate.updateContact(env.portal.id, contact.id, { ...SQL_ANSWERS });
    await waitUntil(() => appTasks(env.portal, contact.id, 'call_sql').length === 1, { message: () => `a call_sql task for ${contact.id}` });
    await quiet();
    env.standIn.simulate.updateContact(env.portal.id, contact.id, { bant_feedback: 'rejected', bant_feedback_criterion: 'pseudo_lead' });
    const task = await waitUntil(() => appTasks(env.portal, contact.id, 'call_sql').find((t) => t.props.hs_task_status === 'COMPLETED'), {
      message: () => `the call_sql task of ${contact.id} to be completed`,
    });
    const lines = (task.props.hs_task_body ?? '').trim().split('\n');
    expect(lines.at(-1)).toBe('bant-task: call_sql');
    expect(lines.at(-2)).toMatch(/rejected/);
    await quiet();
    expect(appTasks(env.portal, contact.id).filter((t) => t.props.hs_task_status !== 'COMPLETED')).toEqual([]);
  });

  it('when the console asks for the timeline of a scored contact or an id HubSpot does not know, then it gets the entries or says the contact does not exist', async () => {
    const [contact] = scoredLeads(env) as [CrmRecord];
    const scored = await json<History & { scored: boolean; timeline: Array<{ kind: string }> }>(await admin.get(`/admin/api/contacts/${contact.id}/history`));
    expect(scored.scored).toBe(true);
    expect(scored.timeline.filter((e) => e.kind === 'score')).toHaveLength(scored.changes.length);
    const missingId = Math.max(...contactsOf(env.portal).map((c) => c.id)) + 1000;
    const missing = await json<{ scored: boolean; exists: boolean | null; message: string }>(await admin.get(`/admin/api/contacts/${missingId}/history`));
    expect(missing).toMatchObject({ scored: false, exists: false, message: `Contact ${missingId} does not exist in HubSpot (or was deleted).` });
  });

  it('when the evaluate route is asked, then it reports the active model on the outcomes with the funnel and lost reasons', async () => {
    const report = await json<{
      sources: { deals: boolean };
      outcomes: { won: number; lost: number };
      evaluation: { n: number; auc: number | null; priority: Record<string, unknown> } | null;
      funnel: { total: { mql: number }; lostReasons: { byCriterion: Record<string, number>; byCompetitor: Record<string, number> } };
    }>(await admin.get('/admin/api/outcomes/evaluate'));
    expect(report.sources.deals).toBe(true);
    expect(report.outcomes.won).toBeGreaterThan(0);
    expect(report.outcomes.lost).toBeGreaterThan(0);
    expect(report.evaluation?.n).toBe(report.outcomes.won + report.outcomes.lost);
    expect(report.evaluation?.auc).toBeGreaterThanOrEqual(0);
    expect(report.funnel.lostReasons.byCriterion.budget).toBeGreaterThanOrEqual(1);
    expect(report.funnel.lostReasons.byCompetitor.LeadRank).toBeGreaterThanOrEqual(1);
  });

  it('when the deals from before the install are swept and a calibrated model is proposed and activated through the console, then every contact is rescored with it', async () => {
    const swept = await runReconcile(env.app!.ctx, env.portal.id);
    expect(swept.ran && swept.result.deals?.outcomes).toBeGreaterThan(100);
    await quiet();
    const before = await json<{ evaluation: { auc: number } }>(await admin.get('/admin/api/outcomes/evaluate'));
    const proposal = await admin.send('POST', '/admin/api/outcomes/calibrate', { properties: ['city'] });
    const body = await json<{ proposed: boolean; version: string; report: { auc: { before: number; after: number } } }>(proposal);
    expect(body.proposed).toBe(true);
    // A proposal is only a draft until the admin activates it.
    expect((await json<{ active: { version: string }; draft: { issues: unknown[] } }>(await admin.get('/admin/api/model'))).draft.issues).toEqual([]);
    expect(contactsOf(env.portal).some((c) => c.props.bant_model_version === body.version)).toBe(false);
    await json(await admin.send('POST', '/admin/api/model/activate'));
    await waitAllScored(env.portal, { modelVersion: body.version, logLines: env.logLines, timeoutMs: 90_000 });
    await quiet();
    const after = await json<{ model: { version: string }; evaluation: { auc: number } }>(await admin.get('/admin/api/outcomes/evaluate'));
    expect(after.model.version).toBe(body.version);
    // The honest figure is the held-out one (time-ordered, outcomes the fit never saw); the evaluate route's AUC now
    // includes the outcomes the model learned from.
    console.log(
      `held-out AUC ${body.report.auc.before} → ${body.report.auc.after}; on all outcomes (in-sample after calibration) ${before.evaluation.auc} → ${after.evaluation.auc}`,
    );
    // On a few hundred outcomes the held-out figure moves by chance either way; the benchmarks and the scoring tests
    // measure calibration's gain on larger sets. Here: both figures are measured, on a real hold-out.
    expect(body.report.auc.before).toEqual(expect.any(Number));
    expect(body.report.auc.after).toEqual(expect.any(Number));
  }, 180_000);
});

describe('outcomes without the deals scope', () => {
  let env: Env;
  let admin: AdminClient;

  beforeAll(async () => {
    env = await startEnv({ portal: { contacts: 40, seed: 32 }, standIn: { withheldScopes: ['crm.objects.deals.read'] } });
    await waitAllScored(env.portal, { logLines: env.logLines });
    await waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
    admin = createAdminClient({ url: env.app!.url } as RunningConsole);
    await signIn(admin);
  }, 60_000);

  afterAll(async () => {
    await env?.close();
  });

  it('when the admin did not grant crm.objects.deals.read, then deals are ignored, feedback still counts and the status says so', async () => {
    const status = await json<{ installation: { scopes: string[]; outcomes: { deals: boolean; sources: string[]; note?: string } } }>(await admin.get('/admin/api/overview'));
    expect(status.installation.scopes).not.toContain('crm.objects.deals.read');
    expect(status.installation.outcomes).toMatchObject({ deals: false, sources: ['feedback', 'lifecycle'] });
    expect(status.installation.outcomes.note).toMatch(/crm\.objects\.deals\.read/);

    type Report = { sources: { deals: boolean }; outcomes: { won: number } };
    // Contacts already at lifecycle stage customer count as won from the start.
    const before = await json<Report>(await admin.get('/admin/api/outcomes/evaluate'));
    const [dealContact, feedbackContact] = scoredLeads(env) as [CrmRecord, CrmRecord];
    const deal = env.standIn.simulate.createDeal(env.portal.id, { dealname: 'x', pipeline: 'default', dealstage: 'qualifiedtobuy' }, { contactIds: [dealContact.id] });
    env.standIn.simulate.updateDeal(env.portal.id, deal, { dealstage: 'closedwon' });
    env.standIn.simulate.updateContact(env.portal.id, feedbackContact.id, { bant_feedback: 'won' });
    await waitUntil(async () => (await json<History>(await admin.get(`/admin/api/contacts/${feedbackContact.id}/history`))).outcomes.length > 0);
    await waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
    expect((await json<History>(await admin.get(`/admin/api/contacts/${dealContact.id}/history`))).outcomes).toEqual([]);
    // No deal or pipeline was asked for (each would have been refused with 403).
    expect(env.standIn.countRequests({ path: /deals|pipelines/ })).toBe(0);
    const report = await json<Report>(await admin.get('/admin/api/outcomes/evaluate'));
    expect(report.sources.deals).toBe(false);
    expect(report.outcomes.won).toBe(before.outcomes.won + 1);
  });

  it('when calibration is asked with too few outcomes, then a clear message says what is missing', async () => {
    const response = await admin.send('POST', '/admin/api/outcomes/calibrate', {});
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('too_little_data');
    expect(body.error.message).toMatch(/at least 50 of each/);
  });
});
