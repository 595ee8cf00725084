// The admin API's English messages as the German console shows them: real messages of the model validation and the
// settings route become German, an unknown message stays as it was, and English consoles see them unchanged.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a browser module without types, plain ES module JavaScript
import { translateServerMessage } from '../../src/http/admin/public/server-messages.js';
// @ts-expect-error: a browser module without types, plain ES module JavaScript
import { setLanguage } from '../../src/http/admin/public/texts.js';
import { parseModel } from '../../src/scoring/model-schema.ts';

const defaultModel = () => JSON.parse(readFileSync(new URL('../../config/scoring-model.json', import.meta.url), 'utf8'));

function issuesOf(model: unknown): { path: string; message: string }[] {
  const parsed = parseModel(model);
  if (parsed.ok) throw new Error('expected the model to be invalid');
  return parsed.issues;
}

describe('server messages in the console', () => {
  afterEach(() => setLanguage('en'));

  it('turns the model validation issues an admin makes in the form into German', () => {
    const model = defaultModel();
    model.fit.gradeThresholds.A = 50;
    model.fit.gradeThresholds.C = 0;
    model.fit.rules[0].points = 'high';
    const issues = issuesOf(model);
    setLanguage('de');
    const german = new Map(issues.map((i) => [i.path, translateServerMessage(i.message)]));
    expect(german.get('fit.gradeThresholds.A')).toMatch(/^Klasse A \(50\) muss über Klasse B \(\d+\) liegen, sonst wird Klasse B nie erreicht$/);
    expect(german.get('fit.gradeThresholds.C')).toBe('Klasse C (0) muss über 0 liegen, damit ein Kontakt mit 0 Punkten Klasse D ist');
    expect(german.get('fit.rules[0].points')).toBe('Ungültige Eingabe: erwartet Zahl, erhalten Text');
    for (const issue of issues) expect(translateServerMessage(issue.message), issue.message).not.toBe(issue.message);
  });

  it('turns the errors and settings messages into German, keeps what it does not know, and leaves English alone', () => {
    const english = ['The settings are invalid', 'must be more than 0 hours', 'Too big: expected number to be <=1000', 'The app is no longer installed in portal 4242', 'from must be before to'];
    expect(english.map(translateServerMessage)).toEqual(english);
    setLanguage('de');
    expect(english.map(translateServerMessage)).toEqual([
      'Die Einstellungen sind ungültig',
      'muss mehr als 0 Stunden sein',
      'Zu groß: erwartet höchstens 1000',
      'Die App ist nicht mehr in Portal 4242 installiert',
      '„Von“ muss vor „bis“ liegen',
    ]);
    expect(translateServerMessage('too little data to calibrate: 3 won and 60 lost outcomes; at least 50 of each are needed (47 more won)')).toBe(
      'zu wenige Daten zum Kalibrieren: 3 gewonnene und 60 verlorene Ergebnisse; nötig sind mindestens 50 von jedem (noch 47 gewonnene)',
    );
    expect(translateServerMessage('HubSpot 400 VALIDATION_ERROR: something new')).toBe('HubSpot 400 VALIDATION_ERROR: something new');
    expect(translateServerMessage(undefined)).toBeUndefined();
  });
});
