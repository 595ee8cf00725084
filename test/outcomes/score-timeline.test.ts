import { describe, expect, it } from 'vitest';
import { scoreChangeOf } from '../../src/outcomes/score-history.ts';
import { buildTimeline } from '../../src/outcomes/score-timeline.ts';
import { score } from '../../src/scoring/index.ts';
import type { OutcomeRecord, ScoreChange } from '../../src/store/store.ts';
import { loadDefaultModel } from '../ui/console-fixtures.ts';

const change = (at: string, extra: Partial<ScoreChange> = {}): ScoreChange => ({
  at,
  modelVersion: 'm1',
  qualification: 'nurture',
  priority: 'B3',
  leadScore: '40',
  budget: 'unknown',
  authority: 'partial',
  need: 'unknown',
  timeline: 'unknown',
  reasons: ['+40 fit: position "CEO" (A)', '+10 webinar registration'],
  evidence: { authority: 'jobtitle "CEO" (position A)' },
  ...extra,
});

describe('score history entries', () => {
  it('when a contact is scored, then the change keeps its reasons and evidence without their ages', () => {
    const at = Date.parse('2026-11-10T09:00:00Z');
    const result = score(
      { properties: { jobtitle: 'CEO', bant_budget_answer: 'approved' }, company: null, activities: [{ type: 'webinar_registration', at: '2026-11-07T09:00:00.000Z', title: 'Webinar' }] },
      loadDefaultModel(),
      at,
    );
    const entry = scoreChangeOf(result);
    expect(result.reasons.some((r) => / \(3 d ago\)$/.test(r.text))).toBe(true);
    expect(entry.reasons).toEqual(result.reasons.map((r) => r.text.replace(/ \(3 d ago\)$/, '')));
    expect(entry.evidence?.budget).toBe('Budget approved');
  });
});

describe('timeline', () => {
  it('when the outcome, a BANT state and the reasons change, then the entry names each move, the new evidence and the reasons that came or went', () => {
    const history = [
      change('2026-11-03T09:00:00.000Z'),
      change('2026-11-10T09:00:00.000Z', {
        qualification: 'sql',
        leadScore: '70',
        budget: 'met',
        modelVersion: 'm2',
        reasons: ['+40 fit: position "CEO" (A)', '+25 demo booking', '+8.3 webinar registration'],
        evidence: { budget: 'Budget approved', authority: 'jobtitle "CEO" (position A)' },
      }),
    ];
    const [newest, first] = buildTimeline(history, []);
    expect(newest).toEqual({
      kind: 'score',
      at: '2026-11-10T09:00:00.000Z',
      modelVersion: 'm2',
      first: false,
      newModel: true,
      moves: [
        { field: 'qualification', from: 'nurture', to: 'sql' },
        { field: 'leadScore', from: '40', to: '70' },
        { field: 'budget', from: 'unknown', to: 'met', evidence: 'Budget approved' },
      ],
      gained: ['+25 demo booking', '+8.3 webinar registration'],
      dropped: [],
    });
    expect(first).toMatchObject({ kind: 'score', first: true, newModel: false, gained: history[0]?.reasons });
    expect(first?.kind === 'score' && first.moves.map((m) => m.field)).toEqual(['qualification', 'priority', 'leadScore', 'budget', 'authority', 'need', 'timeline']);
  });

  it('when entries were recorded before reasons were kept, then nothing is said to be gone; outcomes sort in by time, before a score of the same time', () => {
    const old = change('2026-11-01T09:00:00.000Z', { reasons: undefined });
    const next = change('2026-11-05T09:00:00.000Z', { priority: 'A2' });
    const lost: OutcomeRecord = { portalId: 1, contactId: '1', outcome: 'lost', at: '2026-11-05T09:00:00.000Z', source: 'feedback', criterion: 'budget', competitor: 'Wettbewerber AG', recordedAt: '2026-11-05T09:00:00.000Z' };
    const entries = buildTimeline([old, next], [lost]);
    expect(entries.map((e) => e.kind)).toEqual(['outcome', 'score', 'score']);
    expect(entries[0]).toEqual({ kind: 'outcome', at: lost.at, outcome: 'lost', source: 'feedback', criterion: 'budget', competitor: 'Wettbewerber AG' });
    expect(entries[1]).toMatchObject({ moves: [{ field: 'priority', from: 'B3', to: 'A2' }], dropped: [] });
  });

  it('when the installation switched language between two entries, then the reasons are not listed as gained or gone but the switch is named', () => {
    const model = loadDefaultModel();
    const profile = { properties: { jobtitle: 'CEO' }, company: null, activities: [{ type: 'webinar_registration' as const, at: '2026-11-07T09:00:00.000Z', title: 'Webinar' }] };
    const english = scoreChangeOf(score(profile, model, Date.parse('2026-11-08T09:00:00Z'), { language: 'en' }), 'en');
    const german = scoreChangeOf(score({ ...profile, properties: { ...profile.properties, bant_budget_answer: 'approved' } }, model, Date.parse('2026-11-09T09:00:00Z'), { language: 'de' }), 'de');
    expect(german.language).toBe('de');
    expect(german.reasons?.some((r) => english.reasons?.includes(r))).toBe(false);
    const [switched] = buildTimeline([english, german], []);
    expect(switched).toMatchObject({ kind: 'score', gained: [], dropped: [], languageChanged: 'de' });
    expect(switched?.kind === 'score' && switched.moves.some((m) => m.field === 'budget')).toBe(true);
    // Without a recorded language (older entries) the texts are compared as before.
    const [compared] = buildTimeline([{ ...english, language: undefined }, german], []);
    expect(compared).toMatchObject({ kind: 'score' });
    expect(compared?.kind === 'score' && compared.gained.length).toBeGreaterThan(0);
    expect(compared).not.toHaveProperty('languageChanged');
  });
});
