import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HubSpotApiError } from '../../src/errors.ts';
import { DEFAULT_RETRY, dailyResetAt, decideRetry, PortalPausedError } from '../../src/hubspot/retry.ts';
import { API, PORTAL, setupNock, teardownNock, testRequester } from './fixtures.ts';

beforeEach(setupNock);
afterEach(teardownNock);

const rateLimited = (policyName: string) => ({
  status: 'error',
  message: policyName === 'DAILY' ? 'You have reached your daily limit.' : 'You have reached your ten_secondly_rolling limit.',
  errorType: 'RATE_LIMIT',
  correlationId: 'corr-429',
  policyName,
});

describe('calls through the portal requester', () => {
  it('when HubSpot answers 429 TEN_SECONDLY_ROLLING, then the call waits and is retried', async () => {
    const { request, metrics, callCount } = testRequester();
    nock(API).get('/crm/owners/2026-03').query(true).reply(429, rateLimited('TEN_SECONDLY_ROLLING'), { 'Retry-After': '0' });
    nock(API).get('/crm/owners/2026-03').query(true).reply(200, { results: [] });
    const response = await request<{ results: unknown[] }>('owners.list', { method: 'GET', path: '/crm/owners/2026-03', qs: { limit: 100 } });
    expect(response.body.results).toEqual([]);
    expect(callCount()).toBe(2);
    expect(metrics.get('hubspot_api_calls_total', { portal: PORTAL, operation: 'owners.list', status: 429 })).toBe(1);
    expect(metrics.get('hubspot_api_calls_total', { portal: PORTAL, operation: 'owners.list', status: 200 })).toBe(1);
  });

  it('when HubSpot answers 429 DAILY, then the portal pauses: later calls fail at once without a request until the reset', async () => {
    const { request } = testRequester({ timeZone: 'Europe/Berlin' });
    nock(API).get('/crm/owners/2026-03').reply(429, rateLimited('DAILY'));
    const error = await request('owners.list', { method: 'GET', path: '/crm/owners/2026-03' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortalPausedError);
    expect((error as PortalPausedError).httpStatus).toBe(429);
    expect((error as PortalPausedError).resumeAt).toBeGreaterThan(Date.now());
    // No mock is set up: a request would fail with a nock error, not a PortalPausedError.
    await expect(request('contacts.list', { method: 'GET', path: '/crm/objects/2026-03/contacts' })).rejects.toBeInstanceOf(PortalPausedError);
  });

  it('when HubSpot keeps answering 5xx, then the call is retried a bounded number of times and fails with HubSpotApiError', async () => {
    const { request, callCount } = testRequester();
    nock(API).post('/crm/objects/2026-03/contacts/batch/read').times(DEFAULT_RETRY.maxAttempts).reply(502, 'Bad Gateway');
    const error = await request('contacts.batchRead', { method: 'POST', path: '/crm/objects/2026-03/contacts/batch/read', body: { inputs: [] } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubSpotApiError);
    expect((error as HubSpotApiError).httpStatus).toBe(502);
    expect((error as HubSpotApiError).operation).toBe('contacts.batchRead');
    expect(callCount()).toBe(DEFAULT_RETRY.maxAttempts);
  });

  it('when a 503 is followed by success, then the caller sees the success', async () => {
    const { request } = testRequester();
    nock(API).get('/crm/owners/2026-03').reply(503, { message: 'unavailable' });
    nock(API).get('/crm/owners/2026-03').reply(423, { message: 'locked' });
    nock(API).get('/crm/owners/2026-03').reply(200, { results: [{ id: '1' }] });
    expect((await request<{ results: unknown[] }>('owners.list', { method: 'GET', path: '/crm/owners/2026-03' })).body.results).toHaveLength(1);
  });

  it('when HubSpot answers 403, then no retry and the error carries status, category, correlation id and operation', async () => {
    const { request, callCount } = testRequester();
    nock(API)
      .get('/crm/owners/2026-03')
      .reply(403, { status: 'error', message: 'This app hasn\'t been granted all required scopes', category: 'MISSING_SCOPES', correlationId: 'corr-403' });
    const error = (await request('owners.list', { method: 'GET', path: '/crm/owners/2026-03' }).catch((e: unknown) => e)) as HubSpotApiError;
    expect(error).toBeInstanceOf(HubSpotApiError);
    expect([error.httpStatus, error.category, error.correlationId, error.operation]).toEqual([403, 'MISSING_SCOPES', 'corr-403', 'owners.list']);
    expect(error.message).toMatch(/HubSpot owners.list failed with 403 MISSING_SCOPES/);
    expect(callCount()).toBe(1);
  });

  it('when a create times out or gets a 5xx, then it is not retried (it may have been created)', async () => {
    const { request, callCount } = testRequester();
    nock(API).post('/crm/objects/2026-03/tasks/batch/create').reply(500, { message: 'internal' });
    await expect(
      request('tasks.batchCreate', { method: 'POST', path: '/crm/objects/2026-03/tasks/batch/create', body: { inputs: [] }, idempotent: false }),
    ).rejects.toBeInstanceOf(HubSpotApiError);
    expect(callCount()).toBe(1);
  });

  it('when the connection fails, then it is retried like a 5xx', async () => {
    const { request, callCount } = testRequester();
    nock(API).get('/crm/owners/2026-03').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    nock(API).get('/crm/owners/2026-03').reply(200, { results: [] });
    await request('owners.list', { method: 'GET', path: '/crm/owners/2026-03' });
    expect(callCount()).toBe(2);
  });

  it('when the request is sent, then it carries the portal token as Bearer and goes to the configured base path', async () => {
    const { request } = testRequester({ token: 'portal-token-abcdef' });
    nock(API).get('/crm/owners/2026-03').matchHeader('authorization', 'Bearer portal-token-abcdef').reply(200, {});
    await request('owners.list', { method: 'GET', path: '/crm/owners/2026-03' });
  });
});

describe('retry decisions', () => {
  const failure = (httpStatus: number, extra: object = {}) => ({ error: new HubSpotApiError({ operation: 'x', httpStatus, message: 'm' }), ...extra });
  const options = { ...DEFAULT_RETRY, random: () => 0.5 };

  it('when 429 rolling carries Retry-After or the interval header, then that wait is used', () => {
    expect(decideRetry(failure(429, { policyName: 'TEN_SECONDLY_ROLLING', retryAfterMs: 10_000 }), 1, true, options)).toEqual({ retry: true, delayMs: 10_125 });
    expect(decideRetry(failure(429, { policyName: 'DAILY' }), 1, true, options)).toEqual({ retry: false, daily: true });
  });

  it('when backing off, then waits grow, are jittered and capped; attempts are bounded', () => {
    const delays = [1, 2, 3, 4].map((n) => (decideRetry(failure(504), n, true, options) as { delayMs: number }).delayMs);
    expect(delays).toEqual([500, 1000, 2000, 4000]);
    expect(decideRetry(failure(504), 5, true, options)).toEqual({ retry: false });
    expect((decideRetry(failure(423), 1, false, options) as { delayMs: number }).delayMs).toBeGreaterThanOrEqual(2000);
    expect(decideRetry(failure(400), 1, true, options)).toEqual({ retry: false });
  });

  it('when the portal time zone is known, then the daily pause ends just after local midnight', () => {
    const now = Date.parse('2026-11-20T21:30:00Z'); // 22:30 in Berlin (UTC+1)
    expect(new Date(dailyResetAt(now, 'Europe/Berlin')).toISOString()).toBe('2026-11-20T23:01:00.000Z');
    expect(dailyResetAt(now, undefined)).toBe(now + 3_600_000);
  });
});
