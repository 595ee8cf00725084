// Completes tasks the app created that no longer apply (docs/contract.md section 4: the last-but-one body line says why).
// The body is read first so the reason goes in above the `bant-task: KIND` line, which stays last.
import { objectsPath } from './api-paths.ts';
import { batchRead } from './read-contacts.ts';
import type { PortalRequest } from './request.ts';

const BATCH_SIZE = 100;

/** Ids of the tasks completed now; tasks already completed or gone are left alone. */
export async function completeTasks(request: PortalRequest, taskIds: string[], reason: string): Promise<string[]> {
  const ids = [...new Set(taskIds)];
  const done: string[] = [];
  for (let i = 0; i < ids.length; i += BATCH_SIZE) {
    const tasks = await batchRead(request, 'tasks', ids.slice(i, i + BATCH_SIZE), ['hs_task_status', 'hs_task_body']);
    const open = [...tasks].filter(([, t]) => t.properties.hs_task_status !== 'COMPLETED');
    if (open.length === 0) continue;
    // POST /crm/objects/2026-03/tasks/batch/update
    await request('tasks.batchUpdate', {
      method: 'POST',
      path: objectsPath('tasks', '/batch/update'),
      body: { inputs: open.map(([id, t]) => ({ id, properties: { hs_task_status: 'COMPLETED', hs_task_body: withReason(t.properties.hs_task_body ?? '', reason) } })) },
    });
    done.push(...open.map(([id]) => id));
  }
  return done;
}

/** The reason becomes the last-but-one line; the `bant-task:` line stays last. */
export function withReason(body: string, reason: string): string {
  const lines = body.split('\n');
  const last = lines.at(-1) ?? '';
  if (!last.startsWith('bant-task:')) return `${body}\n${reason}`;
  return [...lines.slice(0, -1), reason, last].join('\n');
}
