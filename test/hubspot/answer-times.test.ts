// When each BANT answer was given, from the answer properties' history (accounts: the newest answer wins).
import { describe, expect, it } from 'vitest';
import { readAnswerTimes } from '../../src/hubspot/answer-times.ts';

describe('readAnswerTimes', () => {
  it('when an answer property has history, then its time is the newest entry holding the current value', () => {
    const history = new Map([
      [
        'bant_need_answer',
        [
          { value: 'acute', timestamp: '2026-11-01T10:00:00.000Z' },
          { value: 'latent', timestamp: '2026-11-10T10:00:00.000Z' },
          { value: 'acute', timestamp: '2026-11-20T10:00:00.000Z' },
        ],
      ],
      ['bant_budget_answer', [{ value: 'planned', timestamp: '2026-10-01T00:00:00.000Z' }]],
    ]);
    expect(readAnswerTimes({ bant_need_answer: 'acute', bant_budget_answer: 'approved' }, history)).toEqual({ need: '2026-11-20T10:00:00.000Z' });
  });

  it('when an answer is empty or its timestamps are garbage, then it has no time', () => {
    const history = new Map([['bant_timeline_answer', [{ value: 'lt_3_months', timestamp: 'yesterday' }]]]);
    expect(readAnswerTimes({ bant_timeline_answer: 'lt_3_months', bant_need_answer: '' }, history)).toEqual({});
  });
});
