// The account's `find_decision_maker` task (docs/contract.md section 4), associated with the company: task→company is
// HubSpot-defined association type 192 (191 the other direction; docs/hubspot-platform.md, associations).
// The app's tasks are found in HubSpot by the body's last line `bant-task: find_decision_maker`, so a redo after a
// crash finds the task instead of creating a second one.
import type { AccountTaskDraft } from '../scoring/draft-account-tasks.ts';
import { objectsPath } from './api-paths.ts';
import { readAssociations } from './associations.ts';
import type { TaskStatus } from './portal-client.ts';
import type { PortalRequest } from './request.ts';
import { batchReadShape, batchWriteShape } from './response-shapes.ts';

export const TASK_TO_COMPANY = 192;
const BATCH_SIZE = 100;
const KIND_LINE = /(?:^|\n)bant-task: find_decision_maker\s*$/;

export interface CompanyTask {
  taskId: string;
  companyId: string;
  status: TaskStatus;
  body: string;
}

/** The app's find_decision_maker tasks on these companies: associations companies→tasks, then a batch read of the bodies. */
export async function findCompanyTasks(request: PortalRequest, companyIds: string[]): Promise<CompanyTask[]> {
  if (companyIds.length === 0) return [];
  const links = await readAssociations(request, 'companies', 'tasks', companyIds);
  const companyOf = new Map<string, string>();
  for (const [companyId, tasks] of links) for (const t of tasks) companyOf.set(t.id, companyId);
  const found: CompanyTask[] = [];
  const taskIds = [...companyOf.keys()];
  for (let i = 0; i < taskIds.length; i += BATCH_SIZE) {
    const ids = taskIds.slice(i, i + BATCH_SIZE);
    const response = await request<{ results?: Array<{ id: string; archived?: boolean; properties?: Record<string, string | null> }> }>('tasks.batchRead', {
      method: 'POST',
      path: objectsPath('tasks', '/batch/read'),
      body: { properties: ['hs_task_status', 'hs_task_body'], inputs: ids.map((id) => ({ id })) },
      allow: [404],
      expect: batchReadShape(ids),
    });
    for (const r of response.body?.results ?? []) {
      const body = r.properties?.hs_task_body ?? '';
      if (r.archived || !KIND_LINE.test(body)) continue;
      found.push({ taskId: String(r.id), companyId: companyOf.get(String(r.id))!, status: r.properties?.hs_task_status === 'COMPLETED' ? 'completed' : 'open', body });
    }
  }
  return found;
}

export async function createCompanyTasks(request: PortalRequest, tasks: Array<{ companyId: string; ownerId: string | null; draft: AccountTaskDraft }>): Promise<string[]> {
  const created: string[] = [];
  for (let i = 0; i < tasks.length; i += BATCH_SIZE) {
    const chunk = tasks.slice(i, i + BATCH_SIZE);
    // POST /crm/objects/2026-03/tasks/batch/create; not idempotent, so a timeout or 5xx is not retried blindly.
    const response = await request<{ results?: Array<{ id: string }> }>('tasks.batchCreate', {
      method: 'POST',
      path: objectsPath('tasks', '/batch/create'),
      idempotent: false,
      body: {
        inputs: chunk.map(({ companyId, ownerId, draft }) => ({
          properties: {
            hs_timestamp: draft.dueAt,
            hs_task_subject: draft.subject,
            hs_task_body: draft.body,
            hs_task_priority: draft.priority,
            hs_task_status: 'NOT_STARTED',
            hs_task_type: 'TODO',
            ...(ownerId ? { hubspot_owner_id: ownerId } : {}),
          },
          associations: [{ to: { id: companyId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: TASK_TO_COMPANY }] }],
        })),
      },
      expect: batchWriteShape,
    });
    for (const r of response.body?.results ?? []) created.push(String(r.id));
  }
  return created;
}

/** Completes the tasks, with `why` as the last-but-one body line (docs/contract.md section 4). */
export async function completeCompanyTasks(request: PortalRequest, tasks: CompanyTask[], why: string): Promise<void> {
  for (let i = 0; i < tasks.length; i += BATCH_SIZE) {
    const chunk = tasks.slice(i, i + BATCH_SIZE);
    await request('tasks.batchUpdate', {
      method: 'POST',
      path: objectsPath('tasks', '/batch/update'),
      body: {
        inputs: chunk.map((t) => {
          const lines = t.body.split('\n');
          lines.splice(lines.length - 1, 0, why);
          return { id: t.taskId, properties: { hs_task_status: 'COMPLETED', hs_task_body: lines.join('\n') } };
        }),
      },
      expect: batchWriteShape,
    });
  }
}
