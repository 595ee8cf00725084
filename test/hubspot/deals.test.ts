import { describe, expect, it } from 'vitest';
import { createDealStageCache, readDealStages, stageState } from '../../src/hubspot/deals.ts';
import type { PortalRequest } from '../../src/hubspot/request.ts';

function fakeRequest(answers: unknown[]): { request: PortalRequest; paths: string[] } {
  const paths: string[] = [];
  const request = (async (_op: string, options: { path: string }) => {
    paths.push(options.path);
    return { status: 200, body: answers.shift() };
  }) as unknown as PortalRequest;
  return { request, paths };
}

const pipelines = (stages: Array<[string, string, string]>) => ({
  results: [{ id: 'p1', stages: stages.map(([id, isClosed, probability]) => ({ id, metadata: { isClosed, probability } })) }],
});

describe('deal stages', () => {
  it('when a stage is closed with probability 1 or 0, then it is won or lost, whatever its name; open otherwise', () => {
    expect(stageState({ isClosed: 'true', probability: '1.0' })).toBe('won');
    expect(stageState({ isClosed: 'true', probability: '0.0' })).toBe('lost');
    expect(stageState({ isClosed: 'false', probability: '0.9' })).toBe('open');
    expect(stageState(undefined)).toBe('open');
    expect(() => stageState({ isClosed: 'true', probability: 'high' })).toThrow(/probability/);
  });

  it('when HubSpot answers pipelines without results or stage ids, then it is an error, never "no stages"', async () => {
    await expect(readDealStages(fakeRequest([{}]).request)).rejects.toThrow(/results/);
    await expect(readDealStages(fakeRequest([{ results: [{ id: 'p', stages: [{}] }] }]).request)).rejects.toThrow(/id/);
  });

  it('when a deal names a stage the cache does not know, then the pipelines are read again once; known stages cost nothing', async () => {
    const { request, paths } = fakeRequest([pipelines([['s1', 'true', '1.0']]), pipelines([['s1', 'true', '1.0'], ['s2', 'true', '0.0']])]);
    const stageOf = createDealStageCache(request);
    expect((await stageOf('s1'))?.state).toBe('won');
    expect((await stageOf('s1'))?.state).toBe('won');
    expect(paths).toEqual(['/crm/pipelines/2026-03/deals']);
    expect((await stageOf('s2'))?.state).toBe('lost');
    expect(paths).toHaveLength(2);
  });
});
