import { describe, expect, it } from 'vitest';
import { labelOf, labelsFromStored, pickLabels } from '../../src/scoring/option-labels.ts';

describe('option labels', () => {
  it('when the portal names a label, then it wins; else the app’s own, else the code in words', () => {
    const portal = new Map([['industry', new Map([['MACHINERY', 'Maschinenbau']])]]);
    expect(labelOf(portal, 'industry', 'MACHINERY')).toBe('Maschinenbau');
    expect(labelOf(undefined, 'bant_budget_answer', 'approved')).toBe('Budget approved');
    expect(labelOf(undefined, 'industry', 'MECHANICAL_OR_INDUSTRIAL_ENGINEERING')).toBe('Mechanical or Industrial Engineering');
    expect(labelOf(undefined, 'industry', 'Anlagenbau')).toBe('Anlagenbau');
  });

  it('when labels are kept with a contact, then only its own values are kept and read back', () => {
    const portal = new Map([
      ['industry', new Map([['MACHINERY', 'Machinery'], ['RETAIL', 'Retail']])],
      ['hs_buying_role', new Map([['DECISION_MAKER', 'Decision Maker'], ['CHAMPION', 'Champion'], ['BLOCKER', 'Blocker']])],
    ]);
    const stored = pickLabels(portal, { hs_buying_role: 'DECISION_MAKER;CHAMPION', constructor: 'x' }, { industry: 'MACHINERY' });
    expect(stored).toEqual({ hs_buying_role: { DECISION_MAKER: 'Decision Maker', CHAMPION: 'Champion' }, industry: { MACHINERY: 'Machinery' } });
    expect(labelOf(labelsFromStored(JSON.parse(JSON.stringify(stored))), 'industry', 'MACHINERY')).toBe('Machinery');
    expect(labelOf(labelsFromStored(stored), 'industry', 'toString')).toBe('toString');
  });
});
