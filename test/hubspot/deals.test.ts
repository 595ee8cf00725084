import { describe, expect, it } from 'vitest';
import { createDealStageCache, readContactsWithOpenOrWonDeals, readDealStages, stageState } from '../../src/hubspot/deals.ts';
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

describe('contacts with open or won deals', () => {
  it('when contacts have open, won, lost or no deals, then those with an open or won deal are named, by stage metadata', async () => {
    const associations = {
      results: [
        { from: { id: '1' }, to: [{ toObjectId: 11, associationTypes: [{ typeId: 4 }] }] },
        { from: { id: '2' }, to: [{ toObjectId: 21, associationTypes: [{ typeId: 4 }] }] },
        { from: { id: '3' }, to: [{ toObjectId: 21, associationTypes: [{ typeId: 4 }] }, { toObjectId: 31, associationTypes: [{ typeId: 4 }] }] },
      ],
    };
    const deals = {
      results: [
        { id: '11', properties: { dealstage: 'open-stage' } },
        { id: '21', properties: { dealstage: 'lost-stage' } },
        { id: '31', properties: { dealstage: 'won-stage' } },
      ],
    };
    const { request, paths } = fakeRequest([associations, deals]);
    const states = new Map([
      ['open-stage', { pipelineId: 'p', state: 'open' as const }],
      ['lost-stage', { pipelineId: 'p', state: 'lost' as const }],
      ['won-stage', { pipelineId: 'p', state: 'won' as const }],
    ]);
    const found = await readContactsWithOpenOrWonDeals(request, ['1', '2', '3', '4'], async (id) => states.get(id));
    expect([...found].sort()).toEqual(['1', '3']);
    expect(paths).toEqual(['/crm/associations/2026-03/contacts/deals/batch/read', '/crm/objects/2026-03/deals/batch/read']);
  });

  it('when no contact has a deal, then no deal is read', async () => {
    const { request, paths } = fakeRequest([{ results: [] }]);
    expect(await readContactsWithOpenOrWonDeals(request, ['1'], async () => undefined)).toEqual(new Set());
    expect(paths).toHaveLength(1);
  });
});
