// HubSpot tasks for reps (docs/contract.md section 4): created with the task→contact association (typeId 204,
// HUBSPOT_DEFINED; 203 is the other direction, docs/hubspot-platform.md §4.3, §8.17) and `hs_timestamp` as the due time (§8.18).
import { HubSpotApiError } from '../errors.ts';
import type { TaskKind } from '../scoring/types.ts';
import type { TaskContent, TaskCreate, TaskStatus, TaskUpdate } from './portal-client.ts';
import { readAssociations } from './associations.ts';
import type { PortalRequest } from './request.ts';
import { objectsPath } from './api-paths.ts';
import { batchReadShape, batchWriteShape } from './response-shapes.ts';

export const TASK_TO_CONTACT = 204;
const BATCH_SIZE = 100;

const TASK_TYPE: Record<TaskKind, 'CALL' | 'TODO'> = { call_sql: 'CALL', qualify: 'CALL', follow_up: 'TODO', escalate: 'TODO' };

interface BatchCreateResponse {
  results?: Array<{ id: string; objectWriteTraceId?: string; properties?: Record<string, string | null> }>;
  errors?: Array<{ message?: string; category?: string; context?: Record<string, string[]>; objectWriteTraceId?: string }>;
}

export function toTaskInput(task: TaskCreate, traceId: string): Record<string, unknown> {
  return {
    objectWriteTraceId: traceId,
    properties: {
      hs_timestamp: task.dueAt,
      hs_task_subject: task.subject,
      hs_task_body: task.body,
      hs_task_priority: task.priority,
      hs_task_status: 'NOT_STARTED',
      hs_task_type: TASK_TYPE[task.kind],
      ...(task.ownerId ? { hubspot_owner_id: task.ownerId } : {}),
    },
    associations: [{ to: { id: task.contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: TASK_TO_CONTACT }] }],
  };
}

export async function createTasks(request: PortalRequest, tasks: TaskCreate[]): Promise<Array<{ taskId: string } | { error: string }>> {
  const out: Array<{ taskId: string } | { error: string }> = tasks.map(() => ({ error: 'not sent' }));
  for (let i = 0; i < tasks.length; i += BATCH_SIZE) await createBatch(request, tasks, i, Math.min(tasks.length, i + BATCH_SIZE), out);
  return out;
}

async function createBatch(request: PortalRequest, tasks: TaskCreate[], start: number, end: number, out: Array<{ taskId: string } | { error: string }>): Promise<void> {
  const indexes = Array.from({ length: end - start }, (_, k) => start + k);
  let response: { body: BatchCreateResponse };
  try {
    // POST /crm/objects/2026-03/tasks/batch/create; not idempotent, so a timeout or 5xx is not retried blindly.
    response = await request<BatchCreateResponse>('tasks.batchCreate', {
      method: 'POST',
      path: objectsPath('tasks', '/batch/create'),
      idempotent: false,
      body: { inputs: indexes.map((i) => toTaskInput(tasks[i] as TaskCreate, String(i))) },
      expect: batchWriteShape,
    });
  } catch (error) {
    // A 400 rejects the whole batch and creates nothing, so halves can be sent again safely.
    if (!(error instanceof HubSpotApiError) || error.httpStatus !== 400) throw error;
    if (indexes.length === 1) {
      out[start] = { error: error.message };
      return;
    }
    const mid = start + Math.ceil(indexes.length / 2);
    await createBatch(request, tasks, start, mid, out);
    await createBatch(request, tasks, mid, end, out);
    return;
  }
  const results = response.body?.results ?? [];
  const traced = results.every((r) => r.objectWriteTraceId !== undefined);
  if (traced) {
    for (const r of results) out[Number(r.objectWriteTraceId)] = { taskId: String(r.id) };
  } else if (results.length === indexes.length) {
    // Without trace ids HubSpot answers in input order.
    results.forEach((r, k) => {
      out[start + k] = { taskId: String(r.id) };
    });
  }
  const errors = response.body?.errors ?? [];
  for (const i of indexes) {
    if ('taskId' in (out[i] ?? {})) continue;
    const own = errors.find((e) => e.objectWriteTraceId === String(i) || e.context?.objectWriteTraceId?.includes(String(i)));
    const reason = own ?? (errors.length === 1 ? errors[0] : undefined);
    out[i] = { error: reason ? [reason.category, reason.message].filter(Boolean).join(': ') : 'HubSpot did not confirm this task; check the contact before creating it again' };
  }
}

/** POST /crm/objects/2026-03/tasks/batch/read: missing or archived tasks count as deleted; COMPLETED as completed. */
export async function getTaskStatuses(request: PortalRequest, taskIds: string[]): Promise<Map<string, TaskStatus>> {
  const statuses = new Map<string, TaskStatus>();
  const unique = [...new Set(taskIds)];
  for (let i = 0; i < unique.length; i += BATCH_SIZE) {
    const ids = unique.slice(i, i + BATCH_SIZE);
    const response = await request<{ results?: Array<{ id: string; archived?: boolean; properties?: Record<string, string | null> }> }>(
      'tasks.batchRead',
      { method: 'POST', path: objectsPath('tasks', '/batch/read'), body: { properties: ['hs_task_status'], inputs: ids.map((id) => ({ id })) }, allow: [404], expect: batchReadShape(ids) },
    );
    for (const r of response.body?.results ?? []) {
      if (r.archived) continue;
      statuses.set(String(r.id), r.properties?.hs_task_status === 'COMPLETED' ? 'completed' : 'open');
    }
    for (const id of ids) if (!statuses.has(id)) statuses.set(id, 'deleted');
  }
  return statuses;
}

const TASK_KIND_LINE = /(?:^|\n)bant-task: (call_sql|qualify|follow_up|escalate)\s*$/;

/**
 * The app's own tasks on these contacts, recognised by the body's last line `bant-task: KIND` (docs/contract.md §4).
 * Used after a crash between HubSpot creating a task and the app storing its id, so a redo finds the task instead of
 * creating a second one. Associations v4 contact→tasks (≤ 1,000 per call), then a batch read of the task bodies.
 */
export async function findAppTasks(
  request: PortalRequest,
  contactIds: string[],
): Promise<Array<{ taskId: string; contactId: string; kind: TaskKind; status: TaskStatus }>> {
  const links = await readAssociations(request, 'contacts', 'tasks', contactIds);
  const contactOf = new Map<string, string[]>();
  for (const [contactId, tasks] of links) {
    for (const t of tasks) contactOf.set(t.id, [...(contactOf.get(t.id) ?? []), contactId]);
  }
  const found: Array<{ taskId: string; contactId: string; kind: TaskKind; status: TaskStatus }> = [];
  const taskIds = [...contactOf.keys()];
  for (let i = 0; i < taskIds.length; i += BATCH_SIZE) {
    const ids = taskIds.slice(i, i + BATCH_SIZE);
    const response = await request<{ results?: Array<{ id: string; archived?: boolean; properties?: Record<string, string | null> }> }>(
      'tasks.batchRead',
      { method: 'POST', path: objectsPath('tasks', '/batch/read'), body: { properties: ['hs_task_status', 'hs_task_body'], inputs: ids.map((id) => ({ id })) }, allow: [404], expect: batchReadShape(ids) },
    );
    for (const r of response.body?.results ?? []) {
      if (r.archived) continue;
      const kind = TASK_KIND_LINE.exec(r.properties?.hs_task_body ?? '')?.[1] as TaskKind | undefined;
      if (!kind) continue;
      const status: TaskStatus = r.properties?.hs_task_status === 'COMPLETED' ? 'completed' : 'open';
      for (const contactId of contactOf.get(String(r.id)) ?? []) found.push({ taskId: String(r.id), contactId, kind, status });
    }
  }
  return found;
}

/** Status, title and body of tasks (batch read); missing or archived tasks are `deleted` with empty texts. */
export async function readTasks(request: PortalRequest, taskIds: string[]): Promise<Map<string, TaskContent>> {
  const out = new Map<string, TaskContent>();
  const unique = [...new Set(taskIds)];
  for (let i = 0; i < unique.length; i += BATCH_SIZE) {
    const ids = unique.slice(i, i + BATCH_SIZE);
    const response = await request<{ results?: Array<{ id: string; archived?: boolean; properties?: Record<string, string | null> }> }>(
      'tasks.batchRead',
      { method: 'POST', path: objectsPath('tasks', '/batch/read'), body: { properties: ['hs_task_status', 'hs_task_subject', 'hs_task_body'], inputs: ids.map((id) => ({ id })) }, allow: [404] },
    );
    for (const r of response.body?.results ?? []) {
      if (r.archived) continue;
      const p = r.properties ?? {};
      out.set(String(r.id), { status: p.hs_task_status === 'COMPLETED' ? 'completed' : 'open', subject: p.hs_task_subject ?? '', body: p.hs_task_body ?? '' });
    }
    for (const id of ids) if (!out.has(id)) out.set(id, { status: 'deleted', subject: '', body: '' });
  }
  return out;
}

/**
 * POST /crm/objects/2026-03/tasks/batch/update: the ids HubSpot updated. An update sets the same values again when
 * repeated, so a retry is safe. A task deleted meanwhile is reported by HubSpot as not found and left out.
 */
export async function updateTasks(request: PortalRequest, updates: TaskUpdate[]): Promise<Set<string>> {
  const done = new Set<string>();
  for (let i = 0; i < updates.length; i += BATCH_SIZE) {
    const batch = updates.slice(i, i + BATCH_SIZE);
    const response = await request<{ results?: Array<{ id: string }> }>('tasks.batchUpdate', {
      method: 'POST',
      path: objectsPath('tasks', '/batch/update'),
      body: {
        inputs: batch.map((u) => ({
          id: u.taskId,
          properties: {
            ...(u.subject !== undefined ? { hs_task_subject: u.subject } : {}),
            ...(u.body !== undefined ? { hs_task_body: u.body } : {}),
            ...(u.priority !== undefined ? { hs_task_priority: u.priority } : {}),
            ...(u.complete ? { hs_task_status: 'COMPLETED' } : {}),
          },
        })),
      },
      allow: [404],
    });
    for (const r of response.body?.results ?? []) done.add(String(r.id));
  }
  return done;
}
