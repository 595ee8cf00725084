// What the rest of the app may ask of HubSpot, per portal. Implemented in src/hubspot/ only;
// jobs and webhooks receive a ready PortalClient (token, limiter and retries handled inside).
import type { Language } from '../scoring/catalogue.ts';
import type { OptionLabels } from '../scoring/option-labels.ts';
import type { MeddicModel } from '../scoring/meddic-schema.ts';
import type { Criterion, Profile, TaskKind } from '../scoring/types.ts';
import type { Installation, PortalId } from '../store/store.ts';
import type { DealRecord } from './deals.ts';
import type { LeadCreate, LeadPipelines, LeadRecord, LeadUpdate } from './leads.ts';

export type EngagementObjectType = 'calls' | 'meetings' | 'emails' | 'notes';

/** A contact as read for scoring. */
export interface ContactRecord {
  contactId: string;
  profile: Profile;
  ownerId: string | null;
  /** Current HubSpot values of the app's output properties plus `lifecyclestage` and `hs_lead_status`. */
  current: Record<string, string | null>;
  /** HubSpot's `lastmodifieddate` / `hs_lastmodifieddate`, ISO. */
  updatedAt?: string;
  /** The company the contact is scored with (its account), when it has one. */
  companyId?: string;
  /** When each BANT answer it holds was given (ISO), from the answer properties' history. */
  answeredAt?: Partial<Record<Criterion, string>>;
}

/** A record found by a modified-since search. */
export interface ModifiedRecord {
  id: string;
  /** Its last-modified time (epoch ms, HubSpot's clock) as the search returned it; undefined when it gave none. */
  modifiedAt?: number;
}

export interface ContactWrite {
  contactId: string;
  properties: Record<string, string>;
}

export interface WriteReport {
  written: string[];
  /**
   * HubSpot's `updatedAt` (ISO, HubSpot's clock) per written contact, as the batch update response gives it: the
   * contact's `lastmodifieddate` after the write. Absent for a contact when the response named none.
   */
  updatedAt?: ReadonlyMap<string, string>;
  /** Per contact, the reason HubSpot refused (after splitting batches); never silently dropped. */
  failed: Array<{ contactId: string; error: string }>;
}

export interface TaskCreate {
  contactId: string;
  ownerId: string | null;
  kind: TaskKind;
  subject: string;
  body: string;
  priority: 'HIGH' | 'MEDIUM' | 'LOW';
  dueAt: string;
}

export type TaskStatus = 'open' | 'completed' | 'deleted';

export interface TaskContent {
  status: TaskStatus;
  subject: string;
  body: string;
}

export interface TaskUpdate {
  taskId: string;
  subject?: string;
  body?: string;
  priority?: 'HIGH' | 'MEDIUM' | 'LOW';
  /** Completes the task (hs_task_status COMPLETED). */
  complete?: boolean;
}


/** An owner (GET /crm/owners/2026-03); `deactivated` when its user was deactivated or it is archived. */
export interface PortalOwner {
  id: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  teams: Array<{ id: string; name: string; primary: boolean }>;
  deactivated?: boolean;
}

export interface PortalClient {
  readonly portalId: PortalId;
  /**
   * Creates the `bant_scoring` group and the docs/contract.md properties; idempotent, updates drifted options. Labels,
   * descriptions and option labels are in `language` (default English): another language relabels, values unchanged.
   */
  provisionProperties(language?: Language): Promise<void>;
  /** Option labels of the enumerations that appear in reasons and evidence (industry, buying role, answers), from the property definitions. */
  optionLabels(): Promise<OptionLabels>;
  /** The portal's lifecycle stage values in its own order (stages are customisable per portal). */
  lifecycleStageOrder(): Promise<string[]>;
  /**
   * Reads contacts for scoring with batch endpoints only: properties the model needs (`propertyNames`),
   * primary company, engagement history. Ids HubSpot no longer has are absent from the map.
   */
  readContacts(contactIds: string[], propertyNames: { contact: string[]; company: string[]; outputs?: string[] }): Promise<Map<string, ContactRecord>>;
  /** Pages through all contact ids with the list endpoint (not search, which stops at 10,000). */
  listContactIds(after: string | undefined, limit: number): Promise<{ ids: string[]; after?: string }>;
  /** Contacts modified in [since, until) (epoch ms) with their `lastmodifieddate`, through search, windowed to respect the 10,000 cap. */
  searchModifiedContacts(since: number, until: number): Promise<ModifiedRecord[]>;
  /** Company ids modified in [since, until) (epoch ms, `hs_lastmodifieddate`), through search, windowed like contacts. */
  searchModifiedCompanyIds(since: number, until: number): Promise<string[]>;
  /** Like searchModifiedCompanyIds, with each company's `hs_lastmodifieddate` (optional: clients without it skip nothing). */
  searchModifiedCompanies?(since: number, until: number): Promise<ModifiedRecord[]>;
  /** An approximate total for progress reporting. */
  countContacts(): Promise<number>;
  /** Batch updates; only the given properties are sent. */
  writeContacts(writes: ContactWrite[]): Promise<WriteReport>;
  /** Creates tasks associated with their contacts (association type 204). Returns the HubSpot task id per input, in order, or an error. */
  createTasks(tasks: TaskCreate[]): Promise<Array<{ taskId: string } | { error: string }>>;
  /** Current status of tasks the app created. Missing/archived tasks are `deleted`. */
  getTaskStatuses(taskIds: string[]): Promise<Map<string, TaskStatus>>;
  /** The app's tasks on these contacts (body ends with `bant-task: KIND`), found in HubSpot rather than the store. */
  findAppTasks(contactIds: string[]): Promise<Array<{ taskId: string; contactId: string; kind: TaskKind; status: TaskStatus }>>;
  /** Status, title and body of tasks; missing or archived tasks are `deleted`. */
  readTasks(taskIds: string[]): Promise<Map<string, TaskContent>>;
  /** Changes title, body, priority or completes tasks; returns the ids HubSpot updated (a deleted task is left out). */
  updateTasks(updates: TaskUpdate[]): Promise<Set<string>>;
  /** Contacts associated with engagement objects. */
  associatedContactIds(objectType: EngagementObjectType, objectIds: string[]): Promise<Map<string, string[]>>;
  /** Per company, the contacts it is the company of as readContacts picks it (primary, else the only one); associations only. */
  companyContactIds(companyIds: string[]): Promise<Map<string, string[]>>;
  /** The contacts' current `hubspot_owner_id` (null = none), read just before lead routing assigns owners. */
  readContactOwners?(contactIds: string[]): Promise<Map<string, string | null>>;
  /** Active owners of the portal with their teams: the console's owner choices, the escalation owner, lead routing. */
  listOwners(): Promise<PortalOwner[]>;
  /** The account's IANA time zone (GET /account-info/2026-03/details), undefined when HubSpot names none. */
  accountTimeZone(): Promise<string | undefined>;
  /** Deals by id, won/lost/open by their pipeline stage's metadata, with their contacts and companies (needs `crm.objects.deals.read`). */
  readDeals?(dealIds: string[]): Promise<Map<string, DealRecord>>;
  /** Of these contacts, those with an open or won deal (needs `crm.objects.deals.read`): past the lead stages. */
  contactsWithOpenOrWonDeals?(contactIds: string[]): Promise<Set<string>>;
  /** Deal ids modified in [since, until) (epoch ms), through search. */
  searchModifiedDealIds?(since: number, until: number): Promise<string[]>;
  /** One page of all deal ids. */
  listDealIds?(after: string | undefined, limit: number): Promise<{ ids: string[]; after?: string }>;
  /** The portal's lead pipelines and stage kinds (cached); undefined when the portal has no Leads (needs the leads scopes). */
  leadPipelines?(): Promise<LeadPipelines | undefined>;
  /** Creates the meddic_* contact properties of a MEDDIC model (once per client, model answers and language; idempotent; another language relabels). */
  provisionMeddicProperties?(meddic: MeddicModel, language?: Language): Promise<void>;
  /** Creates the app's properties on the leads object (once per client; idempotent). */
  provisionLeadProperties?(language?: Language): Promise<void>;
  /** Per contact, its leads with stage kind and the app's lead properties. */
  readContactLeads?(contactIds: string[], pipelines: LeadPipelines): Promise<Map<string, LeadRecord[]>>;
  /** Creates leads with their primary contact; per input the lead id or HubSpot's reason. */
  createLeads?(creates: LeadCreate[]): Promise<Array<{ leadId: string } | { error: string }>>;
  updateLeads?(updates: LeadUpdate[]): Promise<{ updated: Set<string>; failed: Array<{ leadId: string; error: string }> }>;
  /** Calls per endpoint made for this portal so far. */
  callCount(): number;
}

export interface PortalClients {
  /**
   * A ready client: token refreshed when due, limiter and retries attached. Throws AuthorizationError if the portal
   * cannot be used. `installation`: the portal's, as the caller has just read it (else it is read here).
   */
  forPortal(portalId: PortalId, installation?: Installation): Promise<PortalClient>;
  /** Static-token mode: records the one portal as an installation (no-op with OAuth). Call once at start-up. */
  ensurePrivateAppInstallation?(): Promise<void>;
  /**
   * Disconnect from the app's side: DELETE /appinstalls/2026-03/external-install with the portal's token
   * (docs/hubspot-platform.md §2.5), then delete the portal's tokens and data from the store.
   */
  disconnect?(portalId: PortalId): Promise<void>;
}
