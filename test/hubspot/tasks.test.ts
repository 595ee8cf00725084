import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskCreate } from '../../src/hubspot/portal-client.ts';
import { createTasks, findAppTasks, getTaskStatuses } from '../../src/hubspot/tasks.ts';
import { API, setupNock, teardownNock, testRequester } from './fixtures.ts';

beforeEach(setupNock);
afterEach(teardownNock);

const task = (contactId: string, extra: Partial<TaskCreate> = {}): TaskCreate => ({
  contactId,
  ownerId: '77',
  kind: 'call_sql',
  subject: 'Call now: SQL (A1)',
  body: 'Budget: met\nbant-task: call_sql',
  priority: 'HIGH',
  dueAt: '2026-11-20T14:00:00.000Z',
  ...extra,
});

describe('createTasks', () => {
  it('when tasks are created, then batch/create carries hs_timestamp, subject, body, priority, NOT_STARTED, type, owner and association 204', async () => {
    const { request } = testRequester();
    nock(API)
      .post('/crm/objects/2026-03/tasks/batch/create', {
        inputs: [
          {
            objectWriteTraceId: '0',
            properties: {
              hs_timestamp: '2026-11-20T14:00:00.000Z',
              hs_task_subject: 'Call now: SQL (A1)',
              hs_task_body: 'Budget: met\nbant-task: call_sql',
              hs_task_priority: 'HIGH',
              hs_task_status: 'NOT_STARTED',
              hs_task_type: 'CALL',
              hubspot_owner_id: '77',
            },
            associations: [{ to: { id: '101' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }] }],
          },
          {
            objectWriteTraceId: '1',
            properties: {
              hs_timestamp: '2026-12-01T09:00:00.000Z',
              hs_task_subject: 'Follow up',
              hs_task_body: 'bant-task: follow_up',
              hs_task_priority: 'LOW',
              hs_task_status: 'NOT_STARTED',
              hs_task_type: 'TODO',
            },
            associations: [{ to: { id: '102' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }] }],
          },
        ],
      })
      .reply(201, { status: 'COMPLETE', results: [{ id: 't-2', objectWriteTraceId: '1' }, { id: 't-1', objectWriteTraceId: '0' }] });
    const out = await createTasks(request, [
      task('101'),
      task('102', { ownerId: null, kind: 'follow_up', subject: 'Follow up', body: 'bant-task: follow_up', priority: 'LOW', dueAt: '2026-12-01T09:00:00.000Z' }),
    ]);
    expect(out).toEqual([{ taskId: 't-1' }, { taskId: 't-2' }]);
  });

  it('when a 207 reports one failed task, then the others keep their ids and the failed one gets its reason', async () => {
    const { request, callCount } = testRequester();
    nock(API)
      .post('/crm/objects/2026-03/tasks/batch/create')
      .reply(207, {
        results: [{ id: 't-1', objectWriteTraceId: '0' }],
        errors: [{ category: 'VALIDATION_ERROR', message: 'owner 999 does not exist', context: { objectWriteTraceId: ['1'] } }],
      });
    const out = await createTasks(request, [task('1'), task('2', { ownerId: '999' })]);
    expect(out).toEqual([{ taskId: 't-1' }, { error: 'VALIDATION_ERROR: owner 999 does not exist' }]);
    expect(callCount()).toBe(1);
  });

  it('when a whole batch is refused with 400, then halves are sent again (nothing was created)', async () => {
    const { request } = testRequester();
    nock(API).post('/crm/objects/2026-03/tasks/batch/create').reply(400, { category: 'VALIDATION_ERROR', message: 'invalid association' });
    nock(API).post('/crm/objects/2026-03/tasks/batch/create').reply(201, { results: [{ id: 't-a', objectWriteTraceId: '0' }] });
    nock(API).post('/crm/objects/2026-03/tasks/batch/create').reply(400, { category: 'VALIDATION_ERROR', message: 'invalid association' });
    const out = await createTasks(request, [task('1'), task('bad')]);
    expect(out[0]).toEqual({ taskId: 't-a' });
    expect(out[1]).toEqual({ error: expect.stringContaining('invalid association') });
  });
});

describe('getTaskStatuses', () => {
  it('when tasks are read, then COMPLETED is completed, others open, and missing or archived ones deleted', async () => {
    const { request } = testRequester();
    nock(API)
      .post('/crm/objects/2026-03/tasks/batch/read', { properties: ['hs_task_status'], inputs: [{ id: 't1' }, { id: 't2' }, { id: 't3' }, { id: 't4' }] })
      .reply(207, {
        results: [
          { id: 't1', properties: { hs_task_status: 'COMPLETED' } },
          { id: 't2', properties: { hs_task_status: 'NOT_STARTED' } },
          { id: 't4', archived: true, properties: { hs_task_status: 'NOT_STARTED' } },
        ],
        errors: [{ category: 'OBJECT_NOT_FOUND', context: { ids: ['t3'] } }],
      });
    const statuses = await getTaskStatuses(request, ['t1', 't2', 't3', 't4', 't1']);
    expect(Object.fromEntries(statuses)).toEqual({ t1: 'completed', t2: 'open', t3: 'deleted', t4: 'deleted' });
  });
});

describe('findAppTasks', () => {
  it("when contacts have tasks, then only the app's own (body ends with bant-task: KIND) are returned with kind and status", async () => {
    const { request } = testRequester();
    nock(API)
      .post('/crm/associations/2026-03/contacts/tasks/batch/read', { inputs: [{ id: '1' }, { id: '2' }] })
      .reply(207, {
        results: [
          { from: { id: '1' }, to: [{ toObjectId: 11, associationTypes: [{ typeId: 203 }] }, { toObjectId: 12, associationTypes: [{ typeId: 203 }] }] },
          { from: { id: '2' }, to: [{ toObjectId: 21, associationTypes: [{ typeId: 203 }] }] },
        ],
      })
      .post('/crm/objects/2026-03/tasks/batch/read', { properties: ['hs_task_status', 'hs_task_body'], inputs: [{ id: '11' }, { id: '12' }, { id: '21' }] })
      .reply(200, {
        results: [
          { id: '11', properties: { hs_task_status: 'NOT_STARTED', hs_task_body: 'Budget: met\nbant-task: call_sql' } },
          { id: '12', properties: { hs_task_status: 'NOT_STARTED', hs_task_body: 'A rep wrote this task by hand' } },
          { id: '21', properties: { hs_task_status: 'COMPLETED', hs_task_body: 'Ask about budget\nbant-task: qualify' } },
        ],
      });
    const found = await findAppTasks(request, ['1', '2']);
    expect(found).toEqual([
      { taskId: '11', contactId: '1', kind: 'call_sql', status: 'open' },
      { taskId: '21', contactId: '2', kind: 'qualify', status: 'completed' },
    ]);
  });
});
