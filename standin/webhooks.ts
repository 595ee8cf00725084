// Webhook deliveries as HubSpot makes them (docs/hubspot-platform.md §1.2–1.6): JSON arrays of up to 100 events, signed with v1
// (X-HubSpot-Signature) and v3 (X-HubSpot-Signature-v3 + X-HubSpot-Request-Timestamp), retried with randomised
// backoff on non-2xx, connection errors and timeouts; only for portals where the app is installed.
import { createHash, createHmac } from 'node:crypto';
import type { ChangeEvent, Portal } from './portal.ts';
import { OBJECT_TYPE_IDS, type ObjectType, SINGULAR_UPPER } from './schema.ts';

export interface Subscription {
  subscriptionType: string;
  propertyName?: string;
  objectTypeId?: string;
  active?: boolean;
}

export interface WebhookOptions {
  clientSecret: string;
  appId: number;
  targetUrl?: string;
  /** Deliveries kept in `deliveries` at most, the newest (default: all); a long benchmark would hold every event. */
  keptDeliveries?: number;
  /** Events per delivery (HubSpot: up to 100). */
  batchSize: number;
  /** How long events gather before a delivery (so bursts arrive together). */
  delayMs: number;
  /** A delivery slower than this counts as failed (HubSpot: 5 s). */
  timeoutMs: number;
  /** Retries after the first attempt (HubSpot: up to 10 over 24 h; the stand-in compresses time). */
  maxRetries: number;
  /** First retry delay; doubles per attempt with ±50 % jitter. */
  retryBaseMs: number;
  /** Name of the type field: `subscriptionType` (default, as captured deliveries show) or `eventType` (docs table). */
  typeField: 'subscriptionType' | 'eventType';
  /** Send contact events as generic `object.*` events with objectTypeId 0-1 instead of classic `contact.*`. */
  genericContactEvents: boolean;
  /** Active subscriptions; undefined = everything HubSpot allows. */
  subscriptions?: Subscription[];
  clock: () => number;
}

export type WebhookEvent = Record<string, unknown> & { attemptNumber: number };

export interface DeliveryRecord {
  at: number;
  url: string;
  attempt: number;
  events: WebhookEvent[];
  /** HTTP status, or 'timeout' / 'error'. */
  status: number | 'timeout' | 'error';
  ok: boolean;
}

/** Properties HubSpot refuses propertyChange subscriptions for (docs/hubspot-platform.md §1.2, §8.20). */
const NOT_SUBSCRIBABLE = new Set(['hs_lastmodifieddate', 'lastmodifieddate', 'num_unique_conversion_events']);

/** URL-decoding HubSpot applies to the URI before computing v3 signatures (docs/hubspot-platform.md §1.6). */
const V3_DECODE: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

export function signV1(clientSecret: string, body: string): string {
  return createHash('sha256').update(clientSecret + body, 'utf8').digest('hex');
}

export function signV3(clientSecret: string, method: string, url: string, body: string, timestamp: number): string {
  const uri = url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => V3_DECODE[m.toUpperCase()] ?? m);
  return createHmac('sha256', clientSecret).update(`${method}${uri}${body}${timestamp}`, 'utf8').digest('base64');
}

export class WebhookDispatcher {
  readonly options: WebhookOptions;
  readonly deliveries: DeliveryRecord[] = [];
  private queue: WebhookEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private pendingRetries = 0;
  private nextEventId = 100_000 + Math.floor(Math.random() * 1_000_000);
  private readonly subscriptionIds = new Map<string, number>();
  private closed = false;

  constructor(options: WebhookOptions) {
    this.options = options;
  }

  setTarget(url: string | undefined): void {
    this.options.targetUrl = url;
    if (url && this.queue.length > 0 && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.dispatch();
      }, this.options.delayMs);
    }
  }

  setSubscriptions(subs: Subscription[] | undefined): void {
    this.options.subscriptions = subs;
  }

  /** Turns a change in a portal into the events HubSpot would send for it (zero or more). */
  record(portal: Portal, change: ChangeEvent): void {
    if (!portal.installed || this.closed) return;
    for (const ev of this.toEvents(portal, change)) this.queue.push(ev);
    if (this.queue.length > 0 && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.dispatch();
      }, this.options.delayMs);
    }
  }

  private subscriptionId(key: string): number {
    let id = this.subscriptionIds.get(key);
    if (id === undefined) {
      id = 2_000 + this.subscriptionIds.size * 7;
      this.subscriptionIds.set(key, id);
    }
    return id;
  }

  private subscribed(type: string, objectTypeId: string | undefined, propertyName: string | undefined): boolean {
    if (propertyName && NOT_SUBSCRIBABLE.has(propertyName)) return false;
    const subs = this.options.subscriptions;
    if (!subs) return true;
    return subs.some(
      (s) =>
        s.active !== false &&
        s.subscriptionType === type &&
        (!type.startsWith('object.') || s.objectTypeId === objectTypeId) &&
        (!type.endsWith('.propertyChange') || s.propertyName === propertyName),
    );
  }

  private toEvents(portal: Portal, c: ChangeEvent): WebhookEvent[] {
    const classic = (c.type === 'contacts' && !this.options.genericContactEvents) || c.type === 'companies' || c.type === 'deals';
    if (c.kind === 'privacyDeletion' && c.type !== 'contacts') return [];
    if (c.kind === 'associationChange' && classic && !(c.toType === 'companies' || c.toType === 'contacts')) return [];
    const prefix = classic ? (c.type === 'contacts' ? 'contact' : c.type === 'deals' ? 'deal' : 'company') : 'object';
    const kind = c.kind === 'privacyDeletion' ? 'privacyDeletion' : c.kind;
    const eventType = c.kind === 'privacyDeletion' ? 'contact.privacyDeletion' : `${prefix}.${kind}`;
    const objectTypeId = classic ? undefined : OBJECT_TYPE_IDS[c.type];
    const propertyName = c.kind === 'propertyChange' ? c.propertyName : undefined;
    if (!this.subscribed(eventType, objectTypeId, propertyName)) return [];
    const ev: WebhookEvent = {
      eventId: this.nextEventId++,
      subscriptionId: this.subscriptionId(`${eventType}|${objectTypeId ?? ''}|${propertyName ?? ''}`),
      portalId: portal.id,
      appId: this.options.appId,
      occurredAt: this.options.clock(),
      [this.options.typeField]: eventType,
      attemptNumber: 0,
      objectId: c.id,
      changeSource: c.source.changeSource,
    };
    if (c.source.sourceId !== undefined) ev.sourceId = c.source.sourceId;
    if (objectTypeId) ev.objectTypeId = objectTypeId;
    if (c.kind === 'creation') ev.changeFlag = 'NEW';
    if (c.kind === 'deletion' || c.kind === 'privacyDeletion') ev.changeFlag = 'DELETED';
    if (c.kind === 'propertyChange') {
      ev.propertyName = c.propertyName;
      ev.propertyValue = c.propertyValue;
    }
    if (c.kind === 'merge') {
      ev.primaryObjectId = c.primaryObjectId;
      ev.mergedObjectIds = c.mergedObjectIds;
      ev.newObjectId = c.newObjectId;
      ev.numberOfPropertiesMoved = c.numberOfPropertiesMoved;
    }
    if (c.kind === 'associationChange') {
      ev.associationType = `${SINGULAR_UPPER[c.type]}_TO_${SINGULAR_UPPER[c.toType as ObjectType]}`;
      ev.fromObjectId = c.id;
      ev.toObjectId = c.toObjectId;
      ev.associationRemoved = c.associationRemoved;
      ev.isPrimaryAssociation = c.isPrimaryAssociation;
    }
    return [ev];
  }

  /** Sends what is queued now, in deliveries of up to `batchSize` events. */
  private dispatch(): void {
    const url = this.options.targetUrl;
    if (!url || this.closed) return;
    const events = this.queue;
    this.queue = [];
    for (let i = 0; i < events.length; i += this.options.batchSize) {
      this.send(url, events.slice(i, i + this.options.batchSize), 0);
    }
  }

  private send(url: string, events: WebhookEvent[], attempt: number): void {
    const p = this.attempt(url, events, attempt).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private async attempt(url: string, events: WebhookEvent[], attempt: number): Promise<void> {
    const payload = events.map((e) => ({ ...e, attemptNumber: attempt }));
    const body = JSON.stringify(payload);
    const timestamp = Date.now();
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/) - WebhooksExecutorDaemon (stand-in)',
      'X-HubSpot-Signature': signV1(this.options.clientSecret, body),
      'X-HubSpot-Signature-Version': 'v1',
      'X-HubSpot-Signature-v3': signV3(this.options.clientSecret, 'POST', url, body, timestamp),
      'X-HubSpot-Request-Timestamp': String(timestamp),
      'X-HubSpot-Timeout-Millis': String(this.options.timeoutMs),
    };
    let status: DeliveryRecord['status'];
    try {
      const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.options.timeoutMs) });
      await res.arrayBuffer().catch(() => undefined);
      status = res.status;
    } catch (e) {
      status = (e as Error).name === 'TimeoutError' ? 'timeout' : 'error';
    }
    const ok = typeof status === 'number' && status >= 200 && status < 300;
    this.deliveries.push({ at: this.options.clock(), url, attempt, events: payload, status, ok });
    const kept = this.options.keptDeliveries;
    if (kept !== undefined && this.deliveries.length > 2 * kept) this.deliveries.splice(0, this.deliveries.length - kept);
    if (ok || attempt >= this.options.maxRetries || this.closed) return;
    const delay = this.options.retryBaseMs * 2 ** attempt * (0.5 + Math.random());
    this.pendingRetries++;
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.pendingRetries--;
      this.send(url, events, attempt + 1);
    }, delay);
    this.retryTimers.add(timer);
  }

  /** Delivers what is queued now and waits for the deliveries in flight (not for retries scheduled later). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.dispatch();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Waits until nothing is queued, in flight or waiting for a retry. */
  async idle(): Promise<void> {
    for (;;) {
      await this.flush();
      if (this.pendingRetries === 0 && this.queue.length === 0 && this.inFlight.size === 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  pending(): number {
    return this.queue.length;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    this.pendingRetries = 0;
    this.queue = [];
  }
}
