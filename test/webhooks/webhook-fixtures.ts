// Shared by the webhook tests: event builders, real v3 signing, and the router served on port 0.
import type { Server } from 'node:http';
import express from 'express';
import { createErrorMiddleware } from '../../src/http/error-middleware.ts';
import { createWebhookRouter, WEBHOOK_PATH, type WebhookRouterOptions } from '../../src/http/webhook-routes.ts';
import type { HubSpotEvent } from '../../src/webhooks/event-schema.ts';
import { computeSignatureV3 } from '../../src/webhooks/verify-signature.ts';
import { createJobHarness, type JobHarness, PORTAL } from '../jobs/job-fixtures.ts';

export const APP_ID = '1160452';
export const SECRET = 'webhook-secret-current';
export const PREVIOUS_SECRET = 'webhook-secret-previous';
export const PUBLIC_BASE_URL = 'https://bant.example.com';
export const RESCORE_DELAY_MS = 1000;

export const WEBHOOK_ENV = {
  HUBSPOT_CLIENT_SECRET: SECRET,
  HUBSPOT_CLIENT_SECRET_PREVIOUS: PREVIOUS_SECRET,
  HUBSPOT_APP_ID: APP_ID,
  PUBLIC_BASE_URL,
  RESCORE_DELAY_MS: String(RESCORE_DELAY_MS),
  WEBHOOK_MAX_BYTES: '65536',
};

/** A classic contact event as HubSpot sends it (docs/hubspot-platform.md §1.3). */
export function rawEvent(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    objectId: 1246965,
    propertyName: 'jobtitle',
    propertyValue: 'CEO',
    changeSource: 'CRM',
    eventId: 3816279340,
    subscriptionId: 25,
    portalId: PORTAL,
    appId: Number(APP_ID),
    occurredAt: 1_772_441_000_000,
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    ...fields,
  };
}

/** The same, normalised the way parseDelivery returns it. */
export function parsedEvent(fields: Partial<HubSpotEvent> = {}): HubSpotEvent {
  return { type: 'contact.propertyChange', portalId: PORTAL, objectId: '1246965', occurredAt: 1_772_441_000_000, propertyName: 'jobtitle', ...fields };
}

export function signedHeaders(body: string, options: { now: number; secret?: string; url?: string; method?: string }): Record<string, string> {
  const timestamp = String(options.now);
  const url = options.url ?? `${PUBLIC_BASE_URL}${WEBHOOK_PATH}`;
  return {
    'content-type': 'application/json',
    'x-hubspot-signature-version': 'v3',
    'x-hubspot-signature-v3': computeSignatureV3(options.secret ?? SECRET, options.method ?? 'POST', url, Buffer.from(body), timestamp),
    'x-hubspot-request-timestamp': timestamp,
  };
}

export interface WebhookServer {
  harness: JobHarness;
  url: string;
  notified: number[];
  /** The due time each wake announced (AppContext.notifyWork's dueAt). */
  notifiedDue: Array<number | undefined>;
  post(body: string, headers: Record<string, string>, path?: string): Promise<{ status: number; json: unknown }>;
  postSigned(events: unknown[], options?: { secret?: string }): Promise<{ status: number; json: unknown }>;
  close(): Promise<void>;
}

export async function startWebhookServer(options: { harness?: JobHarness; env?: Record<string, string>; router?: WebhookRouterOptions } = {}): Promise<WebhookServer> {
  const harness = options.harness ?? (await createJobHarness({ env: { ...WEBHOOK_ENV, ...options.env } }));
  const notified: number[] = [];
  const notifiedDue: Array<number | undefined> = [];
  harness.ctx.notifyWork = (dueAt) => {
    notified.push(harness.clock.now);
    notifiedDue.push(dueAt);
  };
  const app = express();
  app.use(createWebhookRouter(harness.ctx, options.router));
  app.use(createErrorMiddleware(harness.ctx.log));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const post = async (body: string, headers: Record<string, string>, path = WEBHOOK_PATH) => {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers, body });
    const text = await response.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      // keep the text
    }
    return { status: response.status, json };
  };
  return {
    harness,
    url,
    notified,
    notifiedDue,
    post,
    postSigned: (events, opts = {}) => {
      const body = JSON.stringify(events);
      return post(body, signedHeaders(body, { now: harness.clock.now, ...(opts.secret ? { secret: opts.secret } : {}) }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
