import { describe, expect, it } from 'vitest';
import { readLeadPipelines } from '../../src/hubspot/leads.ts';
import type { PortalRequest } from '../../src/hubspot/request.ts';
import { leadPipelinesShape } from '../../src/hubspot/response-shapes.ts';

function fakeRequest(answer: { status: number; body: unknown }): { request: PortalRequest; paths: string[] } {
  const paths: string[] = [];
  const request = (async (_op: string, options: { path: string }) => {
    paths.push(options.path);
    return answer;
  }) as unknown as PortalRequest;
  return { request, paths };
}

const stage = (id: string, displayOrder: number, leadState?: string, isClosed = 'false') => ({ id, label: id, displayOrder, metadata: { isClosed, ...(leadState ? { leadState } : {}) } });

describe('lead pipelines', () => {
  it('when a portal has Leads, then every stage gets its kind from metadata and new leads go to the first pipeline by display order', async () => {
    const { request, paths } = fakeRequest({
      status: 200,
      body: {
        results: [
          { id: 'second', displayOrder: 1, stages: [stage('x1', 0, 'NEW_STAGE_TYPE')] },
          {
            id: 'first',
            displayOrder: 0,
            stages: [stage('a', 0, 'NEW_STAGE_TYPE'), stage('b', 1, 'UNQUALIFIED_STAGE_TYPE', 'true'), stage('c', 2, 'QUALIFIED_STAGE_TYPE', 'true'), stage('d', 3, undefined, 'true')],
          },
        ],
      },
    });
    const pipelines = await readLeadPipelines(request);
    expect(paths).toEqual(['/crm/pipelines/2026-03/leads']);
    expect(pipelines?.defaultPipelineId).toBe('first');
    expect(Object.fromEntries([...(pipelines?.stages ?? [])].map(([id, s]) => [id, `${s.pipelineId}:${s.kind}`]))).toEqual({
      x1: 'second:open',
      a: 'first:open',
      b: 'first:disqualified',
      c: 'first:qualified',
    });
  });

  it('when HubSpot refuses the leads object (403 or 404 with its error body), then the portal has no Leads', async () => {
    for (const status of [403, 404]) expect(await readLeadPipelines(fakeRequest({ status, body: { status: 'error', category: 'MISSING_SCOPES' } }).request)).toBeUndefined();
  });

  it('when the answer is garbled, then the shape check names it, so it is retried and never read as "no Leads"', () => {
    expect(leadPipelinesShape({ results: [{ id: 'p', stages: [{ id: 's' }] }] }, 200)).toBeUndefined();
    expect(leadPipelinesShape({}, 200)).toMatch(/results/);
    expect(leadPipelinesShape({ results: [{ id: 'p' }] }, 200)).toMatch(/stages/);
    expect(leadPipelinesShape({ results: [{ id: 'p', stages: [{}] }] }, 200)).toMatch(/stage/);
    expect(leadPipelinesShape('<html>Forbidden</html>', 403)).toMatch(/403/);
    expect(leadPipelinesShape({ status: 'error', category: 'MISSING_SCOPES' }, 403)).toBeUndefined();
  });
});
