// Shared fixtures of the HubSpot adapter tests: config, memory store, captured logs, a portal requester over nock.
import { randomBytes } from 'node:crypto';
import nock from 'nock';
import { type Config, loadConfig } from '../../src/config.ts';
import { createPortalLimiters } from '../../src/hubspot/limiter.ts';
import { createPortalRequester, type PortalRequester } from '../../src/hubspot/request.ts';
import { createPortalPauses, type PortalPauses } from '../../src/hubspot/retry.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import { Metrics } from '../../src/metrics.ts';

export const API = 'https://api.hubapi.test';
export const AUTH = 'https://app.hubspot.test';
export const PORTAL = 4711;
export const CLIENT_SECRET = 'client-secret-0b7d5c1e-9f2a';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    HUBSPOT_CLIENT_ID: 'client-id-1',
    HUBSPOT_CLIENT_SECRET: CLIENT_SECRET,
    HUBSPOT_APP_ID: '99',
    HUBSPOT_API_BASE_URL: API,
    HUBSPOT_AUTH_BASE_URL: AUTH,
    PUBLIC_BASE_URL: 'https://bant.example.test',
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...env,
  });
}

export function captureLogs(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger({ level: 'debug', write: (line) => lines.push(line) }), lines };
}

/** A requester for one portal with a fixed token and fast retries, as the portal client builds it. */
export function testRequester(
  options: { token?: string; perWindow?: number; windowMs?: number; pauses?: PortalPauses; metrics?: Metrics; log?: Logger; timeZone?: string } = {},
): PortalRequester & { metrics: Metrics; pauses: PortalPauses } {
  const metrics = options.metrics ?? new Metrics();
  const pauses = options.pauses ?? createPortalPauses();
  const requester = createPortalRequester({
    portalId: PORTAL,
    basePath: API,
    authorize: async () => options.token ?? 'access-token-for-tests',
    limiters: createPortalLimiters({ generalPerWindow: options.perWindow ?? 1000, windowMs: options.windowMs ?? 1000, searchPerSecond: 1000 }),
    pauses,
    metrics,
    log: options.log ?? createLogger({ level: 'silent' }),
    now: Date.now,
    ...(options.timeZone ? { timeZone: () => options.timeZone } : {}),
    retry: { baseDelayMs: 1, maxDelayMs: 5, sleep: async () => {} },
    timeoutMs: 500,
  });
  return { ...requester, metrics, pauses };
}

export function setupNock(): void {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
}

export function teardownNock(): void {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  if (pending.length) throw new Error(`unused HubSpot mocks: ${pending.join(', ')}`);
}
