// The HubSpot stand-in: a local HTTP server that behaves like HubSpot for this app's tests, benchmarks and demo.
// See standin/README.md. It never imports the app (src/): it is an independent check of it.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerCrmRoutes } from './crm-routes.ts';
import { registerMarketingEventRoutes } from './marketing-events-routes.ts';
import { registerPipelineRoutes } from './pipelines.ts';
import { type GenerateDealsOptions, generateDeals } from './generate-deals.ts';
import { HubSpotError } from './errors.ts';
import { type GenerateOptions, generatePortal } from './generate-portal.ts';
import { type AccessToken, type Ctx, type RateClass, Router } from './http.ts';
import { type AppCredentials, type AuthState, authenticate, issueTokens, registerOAuthRoutes, uninstall } from './oauth.ts';
import { type ChangeSource, type CrmRecord, Portal } from './portal.ts';
import { type Faults, RateLimiter, type RateLimitOptions } from './rate-limit.ts';
import { type EngagementType, normaliseObjectType } from './schema.ts';
import { type DeliveryRecord, type Subscription, WebhookDispatcher } from './webhooks.ts';

export { COMPETITOR_DOMAINS, FREE_MAIL_DOMAINS, UNIVERSITY_DOMAINS } from './generate-portal.ts';
export type { ChangeSource, CrmRecord, Owner } from './portal.ts';
export { Portal } from './portal.ts';
export { signV1, signV3 } from './webhooks.ts';
export type { DeliveryRecord, Faults, Subscription };

export interface StandInOptions {
  /** 0 (default) = a free port. Listens on 127.0.0.1 only. */
  port?: number;
  app: AppCredentials;
  webhookTargetUrl?: string;
  /** Webhook deliveries kept in `deliveries` at most, the newest (default: all). */
  keptDeliveries?: number;
  rateLimit?: RateLimitOptions;
  /** Access-token lifetime (HubSpot: 1,800 s). */
  tokenTtlSeconds?: number;
  /** Events per webhook delivery (HubSpot: up to 100). */
  deliveryBatchSize?: number;
  /** How long events gather before a delivery. Default 50 ms. */
  deliveryDelayMs?: number;
  /** Webhook delivery timeout. Default 5,000 ms, as HubSpot. */
  deliveryTimeoutMs?: number;
  /** Retries of a failed delivery. Default 3 (HubSpot: 10 over 24 h). */
  deliveryRetries?: number;
  /** First retry delay, doubled per attempt with jitter. Default 200 ms. */
  deliveryRetryBaseMs?: number;
  /** Webhook subscriptions (e.g. app.json's); default: everything HubSpot allows. */
  subscriptions?: Subscription[];
  /** `subscriptionType` (default) or `eventType` as the events' type field (docs/hubspot-platform.md §1.3). */
  webhookTypeField?: 'subscriptionType' | 'eventType';
  /** Contact events as generic `object.*` events with objectTypeId 0-1. */
  genericContactEvents?: boolean;
  /** Portal the authorize page installs into when the request does not name one (default: the first portal). */
  installPortalId?: number;
  /** When set, authorize accepts only these redirect URIs. */
  redirectUris?: string[];
  /** Optional scopes the installing user cannot grant (HubSpot grants optional scopes only where the account has them). */
  withheldScopes?: string[];
  /** Enforce token scopes (403 MISSING_SCOPES). Default true. */
  enforceScopes?: boolean;
  /** 'reject' (default): backward lifecyclestage writes are 400; 'ignore': silently kept. */
  lifecycleBackward?: 'reject' | 'ignore';
  clock?: () => number;
}

export interface CreatePortalOptions extends GenerateOptions {
  portalId?: number;
  /** Deals won and lost and sales feedback from a hidden propensity (standin/generate-deals.ts). */
  outcomes?: Omit<GenerateDealsOptions, 'seed'>;
  /** Whether the portal has Leads (Sales Hub Professional or Enterprise); default true. */
  leads?: boolean;
  /** Also install the app (normally done through OAuth). */
  installed?: boolean;
  /** A static private-app token for this portal (all scopes, no expiry); implies installed. */
  privateAppToken?: string;
  /** Limits of this portal's own, instead of the stand-in's `rateLimit` (unset fields keep those). */
  rateLimit?: RateLimitOptions;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: string;
  portalId?: number;
  status: number;
  /** Clock time (ms) when the request arrived. */
  time: number;
  durationMs: number;
  /** Which limit the request counts against: 'burst' (110/10 s), 'search' (5/s) or 'none' (OAuth). */
  rate: RateClass;
  /** Answered with a garbled body by the garble fault mode (the read itself happened). */
  garbled?: boolean;
}

/** Garbled answers, as a gateway or a cut connection produce them: a share of the reads until `untilMs`. */
export interface GarbleOptions {
  /** Share of reads garbled, 0..1. */
  share: number;
  /** Epoch ms (the stand-in's clock) until which reads are garbled; default: until garble is called again. */
  untilMs?: number;
  /** Default Math.random; a seeded one makes the garbled reads repeatable. */
  random?: () => number;
}

export interface RequestFilter {
  method?: string;
  path?: string | RegExp;
  portalId?: number;
  status?: number;
  rate?: RateClass;
  since?: number;
}

export interface ActivityInput {
  type: Exclude<EngagementType, 'tasks'>;
  properties?: Record<string, string>;
  /** When it happened (default now). */
  at?: number;
}

export interface SimulateOptions {
  changeSource?: string;
  sourceId?: string;
}

export interface Simulate {
  createContact(portalId: number, properties: Record<string, string>, options?: SimulateOptions & { companyId?: number }): number;
  updateContact(portalId: number, contactId: number, properties: Record<string, string>, options?: SimulateOptions): string[];
  deleteContact(portalId: number, contactId: number, options?: SimulateOptions): void;
  mergeContacts(portalId: number, primaryId: number, mergedId: number, options?: SimulateOptions): void;
  privacyDelete(portalId: number, contactId: number, options?: SimulateOptions): void;
  addActivity(portalId: number, contactId: number, activity: ActivityInput, options?: SimulateOptions): number;
  completeTask(portalId: number, taskId: number, options?: SimulateOptions): void;
  /** A form submission: num_conversion_events +1, recent_conversion_* set (HubSpot computes these). */
  submitForm(portalId: number, contactId: number, formName: string): void;
  /**
   * Page views: hs_analytics_num_page_views + n, last visit now, one `hs_analytics_last_url` value per page seen (30 s
   * apart, ending now), the paths taken in turn from `paths` (default: a few site pages including /pricing).
   */
  viewPages(portalId: number, contactId: number, count: number, paths?: string[]): void;
  associateCompany(portalId: number, contactId: number, companyId: number, options?: SimulateOptions & { primary?: boolean }): void;
  createCompany(portalId: number, properties: Record<string, string>, options?: SimulateOptions): number;
  /** A CRM user edits a company: one `company.propertyChange` per changed value. Returns the changed names. */
  updateCompany(portalId: number, companyId: number, properties: Record<string, string>, options?: SimulateOptions): string[];
  /** A rep creates a deal with its contacts and (primary) company: one `deal.creation`. */
  createDeal(portalId: number, properties: Record<string, string>, options?: SimulateOptions & { contactIds?: number[]; companyId?: number }): number;
  /** A rep edits a deal (e.g. moves its stage): one `deal.propertyChange` per changed value. */
  updateDeal(portalId: number, dealId: number, properties: Record<string, string>, options?: SimulateOptions): string[];
}

export interface StandIn {
  url: string;
  port: number;
  app: AppCredentials;
  readonly requests: RequestRecord[];
  readonly deliveries: DeliveryRecord[];
  createPortal(options?: CreatePortalOptions): Portal;
  portal(id: number): Portal;
  portals(): Portal[];
  countRequests(filter?: RequestFilter): number;
  /** The most burst-limited requests (any status) of a portal within any window of `windowMs`. */
  maxRequestsInWindow(portalId: number, windowMs?: number): number;
  setWebhookTarget(url: string | undefined): void;
  setSubscriptions(subscriptions: Subscription[] | undefined): void;
  /** Delivers pending events now and waits for deliveries in flight. */
  flushWebhooks(): Promise<void>;
  /** Waits until no event is pending, in flight or waiting for a retry. */
  webhooksIdle(): Promise<void>;
  injectFaults(portalId: number, faults: Faults): void;
  /**
   * Fault mode: a share of authenticated reads (GET, …/batch/read, …/search) is answered 200 with an HTML gateway page
   * or truncated JSON, or 404 with an HTML page, instead of HubSpot's JSON. `{ share: 0 }` ends it.
   */
  garble(options: GarbleOptions): void;
  /** How many answers the garble mode has spoiled so far. */
  garbledCount(): number;
  /** Makes the portal's current access tokens expired (refresh tokens keep working). */
  expireTokens(portalId: number): void;
  /** Tokens without the OAuth dance (e.g. for tests of the stand-in itself). */
  issueToken(portalId: number, scopes?: string[]): { accessToken: string; refreshToken: string };
  /** Uninstalls the app from the portal (as the customer would in HubSpot). */
  uninstall(portalId: number): void;
  simulate: Simulate;
  close(): Promise<void>;
}

const ALL_SCOPES = [
  'oauth',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.schemas.contacts.read',
  'crm.schemas.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.schemas.companies.write',
  'crm.objects.owners.read',
  'sales-email-read',
  'crm.objects.marketing_events.read',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.objects.leads.read',
  'crm.objects.leads.write',
];

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startStandIn(options: StandInOptions): Promise<StandIn> {
  const clock = options.clock ?? Date.now;
  const app = options.app;
  const appId = Number(app.appId);
  const auth: AuthState = {
    app,
    clock,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 1800,
    portals: new Map(),
    tokens: new Map(),
    refreshTokens: new Map(),
    codes: new Map(),
    installPortalId: options.installPortalId,
    redirectUris: options.redirectUris,
    ...(options.withheldScopes ? { withheldScopes: options.withheldScopes } : {}),
    user: { id: 8_800_001, email: 'admin@demo-vertrieb.de' },
  };
  const limiter = new RateLimiter(options.rateLimit ?? {}, String(app.appId));
  const webhooks = new WebhookDispatcher({
    clientSecret: app.clientSecret,
    appId,
    targetUrl: options.webhookTargetUrl,
    keptDeliveries: options.keptDeliveries,
    batchSize: options.deliveryBatchSize ?? 100,
    delayMs: options.deliveryDelayMs ?? 50,
    timeoutMs: options.deliveryTimeoutMs ?? 5_000,
    maxRetries: options.deliveryRetries ?? 3,
    retryBaseMs: options.deliveryRetryBaseMs ?? 200,
    typeField: options.webhookTypeField ?? 'subscriptionType',
    genericContactEvents: options.genericContactEvents ?? false,
    subscriptions: options.subscriptions,
    clock,
  });
  const enforceScopes = options.enforceScopes ?? true;
  const requests: RequestRecord[] = [];
  const router = new Router();
  registerOAuthRoutes(router, auth);
  registerCrmRoutes(router);
  registerPipelineRoutes(router);
  registerMarketingEventRoutes(router);

  const garbleState: { share: number; untilMs: number; random: () => number; count: number } = { share: 0, untilMs: 0, random: Math.random, count: 0 };
  const shouldGarble = (now: number) => garbleState.share > 0 && now < garbleState.untilMs && garbleState.random() < garbleState.share;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const time = clock();
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const record: RequestRecord = { method, path, query: url.search, status: 0, time, durationMs: 0, rate: 'none' };
    let status = 500;
    let body: unknown;
    let headers: Record<string, string> = {};
    try {
      const raw = await readBody(req);
      const match = router.match(method, path);
      if (match === undefined) throw new HubSpotError(404, 'OBJECT_NOT_FOUND', `No route for ${method} ${path} in the HubSpot stand-in`);
      if (match === 'method') throw new HubSpotError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}`);
      const { route, params } = match;
      record.rate = route.rate;
      const ctx: Ctx = {
        method,
        path,
        params,
        query: url.searchParams,
        body: undefined,
        form: new URLSearchParams(),
        headers: req.headers,
        source: { changeSource: 'INTEGRATION', sourceId: String(appId) },
      };
      if ((req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) ctx.form = new URLSearchParams(raw);
      else if (raw.trim() !== '') {
        try {
          ctx.body = JSON.parse(raw);
        } catch (e) {
          throw new HubSpotError(400, 'VALIDATION_ERROR', `Invalid input JSON on line 1: ${(e as Error).message}`);
        }
      }
      if (route.auth) {
        let token: AccessToken;
        try {
          token = authenticate(auth, req.headers.authorization);
        } catch (e) {
          record.rate = 'none';
          throw e;
        }
        const portal = auth.portals.get(token.portalId);
        if (!portal) throw new HubSpotError(401, 'INVALID_AUTHENTICATION', 'The portal of this token no longer exists');
        ctx.portal = portal;
        ctx.token = token;
        record.portalId = portal.id;
        if (token.static) ctx.source = { changeSource: 'INTEGRATION', sourceId: `privateApp:${appId}` };
        const fault = limiter.takeFault(portal.id);
        if (fault.delayMs > 0) await new Promise((r) => setTimeout(r, fault.delayMs));
        if (fault.error) throw fault.error;
        headers = limiter.check(portal.id, route.rate, clock());
        const needed = route.scopes(params);
        if (enforceScopes && !token.static && needed.length > 0 && !needed.some((s) => token.scopes.includes(s))) {
          throw new HubSpotError(403, 'MISSING_SCOPES', 'This app hasn\u2019t been granted all required scopes to make this call.', {
            errors: [{ message: `One or more of the following scopes are required.`, context: { requiredGranularScopes: needed } }],
          });
        }
        // A portal without Leads refuses the leads object on every endpoint, whatever the token holds.
        if (!portal.leadPipelines && [params.objectType, params.fromObjectType, params.toObjectType].some((t) => t !== undefined && normaliseObjectType(t) === 'leads')) {
          throw new HubSpotError(403, 'MISSING_SCOPES', 'This portal does not have access to the leads object.', { subCategory: 'LEADS_NOT_AVAILABLE' });
        }
      }
      const reply = await route.handler(ctx);
      status = reply.status;
      body = reply.body;
      headers = { ...headers, ...(reply.headers ?? {}) };
      if (route.auth && isRead(method, path) && shouldGarble(clock())) {
        const spoiled = garbleReply(status, body, garbleState.random);
        record.status = spoiled.status;
        record.garbled = true;
        record.durationMs = performance.now() - started;
        requests.push(record);
        garbleState.count += 1;
        res.writeHead(spoiled.status, { 'Content-Type': spoiled.contentType, 'Content-Length': Buffer.byteLength(spoiled.text) });
        res.end(spoiled.text);
        return;
      }
    } catch (e) {
      if (e instanceof HubSpotError) {
        status = e.status;
        body = e.body;
        headers = { ...headers, ...e.headers };
      } else {
        status = 500;
        body = { status: 'error', message: `Stand-in failure: ${(e as Error).message}`, correlationId: randomUUID(), category: 'INTERNAL_ERROR' };
      }
    }
    record.status = status;
    record.durationMs = performance.now() - started;
    requests.push(record);
    if (body !== undefined && status !== 204) {
      const text = JSON.stringify(body);
      res.writeHead(status, { ...headers, 'Content-Type': 'application/json;charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    } else {
      res.writeHead(status, headers);
      res.end();
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // Connections stay open between calls, as HubSpot's API front keeps them. The server announces its idle timeout
  // (`Keep-Alive: timeout=N`) and undici closes a connection after one answer when N is not above its own 2 s margin:
  // with the 1 s this had, every call of the app opened a new TCP connection (a tenth of the app's CPU at a thousand
  // portals, bench/README.md). `close()` still ends idle connections at once.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  const portalOf = (id: number): Portal => {
    const p = auth.portals.get(id);
    if (!p) throw new Error(`No portal ${id} in the stand-in`);
    return p;
  };
  const ui = (p: Portal, o?: SimulateOptions): ChangeSource => ({
    changeSource: o?.changeSource ?? 'CRM_UI',
    sourceId: o?.sourceId ?? `userId:${p.owners[0]?.userId ?? auth.user.id}`,
  });
  const calculated: ChangeSource = { changeSource: 'CALCULATED' };

  const simulate: Simulate = {
    createContact(portalId, properties, o) {
      const p = portalOf(portalId);
      const rec = p.create('contacts', p.validate('contacts', properties, undefined, true), ui(p, o));
      if (o?.companyId !== undefined) p.associate('contacts', rec.id, 'companies', o.companyId, ui(p, o), false, true);
      return rec.id;
    },
    updateContact(portalId, contactId, properties, o) {
      const p = portalOf(portalId);
      return p.update('contacts', contactId, p.validate('contacts', properties, undefined, true), ui(p, o));
    },
    deleteContact(portalId, contactId, o) {
      const p = portalOf(portalId);
      p.archive('contacts', contactId, ui(p, o));
    },
    mergeContacts(portalId, primaryId, mergedId, o) {
      const p = portalOf(portalId);
      p.merge(primaryId, mergedId, ui(p, o));
    },
    privacyDelete(portalId, contactId, o) {
      const p = portalOf(portalId);
      p.privacyDelete(contactId, ui(p, o));
    },
    addActivity(portalId, contactId, activity, o) {
      const p = portalOf(portalId);
      const contact = p.get('contacts', contactId);
      if (!contact) throw new Error(`No contact ${contactId} in portal ${portalId}`);
      const at = activity.at ?? clock();
      const props = p.validate(activity.type, { hs_timestamp: String(at), hubspot_owner_id: contact.props.hubspot_owner_id ?? '', ...activity.properties }, undefined, true);
      const rec = p.create(activity.type, props, ui(p, o));
      p.associate(activity.type, rec.id, 'contacts', contactId, ui(p, o));
      const iso = new Date(at).toISOString();
      const rollups: Record<string, string> = { notes_last_updated: iso };
      const contacted =
        activity.type === 'calls' ||
        activity.type === 'emails' ||
        (activity.type === 'meetings' && (props.hs_meeting_outcome ?? 'COMPLETED') === 'COMPLETED');
      if (contacted) {
        rollups.notes_last_contacted = iso;
        rollups.hs_last_sales_activity_timestamp = iso;
        rollups.num_contacted_notes = String(Number(contact.props.num_contacted_notes ?? 0) + 1);
      }
      if (activity.type === 'meetings') rollups.hs_latest_meeting_activity = iso;
      if (activity.type === 'emails' && props.hs_email_direction === 'INCOMING_EMAIL') rollups.hs_sales_email_last_replied = iso;
      p.update('contacts', contactId, rollups, calculated);
      return rec.id;
    },
    completeTask(portalId, taskId, o) {
      const p = portalOf(portalId);
      p.update('tasks', taskId, { hs_task_status: 'COMPLETED', hs_task_completion_date: new Date(clock()).toISOString() }, ui(p, o));
    },
    submitForm(portalId, contactId, formName) {
      const p = portalOf(portalId);
      const c = p.get('contacts', contactId);
      if (!c) throw new Error(`No contact ${contactId} in portal ${portalId}`);
      const iso = new Date(clock()).toISOString();
      const props: Record<string, string> = {
        num_conversion_events: String(Number(c.props.num_conversion_events ?? 0) + 1),
        recent_conversion_event_name: formName,
        recent_conversion_date: iso,
      };
      if (!c.props.first_conversion_date) {
        props.first_conversion_event_name = formName;
        props.first_conversion_date = iso;
      }
      p.update('contacts', contactId, props, { changeSource: 'FORM' });
    },
    viewPages(portalId, contactId, count, paths = ['/', '/produkte/lead-scoring', '/pricing', '/blog/bant-im-mittelstand']) {
      const p = portalOf(portalId);
      const c = p.get('contacts', contactId);
      if (!c) throw new Error(`No contact ${contactId} in portal ${portalId}`);
      const now = clock();
      const seen = Array.from({ length: Math.max(1, count) }, (_v, i) => paths[i % paths.length] ?? '/');
      // Before the counts change: the generated series behind the history depends on them.
      p.addHistory(
        contactId,
        'hs_analytics_last_url',
        seen.map((value, i) => ({ value, timestamp: now - (seen.length - 1 - i) * 30_000, sourceType: 'ANALYTICS' })),
      );
      c.props.hs_analytics_last_url = seen.at(-1)!;
      p.update(
        'contacts',
        contactId,
        {
          hs_analytics_num_page_views: String(Number(c.props.hs_analytics_num_page_views ?? 0) + count),
          hs_analytics_last_visit_timestamp: new Date(now).toISOString(),
        },
        { changeSource: 'ANALYTICS' },
      );
    },
    associateCompany(portalId, contactId, companyId, o) {
      const p = portalOf(portalId);
      p.associate('contacts', contactId, 'companies', companyId, ui(p, o), false, o?.primary ?? true);
    },
    createCompany(portalId, properties, o) {
      const p = portalOf(portalId);
      return p.create('companies', p.validate('companies', properties, undefined, true), ui(p, o)).id;
    },
    updateCompany(portalId, companyId, properties, o) {
      const p = portalOf(portalId);
      return p.update('companies', companyId, p.validate('companies', properties, undefined, true), ui(p, o));
    },
    createDeal(portalId, properties, o) {
      const p = portalOf(portalId);
      const rec = p.create('deals', p.validate('deals', properties, undefined, true), ui(p, o));
      for (const contactId of o?.contactIds ?? []) p.associate('deals', rec.id, 'contacts', contactId, ui(p, o), true);
      if (o?.companyId !== undefined) p.associate('deals', rec.id, 'companies', o.companyId, ui(p, o), true);
      return rec.id;
    },
    updateDeal(portalId, dealId, properties, o) {
      const p = portalOf(portalId);
      return p.update('deals', dealId, p.validate('deals', properties, undefined, true), ui(p, o));
    },
  };

  let nextPortalId = 24_000_001;
  const standIn: StandIn = {
    url,
    port,
    app,
    requests,
    deliveries: webhooks.deliveries,
    createPortal(o = {}) {
      const id = o.portalId ?? nextPortalId++;
      if (auth.portals.has(id)) throw new Error(`Portal ${id} exists already`);
      const portal = new Portal({ portalId: id, clock, lifecycleBackward: options.lifecycleBackward });
      if (o.leads === false) portal.leadPipelines = null;
      portal.onChange((change) => webhooks.record(portal, change));
      generatePortal(portal, { ...o, seed: o.seed ?? id });
      if (o.rateLimit) limiter.setPortalLimits(id, o.rateLimit);
      if (o.outcomes) generateDeals(portal, { ...o.outcomes, seed: o.seed ?? id });
      auth.portals.set(id, portal);
      if (o.installed || o.privateAppToken) {
        portal.installed = true;
        portal.grantedScopes = [...ALL_SCOPES];
      }
      if (o.privateAppToken) {
        auth.tokens.set(o.privateAppToken, {
          token: o.privateAppToken,
          portalId: id,
          scopes: [...ALL_SCOPES],
          expiresAt: Number.POSITIVE_INFINITY,
          revoked: false,
          static: true,
        });
      }
      return portal;
    },
    portal: portalOf,
    portals: () => [...auth.portals.values()],
    countRequests(f = {}) {
      return requests.filter(
        (r) =>
          (f.method === undefined || r.method === f.method) &&
          (f.path === undefined || (typeof f.path === 'string' ? r.path === f.path : f.path.test(r.path))) &&
          (f.portalId === undefined || r.portalId === f.portalId) &&
          (f.status === undefined || r.status === f.status) &&
          (f.rate === undefined || r.rate === f.rate) &&
          (f.since === undefined || r.time >= f.since),
      ).length;
    },
    maxRequestsInWindow(portalId, windowMs = 10_000) {
      const times = requests.filter((r) => r.portalId === portalId && r.rate === 'burst').map((r) => r.time);
      let max = 0;
      let lo = 0;
      for (let hi = 0; hi < times.length; hi++) {
        while (times[hi]! - times[lo]! >= windowMs) lo++;
        max = Math.max(max, hi - lo + 1);
      }
      return max;
    },
    setWebhookTarget(target) {
      webhooks.setTarget(target);
    },
    setSubscriptions(subs) {
      webhooks.setSubscriptions(subs);
    },
    flushWebhooks: () => webhooks.flush(),
    webhooksIdle: () => webhooks.idle(),
    injectFaults(portalId, faults) {
      limiter.inject(portalId, faults);
    },
    garble(garbleOptions) {
      garbleState.share = garbleOptions.share;
      garbleState.untilMs = garbleOptions.untilMs ?? Number.POSITIVE_INFINITY;
      garbleState.random = garbleOptions.random ?? Math.random;
    },
    garbledCount: () => garbleState.count,
    expireTokens(portalId) {
      const now = clock();
      for (const t of auth.tokens.values()) if (t.portalId === portalId && !t.static) t.expiresAt = Math.min(t.expiresAt, now - 1);
    },
    issueToken(portalId, scopes = ALL_SCOPES) {
      const portal = portalOf(portalId);
      portal.installed = true;
      if (portal.grantedScopes.length === 0) portal.grantedScopes = [...scopes];
      const { access, refresh } = issueTokens(auth, portalId, scopes);
      return { accessToken: access.token, refreshToken: refresh };
    },
    uninstall(portalId) {
      uninstall(auth, portalOf(portalId));
    },
    simulate,
    async close() {
      webhooks.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return standIn;
}

/** Convenience for assertions: a record's property values (virtual ones included). */
export function propsOf(portal: Portal, type: Parameters<Portal['get']>[0], rec: CrmRecord): Record<string, string> {
  const out: Record<string, string> = { ...rec.props };
  for (const name of ['hs_object_id', 'createdate', 'lastmodifieddate']) out[name] = portal.value(type, rec, name) ?? '';
  return out;
}

/** Reads only: writes stay clean, so what a garbled answer can do is what a read can do. */
function isRead(method: string, path: string): boolean {
  return method === 'GET' || (method === 'POST' && (path.endsWith('/batch/read') || path.endsWith('/search')));
}

const GATEWAY_PAGE = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n';
const NOT_FOUND_PAGE = '<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>';

/** One of: 200 with an HTML gateway page, 200 with the real JSON cut short, 404 with an HTML page. */
function garbleReply(status: number, body: unknown, random: () => number): { status: number; text: string; contentType: string } {
  const pick = random();
  if (pick < 1 / 3) return { status: 200, text: GATEWAY_PAGE, contentType: 'text/html' };
  if (pick < 2 / 3) {
    const text = JSON.stringify(body ?? { status: 'COMPLETE', results: [] });
    return { status: status >= 200 && status < 300 ? status : 200, text: text.slice(0, Math.max(1, Math.floor(text.length / 2))), contentType: 'application/json;charset=utf-8' };
  }
  return { status: 404, text: NOT_FOUND_PAGE, contentType: 'text/html' };
}
