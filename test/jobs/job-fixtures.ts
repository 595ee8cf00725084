// Shared fixtures of the job tests: an AppContext over the memory store, a counting fake PortalClient, a settable clock.
import type { AppContext } from '../../src/app-context.ts';
import { loadConfig } from '../../src/config.ts';
import type { ContactRecord, PortalClient, TaskCreate, TaskStatus } from '../../src/hubspot/portal-client.ts';
import { createLogger } from '../../src/log.ts';
import { Metrics } from '../../src/metrics.ts';
import type { ScoringModel } from '../../src/scoring/model-schema.ts';
import type { Profile, ScoringResult } from '../../src/scoring/types.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { type ContactSnapshot, DEFAULT_SETTINGS, type PortalId, type Store } from '../../src/store/store.ts';

export const PORTAL = 4711;

export interface FakePortalClient extends PortalClient {
  contactIds: string[];
  modifiedIds: string[];
  /** The lastmodifieddate searchModifiedContacts gives per id (epoch ms); ids without one come without a time. */
  modifiedAt: Map<string, number>;
  modifiedCompanyIds: string[];
  taskStatuses: Map<string, TaskStatus>;
  createdTasks: TaskCreate[];
  /** Calls per method. */
  calls: Record<string, number>;
  searchWindows: Array<{ since: number; until: number }>;
  companySearchWindows: Array<{ since: number; until: number }>;
  /** Answers of createTasks, by call, when a test wants errors. */
  failTaskCreates: number;
  /** What accountTimeZone answers (the account's IANA zone); an Error is thrown. */
  timeZone: string | undefined | Error;
  /** Title, body and priority of each created task (`t-N`), as updateTasks leaves them. */
  taskContents: Map<string, { subject: string; body: string; priority: string }>;
}

export function createFakePortalClient(portalId: PortalId = PORTAL): FakePortalClient {
  const calls: Record<string, number> = {};
  const count = (name: string) => {
    calls[name] = (calls[name] ?? 0) + 1;
  };
  const client: FakePortalClient = {
    portalId,
    contactIds: [],
    modifiedIds: [],
    modifiedAt: new Map(),
    modifiedCompanyIds: [],
    taskStatuses: new Map(),
    createdTasks: [],
    calls,
    searchWindows: [],
    companySearchWindows: [],
    failTaskCreates: 0,
    timeZone: undefined,
    taskContents: new Map(),
    async provisionProperties() {
      count('provisionProperties');
    },
    async optionLabels() {
      count('optionLabels');
      return new Map([['industry', new Map([['MACHINERY', 'Machinery (portal label)']])]]);
    },
    async lifecycleStageOrder() {
      count('lifecycleStageOrder');
      return ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer'];
    },
    async readContacts() {
      count('readContacts');
      return new Map<string, ContactRecord>();
    },
    async listContactIds(after, limit) {
      count('listContactIds');
      const start = after === undefined ? 0 : Number(after);
      const ids = client.contactIds.slice(start, start + limit);
      const next = start + limit;
      return next < client.contactIds.length ? { ids, after: String(next) } : { ids };
    },
    async searchModifiedContacts(since, until) {
      count('searchModifiedContacts');
      client.searchWindows.push({ since, until });
      return client.modifiedIds.map((id) => {
        const modifiedAt = client.modifiedAt.get(id);
        return modifiedAt === undefined ? { id } : { id, modifiedAt };
      });
    },
    async searchModifiedCompanyIds(since, until) {
      count('searchModifiedCompanyIds');
      client.companySearchWindows.push({ since, until });
      return [...client.modifiedCompanyIds];
    },
    async countContacts() {
      count('countContacts');
      return client.contactIds.length;
    },
    async writeContacts(writes) {
      count('writeContacts');
      return { written: writes.map((w) => w.contactId), failed: [] };
    },
    async createTasks(tasks) {
      count('createTasks');
      return tasks.map((task) => {
        if (client.failTaskCreates > 0) {
          client.failTaskCreates -= 1;
          return { error: 'HubSpot createTasks failed with 502' };
        }
        client.createdTasks.push(task);
        const taskId = `t-${client.createdTasks.length}`;
        client.taskStatuses.set(taskId, 'open');
        client.taskContents.set(taskId, { subject: task.subject, body: task.body, priority: task.priority });
        return { taskId };
      });
    },
    async getTaskStatuses(taskIds) {
      count('getTaskStatuses');
      return new Map(taskIds.map((id) => [id, client.taskStatuses.get(id) ?? 'deleted'] as const));
    },
    async findAppTasks(contactIds) {
      count('findAppTasks');
      const wanted = new Set(contactIds);
      return client.createdTasks.flatMap((task, i) => {
        const taskId = `t-${i + 1}`;
        const status = client.taskStatuses.get(taskId) ?? 'deleted';
        return wanted.has(task.contactId) && status !== 'deleted' ? [{ taskId, contactId: task.contactId, kind: task.kind, status }] : [];
      });
    },
    async readTasks(taskIds) {
      count('readTasks');
      return new Map(
        taskIds.map((id) => {
          const status = client.taskStatuses.get(id) ?? 'deleted';
          const content = status === 'deleted' ? undefined : client.taskContents.get(id);
          return [id, { status, subject: content?.subject ?? '', body: content?.body ?? '' }] as const;
        }),
      );
    },
    async updateTasks(updates) {
      count('updateTasks');
      const done = new Set<string>();
      for (const u of updates) {
        const content = client.taskContents.get(u.taskId);
        if (!content || (client.taskStatuses.get(u.taskId) ?? 'deleted') === 'deleted') continue;
        if (u.subject !== undefined) content.subject = u.subject;
        if (u.body !== undefined) content.body = u.body;
        if (u.priority !== undefined) content.priority = u.priority;
        if (u.complete) client.taskStatuses.set(u.taskId, 'completed');
        done.add(u.taskId);
      }
      return done;
    },
    async associatedContactIds() {
      count('associatedContactIds');
      return new Map();
    },
    async companyContactIds() {
      count('companyContactIds');
      return new Map();
    },
    async listOwners() {
      count('listOwners');
      return [
        { id: '501', firstName: 'Rita', lastName: 'Rep', email: 'rita@example.com', teams: [] },
        { id: '900', firstName: 'Sam', lastName: 'Salesmanager', teams: [] },
      ];
    },
    async accountTimeZone() {
      count('accountTimeZone');
      if (client.timeZone instanceof Error) throw client.timeZone;
      return client.timeZone;
    },
    callCount() {
      return Object.values(calls).reduce((sum, n) => sum + n, 0);
    },
  };
  return client;
}

export function testModel(tasks: Partial<ScoringModel['tasks']> = {}): ScoringModel {
  return {
    version: 'test-model-1',
    signals: { rules: [] },
    tasks: {
      description: undefined,
      callSlaHours: 1,
      qualifyDueDays: 2,
      followUpDays: 180,
      escalationGraceHours: 4,
      escalationOwnerId: '900',
      dailyBudgetPerRep: 25,
      ...tasks,
    },
  } as unknown as ScoringModel;
}

export interface JobHarness {
  ctx: AppContext;
  store: Store;
  client: FakePortalClient;
  metrics: Metrics;
  /** Parsed log lines. */
  logs: Array<Record<string, unknown>>;
  clock: { now: number };
  /** forPortal calls (each one would be a token check in the real app). */
  clientRequests: number[];
}

export async function createJobHarness(
  options: { store?: Store; client?: FakePortalClient; model?: ScoringModel; env?: Record<string, string>; now?: number; realClock?: boolean } = {},
): Promise<JobHarness> {
  const store = options.store ?? createMemoryStore();
  const client = options.client ?? createFakePortalClient();
  const metrics = new Metrics();
  const logs: Array<Record<string, unknown>> = [];
  const clock = { now: options.now ?? Date.parse('2026-03-02T09:00:00Z') };
  const clientRequests: number[] = [];
  const model = options.model ?? testModel();
  const ctx: AppContext = {
    config: loadConfig({ HUBSPOT_PRIVATE_APP_TOKEN: 'pat-test', HUBSPOT_CLIENT_SECRET: 'secret-value-123', ...options.env }),
    log: createLogger({ level: 'debug', write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) }),
    store,
    metrics,
    hubspot: {
      async forPortal(portalId) {
        clientRequests.push(portalId);
        return client;
      },
    },
    modelFor: async () => model,
    defaultModel: model,
    now: options.realClock ? () => Date.now() : () => clock.now,
    notifyWork() {},
  };
  if (!(await store.getInstallation(PORTAL))) {
    await store.putInstallation({
      portalId: PORTAL,
      mode: 'private_app',
      status: 'active',
      installedAt: '2026-03-01T08:00:00Z',
      scopes: [],
      settings: structuredClone(DEFAULT_SETTINGS),
    });
  }
  return { ctx, store, client, metrics, logs, clock, clientRequests };
}

export const contactIds = (n: number, from = 1) => Array.from({ length: n }, (_, i) => String(from + i).padStart(6, '0'));

export function snapshotOf(contactId: string, fields: Partial<ContactSnapshot> = {}): ContactSnapshot {
  return {
    portalId: PORTAL,
    contactId,
    properties: { firstname: 'Erika', lastname: `Muster-${contactId}`, email: `e${contactId}@example.com` },
    companyProperties: { name: 'Muster Anlagenbau GmbH' },
    activities: [],
    ownerId: '501',
    written: {},
    scoredAt: '2026-03-01T09:00:00Z',
    modelVersion: 'test-model-1',
    ...fields,
  };
}

/** Lets pending promise callbacks run (for concurrency tests without timers). */
export const settle = () => new Promise((resolve) => setImmediate(resolve));

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A stand-in for the engine in the job tests: engagement points halve every 30 days from `engaged_at` and are rounded;
 * a nurture contact with a timeline beyond 12 months gets a follow_up draft.
 */
export function fakeScore(profile: Profile, model: ScoringModel, now: Date): ScoringResult {
  const p = profile.properties;
  if (p.broken) throw new Error('unreadable profile');
  const engagedAt = p.engaged_at ? Date.parse(p.engaged_at) : now.getTime();
  const engagement = Math.round(Number(p.points ?? 0) * 0.5 ** ((now.getTime() - engagedAt) / DAY_MS / 30));
  const tier = engagement >= 50 ? 1 : engagement >= 25 ? 2 : engagement >= 10 ? 3 : 4;
  const qualification = p.qualification ?? 'mql';
  const followUp = qualification === 'nurture' && p.bant_timeline_answer === 'gt_12_months';
  return {
    qualification,
    engagement: { score: engagement, tier },
    tasks: followUp
      ? [{ kind: 'follow_up', subject: 'Follow up', body: 'bant-task: follow_up', priority: 'LOW', dueAt: new Date(now.getTime() + 180 * DAY_MS).toISOString() }]
      : [],
    properties: {
      bant_engagement_score: String(engagement),
      bant_engagement_tier: String(tier),
      bant_qualification: qualification,
      bant_scored_at: now.toISOString(),
      bant_model_version: model.version,
    },
  } as unknown as ScoringResult;
}

/** What the pipeline wrote for a snapshot scored at its scoredAt. */
export function writtenAt(snapshot: ContactSnapshot, model: ScoringModel = testModel()): Record<string, string> {
  const result = fakeScore({ properties: snapshot.properties, activities: [] }, model, new Date(snapshot.scoredAt));
  return { ...(result.properties as unknown as Record<string, string>), lifecyclestage: 'lead' };
}
