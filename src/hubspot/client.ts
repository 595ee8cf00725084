// One ready client per portal (probot's per-installation octokit): its own SDK client and token, the portal's
// limiter and retries, cached property options. Jobs and webhooks receive it through PortalClients.forPortal.
import { DEFAULT_LANGUAGE, type Language } from '../scoring/catalogue.ts';
import { allPropertiesIn, propertyGroupIn } from './bant-properties.ts';
import type Bottleneck from 'bottleneck';
import type { Config } from '../config.ts';
import { AuthorizationError } from '../errors.ts';
import { type Logger, registerSecret } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { Installation, PortalId, Store } from '../store/store.ts';
import { LABELLED_PROPERTIES, type OptionLabels } from '../scoring/option-labels.ts';
import type { MeddicModel } from '../scoring/meddic-schema.ts';
import { readAssociations } from './associations.ts';
import { MAX_CONTACT_PAGES, readCompanyContacts } from './company-contacts.ts';
import { createInstallationAuth, type InstallationAuth } from './installations.ts';
import { createPortalLimiters, type PortalLimiters } from './limiter.ts';
import { readContactOwners } from './contact-owners.ts';
import { retireInstallation } from '../store/retire-installation.ts';
import { createDealStageCache, listDealIds, readContactsWithOpenOrWonDeals, readDeals } from './deals.ts';
import { countContacts, listContactIds, listOwners, searchModifiedCompanies, searchModifiedCompanyIds, searchModifiedContacts, searchModifiedDealIds } from './list-contacts.ts';
import { deleteExternalInstall } from './oauth.ts';
import { companyPropertiesIn } from './company-properties.ts';
import type { PortalClient, PortalClients } from './portal-client.ts';
import { provisionProperties, readOptionLabels, readPropertyOptions } from './provision-properties.ts';
import { MARKETING_EVENTS_SCOPE, readMarketingEventIndex } from './marketing-events.ts';
import { readContacts } from './read-contacts.ts';
import { createPortalRequester, type PortalRequest } from './request.ts';
import { createPortalPauses, type PortalPauses, type RetryOptions } from './retry.ts';
import { createTasks, findAppTasks, getTaskStatuses, readTasks, updateTasks } from './tasks.ts';
import { resolveTokenKey } from './token-crypto.ts';
import { writeContacts } from './write-contacts.ts';
import { LEAD_PROPERTY_NAMES, leadPropertyDefinitions } from './lead-properties.ts';
import { meddicPropertyDefinitions } from './meddic-properties.ts';
import { createLeads, readContactLeads, readLeadPipelines, updateLeads } from './leads.ts';
import { ACCOUNT_DETAILS_PATH } from './api-paths.ts';
import { objectShape } from './response-shapes.ts';

/** Property option lists change rarely; reread them after this long. */
const OPTIONS_TTL_MS = 60 * 60_000;
/** Marketing event participations are read for the whole portal at most once a day (src/hubspot/marketing-events.ts). */
const MARKETING_EVENTS_TTL_MS = 24 * 60 * 60_000;

/** The account's time zone through the portal's limiter and retries (GET /account-info/2026-03/details, scope `oauth`). */
async function readAccountTimeZone(request: PortalRequest): Promise<string | undefined> {
  const response = await request<{ timeZone?: unknown }>('accountInfo.details', { method: 'GET', path: ACCOUNT_DETAILS_PATH, expect: objectShape });
  return typeof response.body?.timeZone === 'string' && response.body.timeZone ? response.body.timeZone : undefined;
}

export interface HubSpotPortalClient extends PortalClient {
  /** The portal's `hs_lead_status` option values (portals customise them, docs/hubspot-platform.md §8.13). */
  leadStatusOptions(): Promise<string[]>;
  /** Low-level access for callers that need an endpoint not wrapped here; same limiter and retries. */
  request: PortalRequest;
}

export interface HubSpotClients extends PortalClients {
  forPortal(portalId: PortalId, installation?: Installation): Promise<HubSpotPortalClient>;
  auth: InstallationAuth;
  /**
   * Disconnect from the app's side (docs/hubspot-platform.md §2.5, §7): DELETE /appinstalls/2026-03/external-install with the
   * portal's token, then delete the portal's tokens and data from the store.
   */
  disconnect(portalId: PortalId): Promise<void>;
  ensurePrivateAppInstallation(): Promise<void>;
  /** Stops the limiters (shutdown). */
  close(): Promise<void>;
}

export interface CreatePortalClientsOptions {
  config: Config;
  store: Store;
  log: Logger;
  metrics: Metrics;
  now?: () => number;
  /** From REDIS_URL (src/redis/bottleneck-connection.ts): shares each portal's budget across instances. */
  bottleneckConnection?: Bottleneck.IORedisConnection;
  /** Defaults to TOKEN_ENCRYPTION_KEY, or the generated key in DATA_DIR outside production. */
  tokenKey?: Buffer;
  /** Tests: a shorter window, faster retries. */
  limiterWindowMs?: number;
  retry?: Partial<RetryOptions>;
  timeoutMs?: number;
}

export function createPortalClients(options: CreatePortalClientsOptions): HubSpotClients {
  const { config, store, log, metrics } = options;
  const now = options.now ?? Date.now;
  registerSecret(config.HUBSPOT_CLIENT_SECRET);
  registerSecret(config.HUBSPOT_PRIVATE_APP_TOKEN);
  const auth = createInstallationAuth({ store, config, log, now, metrics, tokenKey: options.tokenKey ?? resolveTokenKey(config, log) });
  const limiters: PortalLimiters = createPortalLimiters({
    generalPerWindow: config.HUBSPOT_RATE_LIMIT_PER_10S,
    searchPerSecond: config.HUBSPOT_SEARCH_RATE_PER_S,
    ...(options.limiterWindowMs ? { windowMs: options.limiterWindowMs } : {}),
    ...(options.bottleneckConnection ? { connection: options.bottleneckConnection } : {}),
  });
  const pauses: PortalPauses = createPortalPauses();
  const clients = new Map<PortalId, HubSpotPortalClient>();
  /** The installation each portal's client was last handed out with: its granted scopes, as of the caller's batch. */
  const grantedScopes = new Map<PortalId, readonly string[] | undefined>();

  function build(portalId: PortalId): HubSpotPortalClient {
    const requester = createPortalRequester({
      portalId,
      basePath: config.HUBSPOT_API_BASE_URL,
      authorize: auth.authorize,
      ...(auth.invalidate ? { invalidate: auth.invalidate } : {}),
      limiters,
      pauses,
      metrics,
      log: log.child({ portalId }),
      now,
      timeZone: () => auth.timeZoneOf(portalId),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    const request = requester.request;
    const cached = <T>(load: () => Promise<T>, ttlMs = OPTIONS_TTL_MS) => {
      let value: { at: number; data: Promise<T> } | undefined;
      return () => {
        if (!value || now() - value.at > ttlMs) {
          const data = load();
          value = { at: now(), data };
          data.catch(() => {
            value = undefined;
          });
        }
        return value.data;
      };
    };
    const stageOrder = cached(async () => (await readPropertyOptions(request, 'contacts', 'lifecyclestage')).map((o) => o.value));
    const leadStatuses = cached(async () => (await readPropertyOptions(request, 'contacts', 'hs_lead_status')).map((o) => o.value));
    const marketingEventIndex = cached(async () => {
      const index = await readMarketingEventIndex(request);
      if (!index) log.info(`marketing events not read: the app lacks the optional scope ${MARKETING_EVENTS_SCOPE}`, { portalId });
      else if (index.truncated) log.warn('marketing events read up to their bound; older events and participations are left out', { portalId, events: index.events, participations: index.participations });
      return index?.activities;
    }, MARKETING_EVENTS_TTL_MS);
    // Without the optional scope (OAuth installs record what was granted) the read is skipped, not attempted; checked
    // against the installation the client was last handed out with (forPortal, once per batch), so a reinstall that
    // grants it takes effect at the next batch.
    const marketingEvents = async () => {
      const scopes = grantedScopes.has(portalId) ? grantedScopes.get(portalId) : oauthScopesOf(await store.getInstallation(portalId));
      if (scopes && !scopes.includes(MARKETING_EVENTS_SCOPE)) return undefined;
      return marketingEventIndex();
    };
    const dealStage = createDealStageCache(request);
    // Lead stages change rarely; reread with the option lists. A portal without Leads caches "none" just as long.
    const leadPipelines = cached(() => readLeadPipelines(request));
    // Once per client and language: a language change relabels them at the next lead sync.
    const leadProperties = new Map<Language, Promise<void>>();
    const provisionLeadProperties = (language: Language = DEFAULT_LANGUAGE) => {
      let done = leadProperties.get(language);
      if (!done) {
        done = provisionProperties(request, log.child({ portalId }), leadPropertyDefinitions(language), 'leads').then(() => undefined);
        leadProperties.set(language, done);
        done.catch(() => leadProperties.delete(language));
      }
      return done;
    };
    // Created once per client and set of definitions: a MEDDIC model with other answer values provisions again (patching the options).
    const meddicProvisioned = new Map<string, Promise<void>>();
    const provisionMeddicProperties = (meddic: MeddicModel, language: Language = DEFAULT_LANGUAGE) => {
      const definitions = meddicPropertyDefinitions(meddic, language);
      const key = JSON.stringify(definitions);
      let done = meddicProvisioned.get(key);
      if (!done) {
        done = provisionProperties(request, log.child({ portalId }), definitions, 'contacts', propertyGroupIn(language)).then(() => undefined);
        meddicProvisioned.set(key, done);
        done.catch(() => meddicProvisioned.delete(key));
      }
      return done;
    };
    // Reasons show option labels, not internal values (GET /crm/properties/2026-03/{objectType}/{name}, options[].label).
    const optionLabels = cached(async () => {
      const labels = await readOptionLabels(request, 'contacts', LABELLED_PROPERTIES.contact);
      for (const [name, byValue] of await readOptionLabels(request, 'companies', LABELLED_PROPERTIES.company)) {
        const merged = labels.get(name) ?? new Map<string, string>();
        for (const [value, label] of byValue) if (!merged.has(value)) merged.set(value, label);
        labels.set(name, merged);
      }
      return labels as OptionLabels;
    });
    const dispositions = cached(async () => new Map((await readPropertyOptions(request, 'calls', 'hs_call_disposition')).map((o) => [o.value, o.label])));

    return {
      portalId,
      request,
      provisionProperties: async (language = DEFAULT_LANGUAGE) => {
        await provisionProperties(request, log.child({ portalId }), allPropertiesIn(language), 'contacts', propertyGroupIn(language));
        // docs/contract.md section 3a: the account values live on companies, in a company group of the same name.
        await provisionProperties(request, log.child({ portalId }), companyPropertiesIn(language), 'companies', propertyGroupIn(language));
      },
      lifecycleStageOrder: stageOrder,
      optionLabels,
      leadStatusOptions: leadStatuses,
      readContacts: (ids, propertyNames) => readContacts(request, ids, propertyNames, { callDispositionLabels: dispositions, marketingEventActivities: marketingEvents }),
      listContactIds: (after, limit) => listContactIds(request, after, limit),
      searchModifiedContacts: (since, until) => searchModifiedContacts(request, since, until),
      searchModifiedCompanyIds: (since, until) => searchModifiedCompanyIds(request, since, until),
      searchModifiedCompanies: (since, until) => searchModifiedCompanies(request, since, until),
      countContacts: () => countContacts(request),
      readDeals: (ids) => readDeals(request, ids, dealStage),
      contactsWithOpenOrWonDeals: (ids) => readContactsWithOpenOrWonDeals(request, ids, dealStage),
      searchModifiedDealIds: (since, until) => searchModifiedDealIds(request, since, until),
      listDealIds: (after, limit) => listDealIds(request, after, limit),
      leadPipelines,
      provisionLeadProperties,
      provisionMeddicProperties,
      readContactLeads: (contactIds, pipelines) => readContactLeads(request, contactIds, pipelines, LEAD_PROPERTY_NAMES),
      createLeads: (creates) => createLeads(request, creates),
      updateLeads: (updates) => updateLeads(request, updates),
      writeContacts: (writes) => writeContacts(request, writes),
      createTasks: (tasks) => createTasks(request, tasks),
      getTaskStatuses: (ids) => getTaskStatuses(request, ids),
      findAppTasks: (contactIds) => findAppTasks(request, contactIds),
      readTasks: (taskIds) => readTasks(request, taskIds),
      updateTasks: (updates) => updateTasks(request, updates),
      associatedContactIds: async (objectType, objectIds) => {
        const links = await readAssociations(request, objectType, 'contacts', objectIds);
        return new Map([...links].map(([id, list]) => [id, list.map((l) => l.id)]));
      },
      companyContactIds: (companyIds) =>
        readCompanyContacts(request, companyIds, (truncated) =>
          log.warn(`company has more contacts than one change rescores (${MAX_CONTACT_PAGES} association pages); the rest keep their fit until their own next rescore`, {
            portalId,
            companyIds: truncated,
          }),
        ),
      listOwners: () => listOwners(request),
      readContactOwners: (ids) => readContactOwners(request, ids),
      accountTimeZone: async () => auth.timeZoneOf(portalId) ?? readAccountTimeZone(request),
      callCount: requester.callCount,
    };
  }

  return {
    auth,
    async forPortal(portalId, known) {
      const installation = known ?? (await store.getInstallation(portalId));
      if (!installation) throw new AuthorizationError(portalId, 'the app is not installed in this portal');
      if (installation.status !== 'active') {
        throw new AuthorizationError(portalId, `installation is inactive (${installation.statusReason ?? 'no reason recorded'})`);
      }
      grantedScopes.set(portalId, oauthScopesOf(installation));
      let client = clients.get(portalId);
      if (!client) {
        client = build(portalId);
        clients.set(portalId, client);
      }
      return client;
    },
    async disconnect(portalId) {
      const installation = await store.getInstallation(portalId);
      if (installation?.mode === 'oauth' && installation.status === 'active') {
        try {
          const token = await auth.authorize(portalId);
          const removed = await deleteExternalInstall(config, token);
          if (!removed) log.info('HubSpot reports the app already uninstalled', { portalId });
        } catch (error) {
          // Without a usable token HubSpot has already cut the app off; the local data still goes.
          if (!(error instanceof AuthorizationError)) throw error;
        }
      }
      await retireInstallation(store, portalId, new Date(now()).toISOString());
      auth.forget(portalId);
      clients.delete(portalId);
      grantedScopes.delete(portalId);
      await limiters.drop(portalId);
      log.info('portal disconnected: tokens and portal data deleted, settings and models kept for a reinstall', { portalId });
    },
    async ensurePrivateAppInstallation() {
      if (config.privateAppMode) await auth.ensurePrivateAppInstallation();
    },
    close: () => limiters.stop(),
  };
}

/** The scopes an OAuth install granted; undefined for a static token (private app), which is not checked. */
function oauthScopesOf(installation: Installation | undefined): readonly string[] | undefined {
  return installation?.mode === 'oauth' ? installation.scopes : undefined;
}
