// One HubSpot account (portal) in memory: objects, properties, associations, owners; HubSpot's write rules.
import { type PropertyValueError, badRequest, HubSpotError, notFound, propertyValuesError } from './errors.ts';
import { type DealPipeline, defaultDealPipelines, defaultLeadPipelines, type LeadPipeline, leadStageOf, stageOf } from './pipelines.ts';
import {
  ALWAYS_RETURNED,
  ASSOCIATION_TYPES,
  DEFAULT_RETURNED,
  defaultAssociationTypeId,
  defaultGroups,
  defaultProperties,
  OBJECT_TYPES,
  type ObjectType,
  type PropertyDef,
  type PropertyGroup,
  VIRTUAL_PROPERTIES,
} from './schema.ts';

export interface CrmRecord {
  id: number;
  props: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
}

export interface Owner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  /** The owner's user was deactivated: HubSpot keeps the owner but answers `userId` null (userIdIncludingInactive stays). */
  deactivated?: boolean;
  teams: Array<{ id: string; name: string; primary: boolean }>;
}

/** Where a change came from, as webhook events report it. */
export interface ChangeSource {
  changeSource: string;
  sourceId?: string;
}

export type ChangeEvent =
  | { kind: 'creation' | 'deletion' | 'privacyDeletion' | 'restore'; type: ObjectType; id: number; source: ChangeSource }
  | { kind: 'propertyChange'; type: ObjectType; id: number; propertyName: string; propertyValue: string; source: ChangeSource }
  | {
      kind: 'merge';
      type: ObjectType;
      id: number;
      primaryObjectId: number;
      mergedObjectIds: number[];
      newObjectId: number;
      numberOfPropertiesMoved: number;
      source: ChangeSource;
    }
  | {
      kind: 'associationChange';
      type: ObjectType;
      id: number;
      toType: ObjectType;
      toObjectId: number;
      associationRemoved: boolean;
      isPrimaryAssociation: boolean;
      source: ChangeSource;
    };

/** One historic value of a property, as HubSpot keeps it (newest first in a history). */
export interface HistoryEntry {
  value: string;
  /** Epoch ms. */
  timestamp: number;
  sourceType: string;
  sourceId?: string;
}

/**
 * Contact properties whose history the stand-in keeps value by value (HubSpot keeps every property's; the others
 * answer with their current value only). Recorded history is bounded per property.
 */
export const HISTORY_TRACKED = new Set([
  'recent_conversion_event_name',
  'recent_conversion_date',
  'hs_email_last_open_date',
  'hs_email_last_click_date',
  'hs_email_last_reply_date',
  'hs_analytics_last_visit_timestamp',
  'hs_analytics_last_url',
]);
const MAX_RECORDED_HISTORY = 500;

/** Marketing event (webinar, trade show, conference) as the marketing events API lists it. */
export interface MarketingEvent {
  objectId: string;
  eventName: string;
  eventType: string;
  startDateTime: number;
  createdAt: number;
}

export interface EventParticipation {
  contactId: number;
  /** REGISTERED, ATTENDED, CANCELLED, NO_SHOW. */
  state: string;
  occurredAt: number;
}

export interface AssociationInput {
  to: { id: string | number };
  types: Array<{ associationCategory?: string; associationTypeId: number }>;
}

/**
 * Records computed on demand instead of held (a large generated portal): the portal keeps only what changed through
 * the API, as overlays. Each call returns a fresh object the caller may change.
 */
export interface RecordSource {
  /** Generated ids of a type, ascending. */
  ids(type: ObjectType): ArrayLike<number>;
  /** When each of `ids(type)` was created and last modified, in the same order. */
  dates(type: ObjectType): { createdAt: ArrayLike<number>; updatedAt: ArrayLike<number> };
  record(type: ObjectType, id: number): CrmRecord | undefined;
  associated(fromType: ObjectType, toType: ObjectType, fromId: number): number[];
  /** Generated contacts that may have this (lower-case) e-mail address. */
  contactIdsByEmail(email: string): number[];
}

/** What changed on a computed record: values set ('' = removed), its dates and state. */
interface Overlay {
  props: Record<string, string>;
  updatedAt: number;
  archived: boolean;
  gone: boolean;
}

/** The id after `id`: ids grow by 1 to 3, as HubSpot's are not dense. */
export function idAfter(id: number): number {
  return id + 1 + (id % 3);
}

export interface PortalOptions {
  portalId: number;
  clock: () => number;
  /** 'reject' (default): a backward lifecyclestage write is a 400; 'ignore': the old value stays, no error. */
  lifecycleBackward?: 'reject' | 'ignore';
}

const SYSTEM: ChangeSource = { changeSource: 'CRM_UI' };

export class Portal {
  readonly id: number;
  readonly clock: () => number;
  readonly lifecycleBackward: 'reject' | 'ignore';
  installed = false;
  /** Scopes granted at install (empty: not installed through OAuth). */
  grantedScopes: string[] = [];
  readonly objects = {} as Record<ObjectType, Map<number, CrmRecord>>;
  /** Ids per type in creation (= ascending) order, for cursor paging. */
  readonly ids = {} as Record<ObjectType, number[]>;
  readonly properties = {} as Record<ObjectType, Map<string, PropertyDef>>;
  readonly groups = {} as Record<ObjectType, Map<string, PropertyGroup>>;
  /** `${from}>${to}` → fromId → toIds. Kept in both directions. */
  readonly associationsByPair = new Map<string, Map<number, number[]>>();
  readonly owners: Owner[] = [];
  /** Deal pipelines with their stages (GET /crm/pipelines/2026-03/deals); the generator customises them. */
  dealPipelines: DealPipeline[] = defaultDealPipelines();
  /** Lead pipelines (GET /crm/pipelines/2026-03/leads); null: the portal has no Leads (below Sales Hub Professional). */
  leadPipelines: LeadPipeline[] | null = defaultLeadPipelines();
  /** Values the generator holds for properties the app has not created yet, applied when they are created. */
  readonly pendingValues = new Map<string, Map<number, string>>();
  /** Contact id → property → values written through the API since generation, newest first. */
  readonly history = new Map<number, Map<string, HistoryEntry[]>>();
  /**
   * `${type}:${id}` → when each property got its current value through an update, and when the values it had before
   * its first update were set: HubSpot dates every property's value, so a write to one property never re-dates another.
   */
  private readonly valueSetAt = new Map<string, { before: number; byName: Map<string, number> }>();
  /** The generator's event series for a contact it made (computed on demand, so 100,000 contacts cost no memory). */
  historySource?: (rec: CrmRecord, name: string) => HistoryEntry[] | undefined;
  readonly marketingEvents: MarketingEvent[] = [];
  /** Marketing event id → participations. */
  readonly participations = new Map<string, EventParticipation[]>();
  /** The account's IANA time zone (GET /account-info/2026-03/details); tests may set another before the install. */
  timeZone = 'Europe/Berlin';
  private readonly emailIndex = new Map<string, number>();
  /** Computed records (large generated portals); see `RecordSource`. */
  source?: RecordSource;
  private readonly overlays = new Map<string, Overlay>();
  /** Pending generator values applied to computed contacts: property → contact id → value. */
  private readonly generatedValues = new Map<string, Map<number, string>>();
  /** Computed associations removed through the API: `${from}>${to}:${fromId}:${toId}`. */
  private readonly unlinked = new Set<string>();
  private nextId: number;
  private readonly listeners: Array<(e: ChangeEvent) => void> = [];

  constructor(options: PortalOptions) {
    this.id = options.portalId;
    this.clock = options.clock;
    this.lifecycleBackward = options.lifecycleBackward ?? 'reject';
    this.nextId = 1001 + (options.portalId % 97) * 10;
    const now = this.clock();
    for (const t of OBJECT_TYPES) {
      this.objects[t] = new Map();
      this.ids[t] = [];
      this.properties[t] = new Map(defaultProperties(t, now).map((p) => [p.name, p]));
      this.groups[t] = new Map(defaultGroups(t).map((g) => [g.name, g]));
    }
  }

  // Shorthands for assertions: records by id (archived ones included, flagged).
  get contacts(): Map<number, CrmRecord> {
    return this.objects.contacts;
  }
  get companies(): Map<number, CrmRecord> {
    return this.objects.companies;
  }
  get tasks(): Map<number, CrmRecord> {
    return this.objects.tasks;
  }
  get calls(): Map<number, CrmRecord> {
    return this.objects.calls;
  }
  get meetings(): Map<number, CrmRecord> {
    return this.objects.meetings;
  }
  get emails(): Map<number, CrmRecord> {
    return this.objects.emails;
  }
  get notes(): Map<number, CrmRecord> {
    return this.objects.notes;
  }

  /** Live tasks associated with a contact. */
  tasksOf(contactId: number): CrmRecord[] {
    return this.associated('contacts', 'tasks', contactId)
      .map((id) => this.get('tasks', id))
      .filter((t): t is CrmRecord => t !== undefined);
  }

  onChange(listener: (e: ChangeEvent) => void): void {
    this.listeners.push(listener);
  }

  /** While true, changes produce no events (the generator fills portals before the app is installed). */
  muted = false;

  private emit(e: ChangeEvent): void {
    if (this.muted) return;
    for (const l of this.listeners) l(e);
  }

  // ---------- reads ----------

  get(type: ObjectType, id: number | string, includeArchived = false): CrmRecord | undefined {
    const n = Number(id);
    const rec = this.objects[type].get(n) ?? this.computed(type, n);
    if (!rec || (rec.archived && !includeArchived)) return undefined;
    return rec;
  }

  /** A computed record as generated, with the generator's pending values the app's properties made real. */
  private computedBase(type: ObjectType, id: number): CrmRecord | undefined {
    const rec = this.source?.record(type, id);
    if (rec && type === 'contacts') {
      for (const [name, values] of this.generatedValues) {
        const v = values.get(id);
        if (v !== undefined) rec.props[name] = v;
      }
    }
    return rec;
  }

  /** A computed record with what changed through the API. */
  private computed(type: ObjectType, id: number): CrmRecord | undefined {
    if (!this.source) return undefined;
    const rec = this.computedBase(type, id);
    if (!rec) return undefined;
    const overlay = this.overlays.get(`${type}:${id}`);
    if (!overlay) return rec;
    if (overlay.gone) return undefined;
    for (const [name, value] of Object.entries(overlay.props)) {
      if (value === '') delete rec.props[name];
      else rec.props[name] = value;
    }
    rec.updatedAt = overlay.updatedAt;
    rec.archived = overlay.archived;
    return rec;
  }

  /** Keeps the changes made to a computed record (held records change in place and need nothing). */
  private persist(type: ObjectType, rec: CrmRecord, gone = false): void {
    if (!this.source || this.objects[type].get(rec.id) === rec) return;
    const base = this.computedBase(type, rec.id);
    if (!base) return;
    const props: Record<string, string> = {};
    for (const [name, value] of Object.entries(rec.props)) if (base.props[name] !== value) props[name] = value;
    for (const name of Object.keys(base.props)) if (!Object.hasOwn(rec.props, name)) props[name] = '';
    this.overlays.set(`${type}:${rec.id}`, { props, updatedAt: rec.updatedAt, archived: rec.archived, gone });
  }

  /** All ids of a type (computed and held, archived included), ascending. */
  idList(type: ObjectType): ArrayLike<number> {
    const computed = this.source?.ids(type);
    if (!computed || computed.length === 0) return this.ids[type];
    if (this.ids[type].length === 0) return computed;
    return [...Array.from(computed), ...this.ids[type]];
  }

  /** Live (not archived) records of a type, in id order. */
  *live(type: ObjectType): Generator<CrmRecord> {
    const computed = this.source?.ids(type);
    if (computed) {
      for (let i = 0; i < computed.length; i++) {
        const rec = this.computed(type, computed[i]!);
        if (rec && !rec.archived) yield rec;
      }
    }
    for (const rec of this.objects[type].values()) if (!rec.archived) yield rec;
  }

  /**
   * Live records of a type with their id and dates only (`props` empty unless held), in id order: for searches on
   * those, so a large portal computes no records.
   */
  *liveStamps(type: ObjectType): Generator<CrmRecord> {
    const computed = this.source?.ids(type);
    if (computed && computed.length > 0) {
      const dates = this.source!.dates(type);
      for (let i = 0; i < computed.length; i++) {
        const id = computed[i]!;
        const overlay = this.overlays.get(`${type}:${id}`);
        if (overlay?.gone || overlay?.archived) continue;
        yield { id, props: {}, createdAt: dates.createdAt[i]!, updatedAt: overlay?.updatedAt ?? dates.updatedAt[i]!, archived: false };
      }
    }
    for (const rec of this.objects[type].values()) if (!rec.archived) yield rec;
  }

  count(type: ObjectType): number {
    let n = 0;
    for (const rec of this.objects[type].values()) if (!rec.archived) n++;
    const computed = this.source?.ids(type);
    if (computed) {
      n += computed.length;
      for (const [key, overlay] of this.overlays) if ((overlay.archived || overlay.gone) && key.startsWith(`${type}:`)) n--;
    }
    return n;
  }

  findContactByEmail(email: string): CrmRecord | undefined {
    const key = email.toLowerCase();
    const id = this.emailIndex.get(key);
    if (id !== undefined) return this.get('contacts', id);
    for (const candidate of this.source?.contactIdsByEmail(key) ?? []) {
      const rec = this.get('contacts', candidate);
      if (rec?.props.email?.toLowerCase() === key) return rec;
    }
    return undefined;
  }

  /** A property's value as HubSpot reports it: virtual properties come from the record. */
  value(type: ObjectType, rec: CrmRecord, name: string): string | undefined {
    if (VIRTUAL_PROPERTIES.has(name)) {
      if (name === 'hs_object_id') return String(rec.id);
      if (name === 'createdate' || name === 'hs_createdate') return new Date(rec.createdAt).toISOString();
      if (name === 'lastmodifieddate' || name === 'hs_lastmodifieddate') return new Date(rec.updatedAt).toISOString();
    }
    if (name === 'associatedcompanyid' && type === 'contacts') return rec.props.associatedcompanyid;
    const v = rec.props[name];
    return v === undefined || v === '' ? undefined : v;
  }

  /** A property's history, newest first: recorded writes, else the generator's series, else the current value. */
  historyOf(type: ObjectType, rec: CrmRecord, name: string): HistoryEntry[] {
    if (type === 'contacts' && HISTORY_TRACKED.has(name)) {
      const recorded = this.history.get(rec.id)?.get(name);
      if (recorded) return recorded;
      const generated = this.historySource?.(rec, name);
      if (generated) return generated;
    }
    const value = this.value(type, rec, name);
    const dated = this.valueSetAt.get(`${type}:${rec.id}`);
    return value === undefined ? [] : [{ value, timestamp: dated?.byName.get(name) ?? dated?.before ?? rec.updatedAt, sourceType: 'CRM_UI' }];
  }

  /** Keeps a new value in the contact's history; the earlier series is materialised first so it stays whole. */
  private recordHistory(rec: CrmRecord, name: string, value: string, source: ChangeSource, earlier = this.historyOf('contacts', rec, name)): void {
    let byName = this.history.get(rec.id);
    if (!byName) {
      byName = new Map();
      this.history.set(rec.id, byName);
    }
    const entry: HistoryEntry = { value, timestamp: Math.max(this.clock(), rec.createdAt), sourceType: source.changeSource, ...(source.sourceId ? { sourceId: source.sourceId } : {}) };
    byName.set(name, [entry, ...earlier].slice(0, MAX_RECORDED_HISTORY));
  }

  /** Adds earlier values to a contact's history (several events within one change, e.g. pages seen in one visit). */
  addHistory(contactId: number, name: string, entries: HistoryEntry[]): void {
    const rec = this.get('contacts', contactId);
    if (!rec || !HISTORY_TRACKED.has(name)) return;
    const all = [...entries, ...this.historyOf('contacts', rec, name)].sort((a, b) => b.timestamp - a.timestamp);
    let byName = this.history.get(contactId);
    if (!byName) {
      byName = new Map();
      this.history.set(contactId, byName);
    }
    byName.set(name, all.slice(0, MAX_RECORDED_HISTORY));
  }

  /** SimplePublicObject JSON: only asked-for properties (asked-for but empty → null), plus the always-returned ones. */
  toJson(type: ObjectType, rec: CrmRecord, requested: string[] | undefined, withHistory?: string[]): Record<string, unknown> {
    const names = requested && requested.length > 0 ? [...ALWAYS_RETURNED[type], ...requested] : DEFAULT_RETURNED[type];
    const defs = this.properties[type];
    const properties: Record<string, string | null> = {};
    for (const name of names) {
      if (!defs.has(name) || properties[name] !== undefined) continue;
      properties[name] = this.value(type, rec, name) ?? null;
    }
    const out: Record<string, unknown> = {
      id: String(rec.id),
      properties,
      createdAt: new Date(rec.createdAt).toISOString(),
      updatedAt: new Date(rec.updatedAt).toISOString(),
      archived: rec.archived,
    };
    if (rec.archived) out.archivedAt = new Date(rec.updatedAt).toISOString();
    if (withHistory && withHistory.length > 0) {
      const history: Record<string, unknown[]> = {};
      for (const name of withHistory) {
        if (!defs.has(name) || Object.hasOwn(history, name)) continue;
        history[name] = this.historyOf(type, rec, name).map((h) => ({
          value: h.value,
          timestamp: new Date(h.timestamp).toISOString(),
          sourceType: h.sourceType,
          ...(h.sourceId ? { sourceId: h.sourceId } : {}),
        }));
      }
      out.propertiesWithHistory = history;
    }
    return out;
  }

  // ---------- validation ----------

  /**
   * Checks and normalises property values as HubSpot does on API writes. Throws 400 with every problem.
   * `current` is the record being updated (for the lifecycle-stage rule).
   */
  validate(type: ObjectType, input: unknown, current?: CrmRecord, allowReadOnly = false): Record<string, string> {
    if (input === undefined || input === null) return {};
    if (typeof input !== 'object' || Array.isArray(input)) throw badRequest('Invalid input JSON: properties must be an object');
    const errors: PropertyValueError[] = [];
    const out: Record<string, string> = {};
    const defs = this.properties[type];
    for (const [name, raw] of Object.entries(input as Record<string, unknown>)) {
      const def = defs.get(name);
      if (!def || def.archived) {
        errors.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
        continue;
      }
      if (raw !== null && typeof raw === 'object') {
        errors.push({ name, error: 'INVALID_PROPERTY_VALUE', message: `${JSON.stringify(raw)} is not a valid value for ${name}` });
        continue;
      }
      const value = raw === null ? '' : String(raw);
      if (def.readOnlyValue && !allowReadOnly) {
        errors.push({ name, error: 'READ_ONLY_VALUE', message: `${name} is a read only property; its value cannot be set.` });
        continue;
      }
      const checked = this.checkValue(def, value);
      if (typeof checked !== 'string') {
        errors.push(checked);
        continue;
      }
      if (name === 'lifecyclestage' && current && checked !== '') {
        const before = current.props.lifecyclestage ?? '';
        const order = def.options.map((o) => o.value);
        if (before !== '' && order.indexOf(checked) < order.indexOf(before)) {
          if (this.lifecycleBackward === 'ignore') continue;
          errors.push({
            name,
            error: 'INVALID_LIFECYCLE_STAGE',
            message: `lifecyclestage cannot move backwards from ${before} to ${checked}; set it to "" first, then to the new value`,
          });
          continue;
        }
      }
      out[name] = checked;
    }
    if (errors.length > 0) throw propertyValuesError(errors);
    return out;
  }

  /** The normalised value, or the error. */
  private checkValue(def: PropertyDef, value: string): string | PropertyValueError {
    if (value === '') return '';
    const bad = (error: string, message: string): PropertyValueError => ({ name: def.name, error, message });
    switch (def.type) {
      case 'number':
        return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.trim()) ? value.trim() : bad('INVALID_DECIMAL', `${value} is not a valid number`);
      case 'bool':
        return value === 'true' || value === 'false' ? value : bad('INVALID_BOOLEAN', `${value} is not a valid boolean; use true or false`);
      case 'datetime':
      case 'date': {
        const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
        if (!Number.isFinite(ms)) return bad('INVALID_DATE', `${value} is not a valid ${def.type}; use epoch milliseconds or ISO 8601`);
        const iso = new Date(ms).toISOString();
        if (def.type === 'date') {
          if (ms % 86_400_000 !== 0) return bad('INVALID_DATE', `${value} is not at midnight UTC`);
          return iso.slice(0, 10);
        }
        return iso;
      }
      case 'enumeration': {
        if (def.name === 'dealstage') {
          return stageOf(this.dealPipelines, value) ? value : bad('INVALID_OPTION', `${value} is not a stage of any deal pipeline`);
        }
        if (def.name === 'pipeline' && def.groupName === 'dealinformation') {
          return this.dealPipelines.some((p) => p.id === value) ? value : bad('INVALID_OPTION', `${value} is not a deal pipeline`);
        }
        if (def.groupName === 'leadinformation' && (def.name === 'hs_pipeline_stage' || def.name === 'hs_pipeline')) {
          const pipelines = this.leadPipelines ?? [];
          if (def.name === 'hs_pipeline') return pipelines.some((p) => p.id === value) ? value : bad('INVALID_OPTION', `${value} is not a lead pipeline`);
          return leadStageOf(pipelines, value) ? value : bad('INVALID_OPTION', `${value} is not a stage of any lead pipeline`);
        }
        if (def.name === 'hubspot_owner_id') {
          return this.owners.some((o) => o.id === value && !o.archived) ? value : bad('INVALID_OWNER_ID', `${value} is not a valid owner id`);
        }
        const allowed = new Set(def.options.map((o) => o.value));
        const parts = def.fieldType === 'checkbox' ? value.replace(/^;/, '').split(';').filter((p) => p !== '') : [value];
        const wrong = parts.filter((p) => !allowed.has(p));
        if (wrong.length > 0) {
          return bad('INVALID_OPTION', `${wrong.join(';')} was not one of the allowed options: [${[...allowed].join(', ')}]`);
        }
        return value;
      }
      default:
        return value.length > 65_536 ? bad('INVALID_STRING', `${def.name} is longer than 65536 characters`) : value;
    }
  }

  // ---------- writes ----------

  /** The next free id (the generator of computed records takes them here too, so later ids follow theirs). */
  newId(): number {
    const id = this.nextId;
    this.nextId = idAfter(id);
    return id;
  }

  /** Creates an object. `props` must already be validated (see `validate`) unless written by the generator/simulator. */
  create(type: ObjectType, props: Record<string, string>, source: ChangeSource = SYSTEM, at = this.clock()): CrmRecord {
    if (type === 'contacts' && props.email) {
      const existing = this.findContactByEmail(props.email);
      if (existing) {
        throw new HubSpotError(409, 'CONFLICT', `Contact already exists. Existing ID: ${existing.id}`);
      }
    }
    const clean: Record<string, string> = {};
    for (const [k, v] of Object.entries(props)) if (v !== '' && !VIRTUAL_PROPERTIES.has(k)) clean[k] = v;
    const rec: CrmRecord = { id: this.newId(), props: clean, createdAt: at, updatedAt: at, archived: false };
    this.objects[type].set(rec.id, rec);
    this.ids[type].push(rec.id);
    if (type === 'contacts' && clean.email) this.emailIndex.set(clean.email.toLowerCase(), rec.id);
    if (this.muted) return rec;
    if (type === 'contacts') for (const name of Object.keys(clean)) if (HISTORY_TRACKED.has(name)) this.recordHistory(rec, name, clean[name]!, source, []);
    this.emit({ kind: 'creation', type, id: rec.id, source });
    for (const [name, value] of Object.entries(clean)) this.emit({ kind: 'propertyChange', type, id: rec.id, propertyName: name, propertyValue: value, source });
    return rec;
  }

  /** Applies already validated values; emits one propertyChange per value that changed. Returns the changed names. */
  update(type: ObjectType, id: number, props: Record<string, string>, source: ChangeSource = SYSTEM): string[] {
    const rec = this.get(type, id);
    if (!rec) throw notFound();
    const changed: string[] = [];
    // Histories as they stood before this update: the generated series depend on the rollups it may change.
    const earlier = new Map<string, HistoryEntry[]>();
    if (type === 'contacts') {
      for (const [name, value] of Object.entries(props)) if (HISTORY_TRACKED.has(name) && (rec.props[name] ?? '') !== value) earlier.set(name, this.historyOf(type, rec, name));
    }
    for (const [name, raw] of Object.entries(props)) {
      if (VIRTUAL_PROPERTIES.has(name)) continue;
      let value = raw;
      const def = this.properties[type].get(name);
      if (def?.fieldType === 'checkbox' && value.startsWith(';')) {
        const merged = new Set([...(rec.props[name] ?? '').split(';'), ...value.split(';')].filter((p) => p !== ''));
        value = [...merged].join(';');
      }
      const before = rec.props[name] ?? '';
      if (before === value) continue;
      if (type === 'contacts' && HISTORY_TRACKED.has(name) && value !== '') this.recordHistory(rec, name, value, source, earlier.get(name));
      if (type === 'contacts' && name === 'email') {
        const other = value ? this.findContactByEmail(value) : undefined;
        if (other && other.id !== rec.id) throw new HubSpotError(409, 'CONFLICT', `Contact already exists. Existing ID: ${other.id}`);
        if (before) this.emailIndex.delete(before.toLowerCase());
        if (value) this.emailIndex.set(value.toLowerCase(), rec.id);
      }
      if (value === '') delete rec.props[name];
      else rec.props[name] = value;
      changed.push(name);
    }
    if (changed.length > 0) {
      const key = `${type}:${rec.id}`;
      const dated = this.valueSetAt.get(key) ?? { before: rec.updatedAt, byName: new Map<string, number>() };
      rec.updatedAt = Math.max(this.clock(), rec.updatedAt + 1);
      for (const name of changed) dated.byName.set(name, rec.updatedAt);
      this.valueSetAt.set(key, dated);
      this.persist(type, rec);
      for (const name of changed) {
        this.emit({ kind: 'propertyChange', type, id: rec.id, propertyName: name, propertyValue: rec.props[name] ?? '', source });
      }
    }
    return changed;
  }

  archive(type: ObjectType, id: number, source: ChangeSource = SYSTEM, silent = false): boolean {
    const rec = this.get(type, id);
    if (!rec) return false;
    rec.archived = true;
    rec.updatedAt = this.clock();
    this.persist(type, rec);
    if (type === 'contacts' && rec.props.email) this.emailIndex.delete(rec.props.email.toLowerCase());
    for (const t of OBJECT_TYPES) {
      for (const toId of this.associated(type, t, id)) this.dissociate(type, id, t, toId, source, true);
    }
    if (!silent) this.emit({ kind: 'deletion', type, id, source });
    return true;
  }

  /** GDPR delete: the record is gone for good; privacyDeletion and deletion events (docs/hubspot-platform.md §1.3). */
  privacyDelete(id: number, source: ChangeSource = SYSTEM): boolean {
    const rec = this.get('contacts', id);
    if (!rec) return false;
    this.emit({ kind: 'privacyDeletion', type: 'contacts', id, source });
    this.archive('contacts', id, source);
    rec.props = {};
    this.persist('contacts', rec, true);
    this.objects.contacts.delete(id);
    return true;
  }

  /** Merges `mergedId` into `primaryId`: the primary keeps its id; empty values are filled from the merged contact. */
  merge(primaryId: number, mergedId: number, source: ChangeSource = SYSTEM): CrmRecord {
    const primary = this.get('contacts', primaryId);
    const merged = this.get('contacts', mergedId);
    if (!primary || !merged) throw notFound();
    if (primaryId === mergedId) throw badRequest('Cannot merge a contact with itself');
    let moved = 0;
    const fill: Record<string, string> = {};
    for (const [k, v] of Object.entries(merged.props)) {
      if (k === 'email' || primary.props[k]) continue;
      fill[k] = v;
      moved++;
    }
    const toMove: Array<[ObjectType, number]> = [];
    for (const t of OBJECT_TYPES) for (const toId of this.associated('contacts', t, mergedId)) toMove.push([t, toId]);
    this.archive('contacts', mergedId, source, true);
    for (const [k, v] of Object.entries(fill)) primary.props[k] = v;
    for (const [t, toId] of toMove) if (toId !== primaryId) this.associate('contacts', primaryId, t, toId, source, true);
    const dated = this.valueSetAt.get(`contacts:${primaryId}`) ?? { before: primary.updatedAt, byName: new Map<string, number>() };
    primary.updatedAt = Math.max(this.clock(), primary.updatedAt + 1);
    for (const k of Object.keys(fill)) dated.byName.set(k, primary.updatedAt);
    this.valueSetAt.set(`contacts:${primaryId}`, dated);
    this.persist('contacts', primary);
    this.emit({
      kind: 'merge',
      type: 'contacts',
      id: primaryId,
      primaryObjectId: primaryId,
      mergedObjectIds: [mergedId],
      newObjectId: primaryId,
      numberOfPropertiesMoved: moved,
      source,
    });
    return primary;
  }

  // ---------- associations ----------

  associated(fromType: ObjectType, toType: ObjectType, fromId: number): number[] {
    const key = `${fromType}>${toType}`;
    const held = this.associationsByPair.get(key)?.get(fromId) ?? [];
    if (!this.source) return held;
    const computed = this.source.associated(fromType, toType, fromId).filter((id) => !this.unlinked.has(`${key}:${fromId}:${id}`));
    if (computed.length === 0) return held;
    return held.length === 0 ? computed : [...computed, ...held.filter((id) => !computed.includes(id))];
  }

  private link(fromType: ObjectType, fromId: number, toType: ObjectType, toId: number): boolean {
    const key = `${fromType}>${toType}`;
    if (this.source?.associated(fromType, toType, fromId).includes(toId)) return this.unlinked.delete(`${key}:${fromId}:${toId}`);
    let byFrom = this.associationsByPair.get(key);
    if (!byFrom) {
      byFrom = new Map();
      this.associationsByPair.set(key, byFrom);
    }
    const list = byFrom.get(fromId);
    if (!list) {
      byFrom.set(fromId, [toId]);
      return true;
    }
    if (list.includes(toId)) return false;
    list.push(toId);
    return true;
  }

  private unlink(fromType: ObjectType, fromId: number, toType: ObjectType, toId: number): void {
    if (this.source?.associated(fromType, toType, fromId).includes(toId)) this.unlinked.add(`${fromType}>${toType}:${fromId}:${toId}`);
    const byFrom = this.associationsByPair.get(`${fromType}>${toType}`);
    const list = byFrom?.get(fromId);
    if (!byFrom || !list) return;
    const rest = list.filter((x) => x !== toId);
    if (rest.length === 0) byFrom.delete(fromId);
    else byFrom.set(fromId, rest);
  }

  /** Associates both directions; `primary` makes a company the contact's primary company. */
  associate(fromType: ObjectType, fromId: number, toType: ObjectType, toId: number, source: ChangeSource = SYSTEM, silent = false, primary = false): void {
    const added = this.link(fromType, fromId, toType, toId);
    this.link(toType, toId, fromType, fromId);
    const contactCompany =
      fromType === 'contacts' && toType === 'companies' ? [fromId, toId] : fromType === 'companies' && toType === 'contacts' ? [toId, fromId] : undefined;
    let becamePrimary = false;
    if (contactCompany) {
      const contact = this.get('contacts', contactCompany[0]!);
      if (contact && (primary || !contact.props.associatedcompanyid)) {
        becamePrimary = contact.props.associatedcompanyid !== String(contactCompany[1]);
        contact.props.associatedcompanyid = String(contactCompany[1]);
        if (becamePrimary) this.persist('contacts', contact);
      }
    }
    if ((added || becamePrimary) && !silent) this.emitAssociation(fromType, fromId, toType, toId, false, source);
  }

  dissociate(fromType: ObjectType, fromId: number, toType: ObjectType, toId: number, source: ChangeSource = SYSTEM, silent = false): void {
    if (!this.associated(fromType, toType, fromId).includes(toId)) return;
    this.unlink(fromType, fromId, toType, toId);
    this.unlink(toType, toId, fromType, fromId);
    const contactId = fromType === 'contacts' ? fromId : toType === 'contacts' ? toId : undefined;
    const companyId = fromType === 'companies' ? fromId : toType === 'companies' ? toId : undefined;
    if (contactId !== undefined && companyId !== undefined) {
      const contact = this.get('contacts', contactId, true);
      if (contact && contact.props.associatedcompanyid === String(companyId)) {
        const next = this.associated('contacts', 'companies', contactId)[0];
        if (next === undefined) delete contact.props.associatedcompanyid;
        else contact.props.associatedcompanyid = String(next);
        this.persist('contacts', contact);
      }
    }
    if (!silent) this.emitAssociation(fromType, fromId, toType, toId, true, source);
  }

  private emitAssociation(fromType: ObjectType, fromId: number, toType: ObjectType, toId: number, removed: boolean, source: ChangeSource): void {
    const isPrimary = (contactId: number, companyId: number) => this.get('contacts', contactId, true)?.props.associatedcompanyid === String(companyId);
    const primary =
      fromType === 'contacts' && toType === 'companies' ? isPrimary(fromId, toId) : fromType === 'companies' && toType === 'contacts' ? isPrimary(toId, fromId) : false;
    // Both sides hear about it, as HubSpot sends an event per object type subscribed.
    this.emit({ kind: 'associationChange', type: fromType, id: fromId, toType, toObjectId: toId, associationRemoved: removed, isPrimaryAssociation: primary, source });
    this.emit({ kind: 'associationChange', type: toType, id: toId, toType: fromType, toObjectId: fromId, associationRemoved: removed, isPrimaryAssociation: primary, source });
  }

  /** The association type ids between two objects, as v4 reports them. */
  typeIds(fromType: ObjectType, fromId: number, toType: ObjectType, toId: number): number[] {
    const base = defaultAssociationTypeId(fromType, toType);
    const ids = base === undefined ? [] : [base];
    if (fromType === 'contacts' && toType === 'companies' && this.get('contacts', fromId, true)?.props.associatedcompanyid === String(toId)) ids.unshift(1);
    if (fromType === 'companies' && toType === 'contacts' && this.get('contacts', toId, true)?.props.associatedcompanyid === String(fromId)) ids.unshift(2);
    return ids;
  }

  /** Validates `associations` of a create request (type id direction, target exists); returns what to link. */
  checkAssociations(fromType: ObjectType, input: unknown): Array<{ toType: ObjectType; toId: number; primary: boolean }> {
    if (input === undefined || input === null) return [];
    if (!Array.isArray(input)) throw badRequest('Invalid input JSON: associations must be an array');
    const out: Array<{ toType: ObjectType; toId: number; primary: boolean }> = [];
    for (const a of input as AssociationInput[]) {
      const toId = Number(a?.to?.id);
      if (!Array.isArray(a?.types) || a.types.length === 0) throw badRequest('Each association needs at least one type');
      for (const t of a.types) {
        const spec = ASSOCIATION_TYPES[Number(t.associationTypeId)];
        if ((t.associationCategory ?? 'HUBSPOT_DEFINED') !== 'HUBSPOT_DEFINED' || !spec || spec.from !== fromType) {
          throw badRequest(
            `Association type id ${t.associationTypeId} (${t.associationCategory}) is not valid for ${fromType}` +
              (spec ? `: it goes from ${spec.from} to ${spec.to}` : ''),
            { subCategory: 'crm.associations.INVALID_ASSOCIATION_TYPE' },
          );
        }
        if (!this.get(spec.to, toId)) {
          throw badRequest(`One or more associations are invalid: ${spec.to} ${a.to.id} does not exist`, { subCategory: 'crm.associations.INVALID_OBJECT_IDS' });
        }
        out.push({ toType: spec.to, toId, primary: spec.label === 'Primary' });
      }
    }
    return out;
  }

  /** Called when a property is created: values the generator kept for it become real (silently, as history). */
  applyPending(name: string): void {
    const pending = this.pendingValues.get(name);
    if (!pending) return;
    const def = this.properties.contacts.get(name);
    if (!def) return;
    for (const [id, value] of pending) {
      if (typeof this.checkValue(def, value) !== 'string') continue;
      const held = this.objects.contacts.get(id);
      if (held) {
        if (!held.archived) held.props[name] = value;
        continue;
      }
      if (!this.source) continue;
      let values = this.generatedValues.get(name);
      if (!values) {
        values = new Map();
        this.generatedValues.set(name, values);
      }
      values.set(id, value);
    }
    this.pendingValues.delete(name);
  }
}
