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
import type { Activity, ActivityType } from '../../src/scoring/types.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { type ContactSnapshot, DEFAULT_SETTINGS, type Installation, type Store, type TaskRecord } from '../../src/store/store.ts';
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

/** Headers hubspot.fetch would send for a GET of `publicUrl` (v3, PLATFORM.md §1.6). */
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
