// Issue 12 item 4: a 2xx whose body is not the JSON the endpoint returns is a retryable error (like a 502), never
// "no data"; a contact or task counts as deleted only when HubSpot lists it as not found.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HubSpotApiError } from '../../src/errors.ts';
import { readAssociations } from '../../src/hubspot/associations.ts';
import { listContactIds } from '../../src/hubspot/list-contacts.ts';
import { batchRead } from '../../src/hubspot/read-contacts.ts';
import { getTaskStatuses } from '../../src/hubspot/tasks.ts';
import { createLogger } from '../../src/log.ts';
import { API, setupNock, teardownNock, testRequester } from './fixtures.ts';

const BATCH_READ = '/crm/objects/2026-03/contacts/batch/read';
const GATEWAY_PAGE = '<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>';
const contact = (id: string) => ({ id, properties: { jobtitle: 'CEO' }, archived: false });

beforeEach(setupNock);
afterEach(teardownNock);

describe('garbled answers from HubSpot', () => {
  it.each<[string, number, string | Record<string, unknown>]>([
    ['a 200 with an HTML gateway page', 200, GATEWAY_PAGE],
    ['a 200 with truncated JSON', 200, '{"status":"COMPLETE","results":[{"id":"1","propert'],
    ['a 200 without a results array', 200, { status: 'COMPLETE' }],
    ['a 200 whose results have the wrong types', 200, { results: [{ id: { nested: true }, properties: 'x' }] }],
    ['a 200 that leaves out an id without reporting it not found', 200, { results: [contact('1')] }],
    ['a gateway 404 (not JSON)', 404, '<html>404 Not Found</html>'],
  ])('when a batch read answers %s, then it is retried like a 502 and the good answer is used', async (_name, status, body) => {
    const requester = testRequester();
    nock(API).post(BATCH_READ).reply(status, body, { 'x-hubspot-correlation-id': 'corr-123' });
    nock(API).post(BATCH_READ).reply(200, { status: 'COMPLETE', results: [contact('1'), contact('2')] });
    const found = await batchRead(requester.request, 'contacts', ['1', '2'], ['jobtitle']);
    expect([...found.keys()]).toEqual(['1', '2']);
    expect(requester.metrics.sum('hubspot_garbled_responses_total')).toBe(1);
  });

  it('when every attempt is garbled, then a coded, retryable error carries the correlation id and it is logged', async () => {
    const lines: string[] = [];
    const requester = testRequester({ log: createLogger({ level: 'debug', write: (line) => lines.push(line) }) });
    nock(API).post(BATCH_READ).times(5).reply(200, GATEWAY_PAGE, { 'x-hubspot-correlation-id': 'corr-456' });
    const error = await batchRead(requester.request, 'contacts', ['1'], ['jobtitle']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubSpotApiError);
    expect(error).toMatchObject({ httpStatus: 502, category: 'GARBLED_RESPONSE', correlationId: 'corr-456' });
    expect(lines.some((l) => l.includes('garbled') && l.includes('corr-456'))).toBe(true);
  });

  it('when a batch read lists ids as not found (207 OBJECT_NOT_FOUND) or answers HubSpot\'s own 404, then those ids are absent', async () => {
    const requester = testRequester();
    nock(API)
      .post(BATCH_READ)
      .reply(207, { status: 'COMPLETE', results: [contact('1')], errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', context: { ids: ['2'] } }] });
    expect([...(await batchRead(requester.request, 'contacts', ['1', '2'], ['jobtitle'])).keys()]).toEqual(['1']);
    nock(API).post(BATCH_READ).reply(404, { status: 'error', category: 'OBJECT_NOT_FOUND', message: 'not found' });
    expect((await batchRead(requester.request, 'contacts', ['3'], ['jobtitle'])).size).toBe(0);
  });

  it('when a task status read is garbled, then no task is taken for deleted', async () => {
    const requester = testRequester();
    nock(API).post('/crm/objects/2026-03/tasks/batch/read').times(5).reply(200, { results: [] });
    await expect(getTaskStatuses(requester.request, ['t1', 't2'])).rejects.toMatchObject({ category: 'GARBLED_RESPONSE' });
    nock(API)
      .post('/crm/objects/2026-03/tasks/batch/read')
      .reply(207, { results: [{ id: 't1', properties: { hs_task_status: 'NOT_STARTED' } }], errors: [{ category: 'OBJECT_NOT_FOUND', context: { ids: ['t2'] } }] });
    expect(await getTaskStatuses(requester.request, ['t1', 't2'])).toEqual(new Map([['t1', 'open'], ['t2', 'deleted']]));
  });

  it('when an associations answer is garbled, then it is an error, not "no activities"', async () => {
    const requester = testRequester();
    nock(API).post('/crm/associations/2026-03/contacts/calls/batch/read').times(5).reply(200, '{"status":"COMPLETE","results":[{"from":{"id":"1"},"to":[{"toObj');
    await expect(readAssociations(requester.request, 'contacts', 'calls', ['1'])).rejects.toMatchObject({ httpStatus: 502, category: 'GARBLED_RESPONSE' });
    nock(API).post('/crm/associations/2026-03/contacts/calls/batch/read').times(5).reply(200, { results: [{ from: { id: '1' }, to: 'none' }] });
    await expect(readAssociations(requester.request, 'contacts', 'calls', ['1'])).rejects.toMatchObject({ category: 'GARBLED_RESPONSE' });
  });

  it('when an endpoint without an allowed 404 gets a gateway 404 page, then it is retried like a 502, not taken as HubSpot\'s 404', async () => {
    const requester = testRequester();
    nock(API).get('/crm/objects/2026-03/contacts').query(true).reply(404, '<html>404 Not Found</html>');
    nock(API).get('/crm/objects/2026-03/contacts').query(true).reply(200, { results: [{ id: '7' }] });
    expect(await listContactIds(requester.request, undefined, 100)).toEqual({ ids: ['7'] });
    expect(requester.metrics.sum('hubspot_garbled_responses_total')).toBe(1);
  });

  it('when a contact list page is garbled, then listing fails instead of ending early', async () => {
    const requester = testRequester();
    nock(API).get('/crm/objects/2026-03/contacts').query(true).times(5).reply(200, { paging: { next: { after: '100' } } });
    await expect(listContactIds(requester.request, undefined, 100)).rejects.toMatchObject({ category: 'GARBLED_RESPONSE' });
  });
});
