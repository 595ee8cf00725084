import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CallCandidate, chooseCallee, explainWaiting, holdCall, waitsForCall } from '../../src/scoring/account-calls.ts';
import type { Priority, TaskDraft } from '../../src/scoring/types.ts';

const ready = (contactId: string, priority: Priority, extra: Partial<CallCandidate> = {}): CallCandidate => ({
  contactId,
  label: `Person ${contactId}, Einkauf`,
  qualification: 'sql',
  priority,
  leadScore: null,
  inLeadProcess: true,
  call: 'none',
  ...extra,
});

describe('chooseCallee', () => {
  it('when several contacts are sales-ready together, then the best priority is called, then the higher lead score, then the lower id', () => {
    expect(chooseCallee([ready('3', 'B1'), ready('2', 'A2'), ready('1', 'B1')])?.contactId).toBe('2');
    expect(chooseCallee([ready('3', 'A1', { leadScore: 60 }), ready('2', 'A1', { leadScore: 80 })])?.contactId).toBe('2');
    expect(chooseCallee([ready('3', 'A1'), ready('2', 'A1')])?.contactId).toBe('2');
  });

  it('when a colleague’s call is already open, then that colleague stays the callee even if a better contact becomes ready', () => {
    expect(chooseCallee([ready('1', 'A1'), ready('2', 'C3', { call: 'open' })])).toEqual({ contactId: '2', label: 'Person 2, Einkauf' });
  });

  it('when the callee’s call was made (closed by a rep) or it left sql, then the next one is called', () => {
    expect(chooseCallee([ready('1', 'A1', { call: 'closed' }), ready('2', 'B2')])?.contactId).toBe('2');
    expect(chooseCallee([ready('1', 'A1', { qualification: 'mql', call: 'open' }), ready('2', 'B2')])?.contactId).toBe('2');
  });

  it('when nobody is sales-ready in the lead process, then nobody is called', () => {
    expect(chooseCallee([ready('1', 'A1', { qualification: 'mql' }), ready('2', 'A1', { inLeadProcess: false })])).toBeNull();
  });

  it('when the candidates come in any order, then the callee is the same, and exactly one of the ready ones is called', () => {
    const candidate = fc.record({
      contactId: fc.integer({ min: 1, max: 30 }).map(String),
      priority: fc.constantFrom<Priority>('A1', 'A2', 'B1', 'B3', 'C2', 'D4'),
      leadScore: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
      call: fc.constantFrom<CallCandidate['call']>('none', 'none', 'open', 'closed'),
      qualification: fc.constantFrom<CallCandidate['qualification']>('sql', 'sql', 'mql'),
    });
    fc.assert(
      fc.property(fc.uniqueArray(candidate, { selector: (c) => c.contactId, maxLength: 8 }), fc.integer(), (list, seed) => {
        const all = list.map((c) => ready(c.contactId, c.priority, c));
        const shuffled = [...all].sort((a, b) => ((Number(a.contactId) * 7919 + seed) % 31) - ((Number(b.contactId) * 7919 + seed) % 31));
        const callee = chooseCallee(all);
        expect(chooseCallee(shuffled)).toEqual(callee);
        const waiting = all.filter((c) => waitsForCall(c, callee));
        const callable = all.filter((c) => c.qualification === 'sql' && c.call !== 'closed');
        if (callable.length > 0) expect(callee).not.toBeNull();
        // Nobody without an open call is called besides the callee.
        for (const c of all) if (c.qualification === 'sql' && c.call === 'none' && c.contactId !== callee?.contactId) expect(waiting).toContain(c);
      }),
    );
  });
});

describe('holdCall', () => {
  it('when a contact waits for a colleague’s call, then its call_sql draft is dropped and its closing line names the colleague', () => {
    const drafts = [{ kind: 'call_sql' }, { kind: 'qualify' }] as TaskDraft[];
    expect(holdCall(drafts).map((d) => d.kind)).toEqual(['qualify']);
    expect(explainWaiting({ contactId: '2', label: 'Karl Brandt, Geschäftsführer' })).toBe(
      'Closed by the app: the contact became sales-ready (sql); Karl Brandt, Geschäftsführer of the same company is being called first (one call per account).',
    );
    expect(waitsForCall({ contactId: '1', qualification: 'sql', call: 'open' }, { contactId: '2', label: 'x' })).toBe(false);
    expect(waitsForCall({ contactId: '2', qualification: 'sql', call: 'none' }, { contactId: '2', label: 'x' })).toBe(false);
  });
});
