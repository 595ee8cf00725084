import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { score } from '../../src/scoring/index.ts';
import { checkPattern, compileSafePatterns, MAX_MATCHED_CHARS, REMEMBERED_ANSWERS, REMEMBERED_CHARS } from '../../src/scoring/safe-pattern.ts';
import { activity, modelWith, NOW, profile } from './fixtures.ts';

describe('safe patterns (linear-time matching)', () => {
  it('when a catastrophic pattern meets 29 "a"s and "!" and 100 KB inputs, then every match ends within a small bound', () => {
    const pattern = compileSafePatterns(['(a+)+$'])!;
    const started = performance.now();
    expect(pattern.test(`${'a'.repeat(29)}!`)).toBe(false);
    pattern.test(`${'a'.repeat(100_000)}!`);
    expect(pattern.test(`${'a'.repeat(31)}!`.repeat(3_200))).toBe(false);
    expect(pattern.test(`${'a'.repeat(50)}`)).toBe(true);
    for (const p of ['(a|aa)*b', '(x+x+)+y', '(.*a){20}']) compileSafePatterns([p])!.test(`${'a'.repeat(100_000)}x`);
    // A backtracking engine needs seconds to hours here (2^29 paths for the first input alone).
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('when a contact with a hostile job title is scored against a model with a catastrophic title pattern, then scoring stays fast', () => {
    const m = modelWith((x) => {
      x.disqualification.student.titlePatterns = ['(a+)+$'];
      x.disqualification.student.formPatterns = ['(a+)+$'];
    });
    const hostile = `${'a'.repeat(29)}!`;
    const started = performance.now();
    for (let i = 0; i < 20; i++) {
      const r = score(profile({ jobtitle: `${'a'.repeat(29 + i)}!` }, null, [activity('form_submission', 1, { title: hostile, url: `https://x.example/${hostile}` })]), m, NOW);
      expect(r.disqualifyReason).not.toBe('student');
    }
    expect(score(profile({ jobtitle: 'aaaa' }), m, NOW).disqualifyReason).toBe('student');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('when one matcher sees many texts, repeated and new, short and long, then every answer equals a fresh match', () => {
    const sources = ['^(ceo|cto)\\b', 'leiter\\s+it', 'x{3}$'];
    const pattern = compileSafePatterns(sources)!;
    const reference = new RegExp(sources.map((p) => `(?:${p})`).join('|'), 'i');
    const pool = ['CEO', 'cto of things', 'Leiter  IT', 'leiter it', 'Head of xxx', 'xx', 'Student'];
    let state = 7;
    const next = () => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state;
    };
    for (let i = 0; i < REMEMBERED_ANSWERS * 3; i += 1) {
      const r = next();
      const text = r % 3 === 0 ? `${pool[r % pool.length]} ${i}${'x'.repeat(r % 5)}` : r % 7 === 0 ? `${'y'.repeat(REMEMBERED_CHARS)}${pool[r % pool.length]}` : (pool[r % pool.length] as string);
      expect(pattern.test(text), text).toBe(reference.test(text));
    }
  });

  it('when text is longer than the bound, then only its start is matched', () => {
    const pattern = compileSafePatterns(['needle'])!;
    expect(pattern.test(`${'x'.repeat(MAX_MATCHED_CHARS - 6)}needle`)).toBe(true);
    expect(pattern.test(`${'x'.repeat(MAX_MATCHED_CHARS)}needle`)).toBe(false);
  });

  it('when patterns use lookarounds or backreferences, then they are refused with the pattern named', () => {
    expect(checkPattern('a(?=b)')).toMatch(/^pattern "a\(\?=b\)" cannot run in linear time: lookarounds/);
    expect(checkPattern('(a)\\1')).toMatch(/backreferences/);
    expect(checkPattern('(unclosed')).toMatch(/not a valid regular expression/);
    expect(checkPattern('^(ceo|cto|geschäftsführer)\\b')).toBeUndefined();
    expect(() => compileSafePatterns(['ok', 'a(?!b)'])).toThrow(/a\(\?!b\)/);
  });

  it('when simple patterns are matched against ordinary text, then the answer equals JavaScript RegExp (case-insensitive)', () => {
    const atom = fc.oneof(
      fc.constantFrom('a', 'b', 'c', 'A', 'ä', 'Ö', 'x', ' ', '-', '.', '\\d', '\\w', '\\s', '[a-c]', '[^b]', '[0-9]'),
      fc.constantFrom('(?:ab)', '(a|b)', '(?:c|ä)'),
    );
    const quantified = fc.tuple(atom, fc.constantFrom('', '', '*', '+', '?', '{2}', '{1,3}')).map(([a, q]) => a + q);
    const patternArb = fc
      .tuple(fc.constantFrom('', '^', '\\b'), fc.array(quantified, { minLength: 1, maxLength: 5 }), fc.constantFrom('', '$', '\\b'))
      .map(([start, body, end]) => start + body.join('') + end);
    const textArb = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', 'B', 'ä', 'Ä', 'ö', 'x', ' ', '-', '.', '1', '7'), maxLength: 24 });
    fc.assert(
      fc.property(patternArb, textArb, (source, text) => {
        expect(checkPattern(source)).toBeUndefined();
        expect(compileSafePatterns([source])!.test(text), `${source} on "${text}"`).toBe(new RegExp(source, 'i').test(text));
      }),
      { numRuns: 2_000 },
    );
  });
});
