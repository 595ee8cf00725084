import { describe, expect, it } from 'vitest';
import { calibrationTable, conversionBy, evaluateOutcomes, liftAt, rocAuc } from '../../src/scoring/evaluate.ts';
import type { OutcomeExample } from '../../src/scoring/outcomes.ts';
import { activity, ago, model, profile } from './fixtures.ts';

describe('rocAuc', () => {
  it('when a won and a lost lead tie, then the pair counts half (hand-computed: 5.5 of 6 pairs)', () => {
    // Pairs won × lost: 0.9 beats 0.8, 0.3, 0.1 (3); 0.8 ties 0.8 (0.5) and beats 0.3, 0.1 (2).
    expect(rocAuc([0.9, 0.8, 0.8, 0.3, 0.1], [true, false, true, false, false])).toBeCloseTo(5.5 / 6, 12);
  });

  it('when every score is equal, then the AUC is 0.5', () => {
    expect(rocAuc([3, 3, 3, 3], [true, false, false, true])).toBe(0.5);
  });

  it('when the ranking is perfect or reversed, then the AUC is 1 or 0', () => {
    expect(rocAuc([4, 3, 2, 1], [true, true, false, false])).toBe(1);
    expect(rocAuc([1, 2, 3, 4], [true, true, false, false])).toBe(0);
  });

  it('when only one outcome occurs, then the AUC is undefined (NaN)', () => {
    expect(rocAuc([1, 2], [true, true])).toBeNaN();
  });

  it('when the order of input changes, then the AUC does not (ties in two groups, hand-computed 5.5 of 9)', () => {
    // won 5, 3, 3 vs lost 3, 1, 5: 5>3,5>1,5=5 (2.5); 3=3,3>1,3<5 (1.5) twice → 2.5 + 1.5 + 1.5 = 5.5 of 9.
    const scores = [5, 3, 3, 3, 1, 5];
    const won = [true, true, true, false, false, false];
    expect(rocAuc(scores, won)).toBeCloseTo(5.5 / 9, 12);
    expect(rocAuc([...scores].reverse(), [...won].reverse())).toBeCloseTo(5.5 / 9, 12);
  });
});

describe('liftAt', () => {
  const scores = [5, 4, 3, 2, 1, 0, -1, -2, -3, -4];
  const won = [true, false, true, false, false, false, false, false, false, true];

  it('when the top 10 % is all won, then the lift is 1 over the base rate (hand-computed 1 / 0.3)', () => {
    expect(liftAt(scores, won, 0.1)).toBeCloseTo(1 / 0.3, 12);
    expect(liftAt(scores, won, 0.2)).toBeCloseTo(0.5 / 0.3, 12);
  });

  it('when tied scores straddle the cut, then they count in proportion (2 of 4 tied won, top 2 → 1 won expected)', () => {
    const tiedScores = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0];
    const tiedWon = [false, true, false, true, false, false, false, false, false, false];
    // Overall rate 0.2; the top two of the tied four hold 2 × 2/4 = 1 won → rate 0.5 → lift 2.5, whatever the order.
    expect(liftAt(tiedScores, tiedWon, 0.2)).toBeCloseTo(2.5, 12);
    expect(liftAt(tiedScores, [true, true, false, false, false, false, false, false, false, false], 0.2)).toBeCloseTo(2.5, 12);
  });

  it('when no lead was won, then the lift is undefined (NaN)', () => {
    expect(liftAt([1, 2], [false, false], 0.1)).toBeNaN();
  });
});

describe('calibrationTable and conversionBy', () => {
  it('when ten predictions are given, then each decile holds one, lowest first, with its observed rate', () => {
    const predicted = [0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 1];
    const won = predicted.map((p) => p >= 0.6);
    const table = calibrationTable(predicted, won);
    expect(table.map((b) => b.predicted)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(table.map((b) => b.observed)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(table.every((b) => b.n === 1)).toBe(true);
  });

  it('when keys repeat, then each gets its count, wins and rate, listed cells first and empty ones left out', () => {
    const out = conversionBy(['B', 'A', 'B', 'C'], [true, false, false, true], ['A', 'B', 'Z']);
    expect(Object.keys(out)).toEqual(['A', 'B', 'C']);
    expect(out.B).toEqual({ n: 2, won: 1, rate: 0.5 });
    expect(out.C).toEqual({ n: 1, won: 1, rate: 1 });
  });
});

describe('evaluateOutcomes', () => {
  it('when outcomes are scored, then each is scored at its own time and the report counts conversion per priority and qualification', () => {
    const ceo = profile({ email: 'a@muster.de', jobtitle: 'CEO' }, { numberofemployees: '20000', industry: 'MACHINERY' }, [activity('demo_request', 2)]);
    const nobody = profile({ email: 'b@gmail.com' });
    // The demo request is 2 days before NOW; an outcome as of 10 days before NOW must not see it.
    const examples: OutcomeExample[] = [
      { profile: ceo, outcome: 'won', at: ago(0) },
      { profile: ceo, outcome: 'lost', at: ago(10) },
      { profile: nobody, outcome: 'lost', at: ago(0) },
      { profile: nobody, outcome: 'lost', at: ago(5) },
    ];
    const report = evaluateOutcomes(model, examples);
    expect(report).toMatchObject({ n: 4, won: 1, lost: 3, period: { from: ago(10), to: ago(0) }, modelVersion: model.version });
    expect(report.auc).toBe(1);
    const cells = Object.values(report.priority);
    expect(cells.reduce((s, c) => s + c.n, 0)).toBe(4);
    expect(Object.values(report.qualification).reduce((s, c) => s + c.won, 0)).toBe(1);
    expect(report.lift.top20).toBeCloseTo(4, 6);
  });
});
