import { describe, expect, it } from 'vitest';
import { parseModel } from '../../src/scoring/index.ts';
import { MODEL_JSON, model } from './fixtures.ts';

function withChange(change: (json: Record<string, unknown>) => void): unknown {
  const json = structuredClone(MODEL_JSON);
  change(json);
  return json;
}

describe('parseModel', () => {
  it('when the shipped default model is parsed, then it is valid and carries its version and task settings', () => {
    expect(model.version).toBe('2026.2-default');
    expect(model.mqlCells).toEqual(['A1', 'A2', 'B1', 'B2']);
    expect(model.tasks).toEqual({
      description: expect.any(String),
      callSlaHours: 1,
      qualifyDueDays: 2,
      followUpDays: 180,
      escalationGraceHours: 4,
      escalationOwnerId: null,
      dailyBudgetPerRep: 25,
    });
  });

  it('when an admin reads a rule, then its description says what it means and where the default comes from, without internal source ids', () => {
    const rules = [...model.fit.rules, ...model.engagement.rules, ...model.engagement.penalties];
    for (const rule of rules) {
      expect(rule.description).toMatch(/Default: /);
      expect(rule.description).not.toMatch(/seed/i);
    }
    expect(JSON.stringify(MODEL_JSON)).not.toMatch(/seed \d{3}/);
  });

  it('when a rule has a wrong type, then the issue names its path like fit.rules[3].points', () => {
    const result = parseModel(
      withChange((json) => {
        ((json.fit as { rules: Array<Record<string, unknown>> }).rules[3] as Record<string, unknown>).points = 'forty';
      }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toEqual([{ path: 'fit.rules[3].points', message: expect.stringMatching(/expected number/) }]);
  });

  it('when several things are wrong, then every error is reported with its path', () => {
    const result = parseModel(
      withChange((json) => {
        delete json.version;
        (json.engagement as { tiers: unknown }).tiers = { 1: 'hot' };
        (json.tasks as Record<string, unknown>).callSlaHours = -1;
        json.unexpected = true;
      }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      const paths = result.issues.map((i) => i.path);
      expect(paths).toEqual(expect.arrayContaining(['version', 'engagement.tiers.1', 'engagement.tiers.2', 'tasks.callSlaHours', '']));
      expect(result.issues.find((i) => i.path === '')?.message).toMatch(/unexpected/);
    }
  });

  it('when a pattern is not a regular expression, then the issue points at it', () => {
    const result = parseModel(
      withChange((json) => {
        ((json.disqualification as Record<string, { titlePatterns: string[] }>).student as { titlePatterns: string[] }).titlePatterns[0] = '(unclosed';
      }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues).toHaveLength(1);
      expect(result.issues[0]).toMatchObject({ path: 'disqualification.student.titlePatterns[0]', message: expect.stringMatching(/^pattern "\(unclosed" is not a valid regular expression/) });
    }
  });

  it('when a pattern needs backtracking (lookaround, backreference), then the issue names the pattern and why', () => {
    const result = parseModel(
      withChange((json) => {
        const student = (json.disqualification as Record<string, { titlePatterns: string[] }>).student as { titlePatterns: string[] };
        student.titlePatterns = ['werkstudent(?!in)', '(stud)\\1', '(?<=dual)er'];
      }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues.map((i) => i.path)).toEqual(['disqualification.student.titlePatterns[0]', 'disqualification.student.titlePatterns[1]', 'disqualification.student.titlePatterns[2]']);
      expect(result.issues[0]?.message).toMatch(/^pattern "werkstudent\(\?!in\)" cannot run in linear time: lookarounds/);
      expect(result.issues[1]?.message).toMatch(/^pattern "\(stud\)\\1" cannot run in linear time: backreferences/);
      expect(result.issues[2]?.message).toMatch(/lookarounds/);
    }
  });

  it('when BANT evidence names an unknown rule or a rule id repeats, then both are reported', () => {
    const result = parseModel(
      withChange((json) => {
        const engagement = json.engagement as { rules: Array<{ id: string }> };
        engagement.rules[1]!.id = engagement.rules[0]!.id;
        (json.bant as { need: { evidenceRules: string[] } }).need.evidenceRules = ['no_such_rule'];
      }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues).toEqual(
        expect.arrayContaining([
          { path: 'engagement.rules[1].id', message: 'duplicate rule id "pricing_page"' },
          { path: 'bant.need.evidenceRules[0]', message: 'no engagement rule has id "no_such_rule"' },
        ]),
      );
    }
  });

  it('when grade thresholds are out of order, then the model is rejected at the threshold that leaves a grade empty', () => {
    const result = parseModel(withChange((json) => ((json.fit as Record<string, unknown>).gradeThresholds = { A: 40, B: 60, C: 80 })));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.path)).toEqual(['fit.gradeThresholds.A', 'fit.gradeThresholds.B']);
  });

  it('when grade A equals grade B, then the model is rejected because grade B could never be reached', () => {
    const result = parseModel(withChange((json) => ((json.fit as Record<string, unknown>).gradeThresholds = { A: 60, B: 60, C: 40 })));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toEqual([{ path: 'fit.gradeThresholds.A', message: 'grade A (60) must be above grade B (60), or grade B can never be reached' }]);
  });

  it('when grade C is 0, then the model is rejected because a contact that scores 0 would not be grade D', () => {
    const result = parseModel(withChange((json) => ((json.fit as Record<string, unknown>).gradeThresholds = { A: 60, B: 30, C: 0 })));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.path).toBe('fit.gradeThresholds.C');
  });

  it('when thresholds are out of order and another part of the model has a type error, then both are reported at once', () => {
    const result = parseModel(
      withChange((json) => {
        (json.fit as Record<string, unknown>).gradeThresholds = { A: 50, B: 60, C: 40 };
        (json.engagement as { tiers: unknown }).tiers = { 1: 20, 2: 50, 3: 25 };
        (json.tasks as Record<string, unknown>).callSlaHours = 'soon';
      }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.path).sort()).toEqual(['engagement.tiers.1', 'fit.gradeThresholds.A', 'tasks.callSlaHours']);
  });

  it('when an engagement rule is wrong, then the path names the rule by its id, not its position', () => {
    const result = parseModel(
      withChange((json) => {
        const rules = (json.engagement as { rules: Array<Record<string, unknown>> }).rules;
        const pricing = rules.find((r) => r.id === 'pricing_page');
        if (pricing) pricing.points = 0;
      }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toEqual([{ path: 'engagement.rules[pricing_page].points', message: 'expected points other than 0' }]);
  });

  it('when optional settings are left out, then the defaults apply (call SLA 1 h, MQL cells A1 A2 B1 B2)', () => {
    const result = parseModel(
      withChange((json) => {
        delete json.mqlCells;
        delete json.$schema;
        json.tasks = {};
      }),
    );
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.model.tasks.callSlaHours).toBe(1);
      expect(result.model.tasks.escalationOwnerId).toBeNull();
      expect(result.model.mqlCells).toEqual(['A1', 'A2', 'B1', 'B2']);
    }
  });

  it('when an MQL cell is not a priority, then it is rejected', () => {
    const result = parseModel(withChange((json) => (json.mqlCells = ['A1', 'E9'])));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.path).toBe('mqlCells[1]');
  });
});
