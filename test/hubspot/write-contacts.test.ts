import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeContacts } from '../../src/hubspot/write-contacts.ts';
import { API, setupNock, teardownNock, testRequester } from './fixtures.ts';

beforeEach(setupNock);
afterEach(teardownNock);

type UpdateBody = { inputs: Array<{ id: string; properties: Record<string, string> }> };
const BAD = new Set(['3', '7']);

/** A stand-in for batch/update: rejects the whole batch (400) when it holds a bad contact. */
function rejectWholeBatch(seen: string[][]) {
  return async (req: Request): Promise<[number, unknown]> => {
    const body = (await req.json()) as UpdateBody;
    const ids = body.inputs.map((i) => i.id);
    seen.push(ids);
    if (ids.some((id) => BAD.has(id))) {
      return [400, { status: 'error', category: 'VALIDATION_ERROR', message: `Property values were not valid: bant_fit_grade "Z" on ${ids.find((id) => BAD.has(id))}` }];
    }
    return [200, { status: 'COMPLETE', results: ids.map((id) => ({ id, properties: {} })) }];
  };
}

describe('writeContacts', () => {
  it('when a batch is written, then batch/update gets {inputs:[{id, properties}]} with only the given properties', async () => {
    const { request, callCount } = testRequester();
    nock(API)
      .post('/crm/objects/2026-03/contacts/batch/update', {
        inputs: [
          { id: '1', properties: { bant_fit_grade: 'A', lifecyclestage: 'marketingqualifiedlead' } },
          { id: '2', properties: { bant_priority: 'B2' } },
        ],
      })
      .reply(200, { status: 'COMPLETE', results: [{ id: '1', updatedAt: '2026-03-02T09:00:00.101Z' }, { id: '2', updatedAt: '2026-03-02T09:00:00.102Z' }] });
    const report = await writeContacts(request, [
      { contactId: '1', properties: { bant_fit_grade: 'A' } },
      { contactId: '2', properties: { bant_priority: 'B2' } },
      { contactId: '1', properties: { lifecyclestage: 'marketingqualifiedlead' } },
      { contactId: '4', properties: {} },
    ]);
    expect(report).toEqual({
      written: ['1', '2'],
      failed: [],
      updatedAt: new Map([
        ['1', '2026-03-02T09:00:00.101Z'],
        ['2', '2026-03-02T09:00:00.102Z'],
      ]),
    });
    expect(callCount()).toBe(1);
  });

  it('when HubSpot rejects a whole batch for one bad contact, then halves are retried until each bad one stands alone', async () => {
    const { request } = testRequester();
    const seen: string[][] = [];
    nock(API).post('/crm/objects/2026-03/contacts/batch/update').times(20).reply(rejectWholeBatch(seen));
    const writes = Array.from({ length: 10 }, (_, i) => ({ contactId: String(i), properties: { bant_fit_grade: 'A' } }));
    const report = await writeContacts(request, writes);
    expect(report.written.sort()).toEqual(['0', '1', '2', '4', '5', '6', '8', '9']);
    expect(report.failed).toEqual([
      { contactId: '3', error: expect.stringContaining('VALIDATION_ERROR') },
      { contactId: '7', error: expect.stringContaining('Property values were not valid') },
    ]);
    expect(seen[0]).toHaveLength(10);
    expect(seen.length).toBeLessThan(12);
    nock.cleanAll();
  });

  it('when a 207 names the failed ids, then they are reported without another call; unnamed failures are split', async () => {
    const { request, callCount } = testRequester();
    nock(API)
      .post('/crm/objects/2026-03/contacts/batch/update')
      .reply(207, {
        status: 'COMPLETE',
        results: [{ id: '1', updatedAt: '2026-03-02T09:00:01.000Z' }],
        errors: [
          { status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Object not found', context: { ids: ['2'] } },
          { status: 'error', category: 'VALIDATION_ERROR', message: 'bad value' },
        ],
      });
    nock(API).post('/crm/objects/2026-03/contacts/batch/update', { inputs: [{ id: '3', properties: { a: '1' } }] }).reply(200, { results: [{ id: '3', updatedAt: '2026-03-02T09:00:02.000Z' }] });
    nock(API).post('/crm/objects/2026-03/contacts/batch/update', { inputs: [{ id: '4', properties: { a: '1' } }] }).reply(400, { category: 'VALIDATION_ERROR', message: 'bad value' });
    const report = await writeContacts(request, ['1', '2', '3', '4'].map((contactId) => ({ contactId, properties: { a: '1' } })));
    expect(report.written.sort()).toEqual(['1', '3']);
    // The time of each write comes from the response that wrote it, also after a split; failed contacts have none.
    expect([...(report.updatedAt ?? [])].sort()).toEqual([
      ['1', '2026-03-02T09:00:01.000Z'],
      ['3', '2026-03-02T09:00:02.000Z'],
    ]);
    expect(report.failed.map((f) => f.contactId).sort()).toEqual(['2', '4']);
    expect(report.failed.find((f) => f.contactId === '2')?.error).toMatch(/OBJECT_NOT_FOUND/);
    expect(callCount()).toBe(3);
  });

  it('when there are more than 100 writes, then they go in batches of 100', async () => {
    const { request, callCount } = testRequester();
    const sizes: number[] = [];
    nock(API)
      .post('/crm/objects/2026-03/contacts/batch/update')
      .times(3)
      .reply(async (req: Request) => {
        const body = (await req.json()) as UpdateBody;
        sizes.push(body.inputs.length);
        return [200, { results: body.inputs.map((i) => ({ id: i.id })) }];
      });
    const report = await writeContacts(request, Array.from({ length: 250 }, (_, i) => ({ contactId: String(i), properties: { a: 'b' } })));
    expect(sizes).toEqual([100, 100, 50]);
    expect(report.written).toHaveLength(250);
    expect(callCount()).toBe(3);
  });
});
