// The shortcuts `bant score FILE.jsonl` relies on (bench/score-lines.bench.ts) against the general form each one
// replaces: the same answer for any input, and the same results for generated contacts whatever the shortcuts
// remember from earlier contacts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateOutcomes, OUTCOMES_NOW } from '../../standin/generate-outcomes.ts';
import { fillByReplace, LANGUAGES } from '../../src/scoring/catalogue.ts';
import { compileModel } from '../../src/scoring/compile-model.ts';
import { MESSAGES } from '../../src/scoring/messages.ts';
import { parseModel, score } from '../../src/scoring/index.ts';
import { createDomainMatcher, isInDomains, normaliseDomain, readText, stripToHost } from '../../src/scoring/read-facts.ts';
import { checkPattern, REMEMBERED_ANSWERS, REMEMBERED_CHARS } from '../../src/scoring/safe-pattern.ts';
import { JOB_TITLES } from './job-titles.ts';
import { MODEL_JSON } from './fixtures.ts';

/** A model object of its own: compiled anew, so nothing is remembered from other tests. */
function freshModel() {
  const parsed = parseModel(structuredClone(MODEL_JSON));
  if (!parsed.ok) throw new Error('default model invalid');
  return parsed.model;
}

describe('catalogue texts', () => {
  it('when any template is filled with any parameters, then the cut template gives what the regex replacement gives (property test)', () => {
    const param = fc.oneof(fc.string(), fc.integer(), fc.constantFrom('{n}', '$&', '$1', '{', '}', 'x}{y'));
    for (const language of LANGUAGES) {
      const say = MESSAGES.in(language) as (key: string, params?: Record<string, string | number>) => string;
      const templates = MESSAGES.templates[language] as Record<string, string>;
      for (const key of Object.keys(MESSAGES.templates.en)) {
        const names = [...templates[key]!.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
        const params = fc.dictionary(fc.constantFrom(...names, 'other'), param);
        fc.assert(
          fc.property(fc.option(params, { nil: undefined }), (p) => {
            expect(say(key, p)).toBe(fillByReplace(templates[key]!, p));
          }),
          { numRuns: 20 },
        );
      }
    }
  });
});

describe('fit rules remembered per value', () => {
  const texts = fc.oneof(
    fc.constantFrom(...JOB_TITLES.map(([title]) => title), 'MACHINERY', 'Anlagenbau', 'computer_software', ''),
    fc.string({ maxLength: 12 }),
    fc.string({ minLength: REMEMBERED_CHARS - 2, maxLength: REMEMBERED_CHARS + 30 }).map((s) => `CEO ${s}`),
  );

  it('when values repeat, recur after the memory is cleared or are too long to remember, then the rule is the one a plain search finds (property test)', () => {
    const compiled = compileModel(freshModel());
    fc.assert(
      fc.property(fc.array(texts, { minLength: 1, maxLength: 60 }), (values) => {
        for (const value of [...values, ...values]) {
          expect(compiled.positionRuleFor(value)).toBe(compiled.position.find((r) => r.test(value)));
          expect(compiled.industryRuleFor(value)).toBe(compiled.industry.find((r) => r.test(value)));
        }
      }),
      { numRuns: 200 },
    );
    // More distinct values than are remembered, then the first ones again.
    const many = Array.from({ length: REMEMBERED_ANSWERS + 50 }, (_, i) => `${JOB_TITLES[i % JOB_TITLES.length]![0]} ${i}`);
    for (const value of [...many, ...many.slice(0, 100)]) expect(compiled.positionRuleFor(value)).toBe(compiled.position.find((r) => r.test(value)));
  });
});

describe('pattern checks remembered per source', () => {
  it('when a pattern is checked again, also after the memory was cleared, then the answer is the first one', () => {
    const sources = ['\\bceo\\b', '(a+)+$', '(?=x)y', '(\\w)\\1', '[', 'gesch(ä|ae)ftsf(ü|ue)hr'];
    const first = sources.map(checkPattern);
    expect(first.filter((p) => p !== undefined)).toHaveLength(3);
    for (let i = 0; i < REMEMBERED_ANSWERS + 10; i++) checkPattern(`title ${i}`);
    expect(sources.map(checkPattern)).toEqual(first);
    expect(sources.map(checkPattern)).toEqual(first);
  });
});

describe('property reads', () => {
  it('when a domain is any text, then the shortcut for bare hosts gives what the three replacements give (property test)', () => {
    const domain = fc.oneof(
      fc.string(),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.domain(),
      fc.domain().map((d) => `WWW.${d}`),
      fc.constantFrom('www.example.com', 'Example.COM/', 'mailto:x', 'a\nb/c', '#x', 'www.'),
    );
    fc.assert(
      fc.property(domain, (raw) => {
        expect(normaliseDomain(raw)).toBe(raw === '' ? '' : stripToHost(raw.toLowerCase()));
      }),
      { numRuns: 1000 },
    );
  });

  it('when a name is only inherited, or names a built-in of every object, then it reads as empty', () => {
    const inherited = Object.create({ email: 'someone@example.com' }) as Record<string, string>;
    expect(readText(inherited, 'email')).toBe('');
    expect(readText({ email: ' a@b.de ' }, 'email')).toBe('a@b.de');
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(readText({}, name)).toBe('');
    expect(readText(null, 'email')).toBe('');
  });
});

describe('domain sets', () => {
  it('when any domain is matched against any set, then the matcher answers what the walk over every suffix answers (property test)', () => {
    // Few letters and many dots, so suffixes, empty labels and entries of different label counts meet often.
    const name = fc.stringMatching(/^[ab.]{0,9}$/);
    const domain = fc.oneof(name, fc.domain(), fc.constantFrom('', '.', '..', 'gmail.com', 'mail.gmail.com', 'gmail.com.', '.gmail.com'));
    const sets = fc.oneof(fc.array(name, { maxLength: 6 }), fc.array(fc.domain(), { maxLength: 4 }), fc.constant(['gmail.com', 'de', 'rival.co.uk', '']));
    fc.assert(
      fc.property(sets, fc.array(domain, { minLength: 1, maxLength: 20 }), (entries, domains) => {
        const set = new Set(entries);
        const matches = createDomainMatcher(set);
        for (const d of domains) expect(matches(d)).toBe(isInDomains(d, set));
        // Every entry and every subdomain of one matches.
        for (const e of entries) {
          expect(matches(e)).toBe(isInDomains(e, set));
          expect(matches(`x.${e}`)).toBe(isInDomains(`x.${e}`, set));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('scoring generated contacts', () => {
  it('when contacts are scored after many others, then each result is the one a freshly compiled model gives', () => {
    const examples = generateOutcomes({ seed: 5, count: 400 });
    const warm = freshModel();
    for (const language of LANGUAGES) {
      const warmResults = examples.map((e) => score(e.profile, warm, OUTCOMES_NOW, { language }));
      // Backwards, each with a model of its own: nothing is remembered from any other contact.
      for (let i = examples.length - 1; i >= 0; i -= 7) {
        expect(score(examples[i]!.profile, freshModel(), OUTCOMES_NOW, { language })).toEqual(warmResults[i]);
      }
    }
  });
});
