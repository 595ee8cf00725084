// German and English (issue 15 item 7): every text exists in both languages with the same parameters.
import { describe, expect, it } from 'vitest';
import { CARD_TEXTS, cardLanguageOf } from '../../card/card-texts.ts';
import { PROPERTY_TEXTS } from '../../src/hubspot/property-texts.ts';
import { LANGUAGES, languageOfLocale, placeholdersOf } from '../../src/scoring/catalogue.ts';
import { MESSAGES } from '../../src/scoring/messages.ts';
import { closedBody, isClosingLine } from '../../src/scoring/task-rules.ts';
import { model } from './fixtures.ts';

const CATALOGUES: Record<string, Record<string, Record<string, string>>> = {
  'src/scoring/messages.ts': MESSAGES.templates,
  'src/hubspot/property-texts.ts': PROPERTY_TEXTS.templates,
  'card/card-texts.ts': CARD_TEXTS,
};

describe('message catalogues', () => {
  for (const [name, byLanguage] of Object.entries(CATALOGUES)) {
    it(`when ${name} is read, then every key exists in English and German with the same parameters and a text`, () => {
      const english = byLanguage.en!;
      const german = byLanguage.de!;
      expect(Object.keys(german).sort()).toEqual(Object.keys(english).sort());
      for (const key of Object.keys(english)) {
        expect(placeholdersOf(german[key]!), `${name} ${key}`).toEqual(placeholdersOf(english[key]!));
        expect(english[key]!.trim(), `${name} ${key} (en)`).not.toBe('');
        expect(german[key]!.trim(), `${name} ${key} (de)`).not.toBe('');
      }
    });
  }

  it('when the app closes a task, then its line starts with the closing prefix of its language, which the sync recognises in either', () => {
    for (const language of LANGUAGES) {
      const say = MESSAGES.templates[language];
      for (const [key, text] of Object.entries(say)) {
        if (!key.startsWith('closed.') || ['closed.prefix', 'closed.disqualifiedAs', 'closed.deciderKnown'].includes(key)) continue;
        expect(text.startsWith(`${say['closed.prefix']} `), `${language} ${key}`).toBe(true);
        expect(isClosingLine(text), `${language} ${key}`).toBe(true);
      }
    }
    expect(isClosingLine('Call now: someone is sales-ready')).toBe(false);
    expect(closedBody('a\nVon der App geschlossen: alt\nbant-task: qualify', 'Closed by the app: new.')).toBe('a\nClosed by the app: new.\nbant-task: qualify');
  });

  it('when a template has parameters, then each is filled and nothing else changes', () => {
    expect(MESSAGES.in('de')('task.callSql.subject', { who: 'Karl Brandt (Brandt GmbH)' })).toBe('Jetzt anrufen: Karl Brandt (Brandt GmbH) ist verkaufsbereit');
    expect(MESSAGES.in('en')('task.callSql.subject', { who: '{who}' })).toBe('Call now: {who} is sales-ready');
    expect(placeholdersOf('a {x} b {y} c {x}')).toEqual(['x', 'y']);
  });

  it('when HubSpot passes a locale, then its language is used if the app has it, else none', () => {
    expect(languageOfLocale('de-DE')).toBe('de');
    expect(languageOfLocale('de')).toBe('de');
    expect(languageOfLocale('en-us')).toBe('en');
    expect(languageOfLocale('fr-FR')).toBeUndefined();
    expect(languageOfLocale(undefined)).toBeUndefined();
    expect(languageOfLocale('deu')).toBeUndefined();
    expect(cardLanguageOf('de-AT')).toBe('de');
    expect(cardLanguageOf('fr')).toBe('en');
    expect(cardLanguageOf('desi')).toBe('en');
    expect(LANGUAGES).toEqual(['en', 'de']);
  });

  it('when the shipped model is read, then every rule label and BANT question has a German wording and the English ones are English only', () => {
    for (const rule of [...model.engagement.rules, ...model.engagement.penalties, ...model.signals.rules]) {
      expect(rule.labels?.de, rule.id).toBeTruthy();
    }
    for (const criterion of ['budget', 'authority', 'need', 'timeline'] as const) {
      expect(model.bant[criterion].questions?.de, criterion).toBeTruthy();
      // Before, the English question carried a German gloss in parentheses: a mixed sentence.
      expect(model.bant[criterion].question).not.toMatch(/\(.*(Budget freigegeben|Wer entscheidet|Welcher Bedarf|Wann soll)/);
    }
  });
});
