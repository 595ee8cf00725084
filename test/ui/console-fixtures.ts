// Shared by the card, admin and UI tests: an AppContext on the memory store, a seeded portal of scored snapshots,
// and an app on port 0 with the card and admin routers plus a stand-in for HubSpot's auto-approving OAuth.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { AppContext } from '../../src/app-context.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { createAdminRouter, signInReturnUrl } from '../../src/http/admin/admin-router.ts';
import { createCardRouter } from '../../src/http/card-routes.ts';
import { createErrorMiddleware } from '../../src/http/error-middleware.ts';
import type { PortalClients } from '../../src/hubspot/portal-client.ts';
import { silentLogger } from '../../src/log.ts';
import { Metrics } from '../../src/metrics.ts';
import { createModelRegistry } from '../../src/model-registry.ts';
import { parseModel, type ScoringModel, score } from '../../src/scoring/index.ts';
import { isScoreChange, milestoneWrites, scoreChangeOf } from '../../src/outcomes/score-history.ts';
import type { Activity, ActivityType, ScoringResult } from '../../src/scoring/types.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { type ContactSnapshot, DEFAULT_SETTINGS, type Installation, type OutcomeRecord, type ScoreChange, type Store, type TaskRecord } from '../../src/store/store.ts';
import { computeSignatureV3 } from '../../src/webhooks/verify-signature.ts';

export const CLIENT_SECRET = 'test-client-secret-0123456789';
export const PORTAL_ID = 4242;
export const NOW = Date.parse('2026-11-20T12:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;

export function loadDefaultModel(): ScoringModel {
  const parsed = parseModel(JSON.parse(readFileSync(new URL('../../config/scoring-model.json', import.meta.url), 'utf8')));
  if (!parsed.ok) throw new Error(`default model invalid: ${JSON.stringify(parsed.issues.slice(0, 3))}`);
  return parsed.model;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    HUBSPOT_CLIENT_ID: 'client-id',
    HUBSPOT_CLIENT_SECRET: CLIENT_SECRET,
    HUBSPOT_APP_ID: '777',
    PUBLIC_BASE_URL: 'http://localhost:3000',
    LOG_LEVEL: 'silent',
    ...env,
  });
}

export interface TestContext {
  ctx: AppContext;
  store: Store;
  /** Every call that would have reached HubSpot; the card and the what-if must leave it empty. */
  hubspotCalls: string[];
  notified: { count: number };
  clock: { now: number };
}

export function createTestContext(options: { config?: Config; hubspot?: PortalClients } = {}): TestContext {
  const store = createMemoryStore();
  const defaultModel = loadDefaultModel();
  const hubspotCalls: string[] = [];
  const notified = { count: 0 };
  const clock = { now: NOW };
  const hubspot: PortalClients = options.hubspot ?? {
    forPortal: async (portalId) => {
      hubspotCalls.push(`forPortal(${portalId})`);
      throw new Error('no HubSpot in this test');
    },
  };
  const ctx: AppContext = {
    config: options.config ?? testConfig(),
    log: silentLogger,
    store,
    metrics: new Metrics(),
    hubspot,
    defaultModel,
    modelFor: createModelRegistry({ store, defaultModel, log: silentLogger }).modelFor,
    now: () => clock.now,
    notifyWork: () => {
      notified.count += 1;
    },
  };
  return { ctx, store, hubspotCalls, notified, clock };
}

export function installation(portalId = PORTAL_ID, overrides: Partial<Installation> = {}): Installation {
  return {
    portalId,
    mode: 'oauth',
    status: 'active',
    installedAt: new Date(NOW - 40 * DAY).toISOString(),
    installedBy: { userId: 1, email: 'admin@muster-anlagenbau.de' },
    scopes: ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.schemas.contacts.write', 'crm.objects.companies.read', 'crm.objects.companies.write', 'crm.schemas.companies.write', 'crm.objects.owners.read'],
    settings: structuredClone(DEFAULT_SETTINGS),
    ...overrides,
  };
}

const TITLES = ['Geschäftsführer', 'Head of Marketing', 'Marketing Manager', 'IT-Leiter', 'Werkstudent', 'CEO', 'Einkauf', 'Vertriebsleiterin'];
const INDUSTRIES = ['MACHINERY', 'INFORMATION_TECHNOLOGY_AND_SERVICES', 'RETAIL', 'MANAGEMENT_CONSULTING'];
const SIZES = ['15000', '6000', '3000', '400', '50'];
const ACTIVITY_MIX: ActivityType[] = ['page_view', 'email_click', 'webinar_registration', 'content_download', 'demo_request', 'form_submission', 'event_attendance'];
const ANSWERS = {
  bant_budget_answer: ['approved', 'planned', ''],
  bant_authority_answer: ['decision_maker', 'influencer', ''],
  bant_need_answer: ['acute', 'latent', ''],
  bant_timeline_answer: ['lt_3_months', '6_12_months', 'gt_12_months', ''],
};

/** A deterministic little random source, so seeded portals are the same in every run. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function makeSnapshot(portalId: PortalId, contactId: string, rnd: () => number, model: ScoringModel, nowMs: number): ContactSnapshot {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const activities: Activity[] = [];
  const count = Math.floor(rnd() * 9);
  for (let i = 0; i < count; i += 1) {
    const type = pick(ACTIVITY_MIX);
    activities.push({
      type,
      at: new Date(nowMs - Math.floor(rnd() * 60) * DAY - Math.floor(rnd() * DAY)).toISOString(),
      ...(type === 'page_view' ? { url: rnd() < 0.4 ? 'https://example.com/pricing' : 'https://example.com/produkt' } : { title: `${type} ${i}` }),
    });
  }
  const properties: Record<string, string> = {
    email: `kontakt${contactId}@${rnd() < 0.2 ? 'gmail.com' : `firma${contactId}.de`}`,
    firstname: `Vorname${contactId}`,
    lastname: `Nachname${contactId}`,
    jobtitle: pick(TITLES),
  };
  for (const [name, values] of Object.entries(ANSWERS)) {
    const value = pick(values);
    if (value) properties[name] = value;
  }
  const companyProperties = { name: `Firma ${contactId} GmbH`, numberofemployees: pick(SIZES), industry: pick(INDUSTRIES) };
  const ownerId = String(100 + Math.floor(rnd() * 3));
  const scoredAtMs = nowMs - Math.floor(rnd() * 3) * 60 * 60 * 1000;
  const result = score({ properties, company: { properties: companyProperties }, activities }, model, scoredAtMs);
  return {
    portalId,
    contactId,
    properties,
    companyProperties,
    activities,
    ownerId,
    written: { ...result.properties, lifecyclestage: result.lifecycleStage },
    scoredAt: result.scoredAt,
    modelVersion: result.modelVersion,
  };
}

type PortalId = number;

/** Installs the portal and stores `contacts` scored snapshots, with the task records the app would have made. */
export async function seedPortal(store: Store, options: { portalId?: number; contacts?: number; model?: ScoringModel; nowMs?: number; seed?: number } = {}) {
  const portalId = options.portalId ?? PORTAL_ID;
  const model = options.model ?? loadDefaultModel();
  const nowMs = options.nowMs ?? NOW;
  const rnd = random(options.seed ?? 7);
  await store.putInstallation(installation(portalId));
  const snapshots: ContactSnapshot[] = [];
  const tasks: TaskRecord[] = [];
  for (let i = 1; i <= (options.contacts ?? 120); i += 1) {
    const snapshot = makeSnapshot(portalId, String(1000 + i), rnd, model, nowMs);
    snapshots.push(snapshot);
    const q = snapshot.written.bant_qualification;
    if (q === 'sql' || q === 'mql') {
      const createdAt = new Date(nowMs - Math.floor(rnd() * 50) * DAY).toISOString();
      // What the app writes when it first scores the contact MQL or SQL (milestoneWrites), the moment its task was made.
      snapshot.written.bant_became_mql_at = createdAt;
      if (q === 'sql') snapshot.written.bant_became_sql_at = createdAt;
      const status: TaskRecord['status'] = rnd() < 0.4 ? 'completed' : 'open';
      tasks.push({
        portalId,
        contactId: snapshot.contactId,
        kind: q === 'sql' ? 'call_sql' : 'qualify',
        taskId: `t-${snapshot.contactId}`,
        ownerId: snapshot.ownerId ?? null,
        status,
        createdAt,
        dueAt: new Date(Date.parse(createdAt) + (q === 'sql' ? 1 : 48) * 60 * 60 * 1000).toISOString(),
      });
      if (q === 'sql' && status === 'open' && rnd() < 0.3) {
        tasks.push({ portalId, contactId: snapshot.contactId, kind: 'escalate', taskId: `e-${snapshot.contactId}`, ownerId: '999', status: 'open', createdAt, dueAt: createdAt });
      }
    }
  }
  await store.putSnapshots(snapshots);
  await store.putTaskRecords(tasks);
  return { portalId, snapshots, tasks };
}

/** Headers hubspot.fetch would send for a GET of `publicUrl` (v3, docs/hubspot-platform.md §1.6). */
export function signCardRequest(publicUrl: string, timestamp: number, secret = CLIENT_SECRET): Record<string, string> {
  return {
    'X-HubSpot-Signature-v3': computeSignatureV3(secret, 'GET', publicUrl, Buffer.alloc(0), String(timestamp)),
    'X-HubSpot-Request-Timestamp': String(timestamp),
  };
}

export interface RunningConsole {
  url: string;
  test: TestContext;
  uninstalled: number[];
  close(): Promise<void>;
}

/**
 * The card and admin routers on an express app at port 0, like the app mounts them, and a stand-in for HubSpot's
 * OAuth that approves at once: /fake-hubspot/oauth/authorize redirects to /oauth/callback, which does what the app's
 * OAuth callback does for a `signin` state.
 */
export async function startConsoleApp(setup: (test: TestContext) => Promise<void> = async () => {}): Promise<RunningConsole> {
  const app = express();
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const test = createTestContext({ config: testConfig({ PUBLIC_BASE_URL: url, HUBSPOT_AUTH_BASE_URL: `${url}/fake-hubspot` }) });
  await setup(test);
  const uninstalled: number[] = [];
  app.get('/fake-hubspot/oauth/authorize', (req, res) => {
    res.redirect(`${String(req.query.redirect_uri)}?code=fake-code&state=${encodeURIComponent(String(req.query.state))}`);
  });
  app.get('/oauth/callback', async (req, res) => {
    const state = await test.store.takeOAuthState(String(req.query.state), test.ctx.now());
    if (state?.purpose !== 'signin') {
      res.status(400).send('unknown state');
      return;
    }
    res.redirect(await signInReturnUrl(test.ctx, { state, portalId: PORTAL_ID, user: 'admin@muster-anlagenbau.de' }));
  });
  app.use(createCardRouter(test.ctx));
  app.use(
    createAdminRouter(test.ctx, {
      uninstall: async (portalId) => {
        uninstalled.push(portalId);
      },
    }),
  );
  app.use(createErrorMiddleware(silentLogger));
  return {
    url,
    test,
    uninstalled,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Won and lost deals for about four in five seeded contacts, the chance of a win rising with the lead score (so the
 * model ranks them better than chance), with the features as they were before each outcome and reasons for losses.
 */
export async function seedOutcomes(store: Store, snapshots: ContactSnapshot[], options: { nowMs?: number; seed?: number } = {}): Promise<OutcomeRecord[]> {
  const nowMs = options.nowMs ?? NOW;
  const rnd = random(options.seed ?? 11);
  const criteria = ['budget', 'timeline', 'authority', 'need', ''];
  const records: OutcomeRecord[] = [];
  for (const s of snapshots) {
    if (rnd() < 0.2) continue;
    const at = new Date(nowMs - Math.floor(1 + rnd() * 30) * DAY).toISOString();
    const won = rnd() < 0.1 + (0.8 * Number(s.written.bant_lead_score ?? 0)) / 100;
    const criterion = won ? '' : (criteria[Math.floor(rnd() * criteria.length)] ?? '');
    const competitor = !won && rnd() < 0.3 ? (rnd() < 0.5 ? 'Wettbewerber AG' : 'Konkurrenz GmbH') : '';
    records.push({
      portalId: s.portalId,
      contactId: s.contactId,
      outcome: won ? 'won' : 'lost',
      at,
      source: 'deal',
      dealId: `d-${s.contactId}`,
      dealCreatedAt: new Date(Date.parse(at) - 20 * DAY).toISOString(),
      ...(criterion ? { criterion } : {}),
      ...(competitor ? { competitor } : {}),
      recordedAt: at,
      features: { properties: s.properties, company: s.companyProperties ? { properties: s.companyProperties } : null, activities: s.activities.filter((a) => a.at < at) },
      featuresFrom: 'before',
    });
  }
  await store.putOutcomes(records);
  return records;
}

export const TIMELINE_CONTACT = { contactId: '5001', firstname: 'Erika', lastname: 'Beispiel', email: 'erika.beispiel@beispiel-maschinenbau.de' };

/**
 * One contact scored on three Tuesdays as it engaged: a product page, then a webinar registration and the pricing
 * page, then an approved budget, a decision maker's answer and a demo request; won a week later. The history holds
 * what the app records (changes only), the snapshot the last score.
 */
export async function seedTimelineContact(store: Store, options: { portalId?: number; model?: ScoringModel } = {}) {
  const portalId = options.portalId ?? PORTAL_ID;
  const model = options.model ?? loadDefaultModel();
  const company = { name: 'Beispiel Maschinenbau GmbH', numberofemployees: '400', industry: 'MACHINERY' };
  const activities: Activity[] = [{ type: 'page_view', at: '2026-10-26T08:00:00.000Z', url: 'https://example.com/produkt' }];
  const properties: Record<string, string> = { email: TIMELINE_CONTACT.email, firstname: TIMELINE_CONTACT.firstname, lastname: TIMELINE_CONTACT.lastname, jobtitle: 'Head of Marketing' };
  const steps: Array<{ at: string; change: () => void }> = [
    { at: '2026-10-27T09:00:00.000Z', change: () => {} },
    {
      at: '2026-11-03T09:00:00.000Z',
      change: () => {
        activities.push({ type: 'webinar_registration', at: '2026-11-02T15:00:00.000Z', title: 'Webinar: Anlagen digital planen' });
        activities.push({ type: 'page_view', at: '2026-11-02T16:00:00.000Z', url: 'https://example.com/pricing' });
      },
    },
    {
      at: '2026-11-10T09:00:00.000Z',
      change: () => {
        properties.bant_budget_answer = 'approved';
        properties.bant_authority_answer = 'decision_maker';
        properties.bant_need_answer = 'acute';
        properties.bant_timeline_answer = 'lt_3_months';
        activities.push({ type: 'demo_request', at: '2026-11-09T11:00:00.000Z', title: 'Demo anfragen' });
      },
    },
  ];
  const history: ScoreChange[] = [];
  let last: ScoringResult | undefined;
  const written: Record<string, string> = {};
  for (const step of steps) {
    step.change();
    last = score({ properties: { ...properties }, company: { properties: company }, activities: [...activities] }, model, Date.parse(step.at));
    Object.assign(written, milestoneWrites(last, written));
    const change = scoreChangeOf(last);
    if (isScoreChange(history.at(-1), change)) history.push(change);
  }
  if (!last) throw new Error('no score');
  await store.putSnapshots([
    {
      portalId,
      contactId: TIMELINE_CONTACT.contactId,
      properties: { ...properties },
      companyProperties: company,
      activities: [...activities],
      ownerId: '101',
      written: { ...last.properties, lifecyclestage: last.lifecycleStage, ...written },
      scoredAt: last.scoredAt,
      modelVersion: last.modelVersion,
    },
  ]);
  await store.appendScoreChanges(
    portalId,
    history.map((change) => ({ contactId: TIMELINE_CONTACT.contactId, change })),
  );
  const won: OutcomeRecord = { portalId, contactId: TIMELINE_CONTACT.contactId, outcome: 'won', at: '2026-11-17T14:00:00.000Z', source: 'deal', dealId: 'd-5001', recordedAt: '2026-11-17T14:05:00.000Z' };
  await store.putOutcomes([won]);
  return { history, outcome: won };
}
