// The card's own words in English and German. The card follows the viewing user's locale (context.user.locale in the
// UI extensions SDK) and the backend answers in the same language (`language` in its payload). Self-contained: the
// card is bundled from this folder alone. test/scoring/catalogue.test.ts checks that both languages have every key
// with the same parameters.

export type CardLanguage = 'en' | 'de';

export const CARD_TEXTS = {
  en: {
    loading: 'Loading the BANT score',
    failed: 'The BANT score could not be loaded',
    answered: 'The BANT scoring app answered {status}.',
    notScored: 'Not scored yet',
    notInLeadProcess: 'Not in the lead process',
    'outcome.sql': 'SQL: sales-ready',
    'outcome.mql': 'MQL: marketing-qualified',
    'outcome.nurture': 'Nurture: not ready yet',
    'outcome.disqualified': 'Disqualified',
    'state.met': 'Met',
    'state.partial': 'Partly met',
    'state.not_met': 'Not met',
    'state.unknown': 'Unknown',
    noEvidence: 'No evidence yet',
    fitGrade: 'Fit grade',
    fitScore: 'score {score} of 100',
    engagementTier: 'Engagement tier',
    engagementPoints: '{score} points',
    priority: 'Priority',
    criteriaMet: '{met} of 4 BANT criteria met',
    checklist: 'BANT checklist',
    meddicChecklist: 'MEDDIC checklist',
    meddicCriteriaMet: '{met} of 6 MEDDIC criteria met',
    topReasons: 'Top reasons',
    noReasons: 'No scoring contributions yet.',
    openTasks: 'Open tasks from the app',
    taskDue: '{task}: due {when}',
    overdue: ' (overdue)',
    noTasks: 'No open tasks.',
    recentChanges: 'Recent changes',
    scoredBy: 'Scored {when} UTC by model {version}',
    newerModel: ' (a newer model is active; the contact is being rescored)',
  },
  de: {
    loading: 'BANT-Bewertung wird geladen',
    failed: 'Die BANT-Bewertung konnte nicht geladen werden',
    answered: 'Die App BANT-Lead-Scoring antwortete mit {status}.',
    notScored: 'Noch nicht bewertet',
    notInLeadProcess: 'Nicht im Lead-Prozess',
    'outcome.sql': 'SQL: verkaufsbereit',
    'outcome.mql': 'MQL: marketingqualifiziert',
    'outcome.nurture': 'In Pflege: noch nicht so weit',
    'outcome.disqualified': 'Disqualifiziert',
    'state.met': 'Erfüllt',
    'state.partial': 'Teilweise erfüllt',
    'state.not_met': 'Nicht erfüllt',
    'state.unknown': 'Unbekannt',
    noEvidence: 'Noch keine Hinweise',
    fitGrade: 'Fit-Note',
    fitScore: 'Wert {score} von 100',
    engagementTier: 'Engagement-Stufe',
    engagementPoints: '{score} Punkte',
    priority: 'Priorität',
    criteriaMet: '{met} von 4 BANT-Kriterien erfüllt',
    checklist: 'BANT-Checkliste',
    meddicChecklist: 'MEDDIC-Checkliste',
    meddicCriteriaMet: '{met} von 6 MEDDIC-Kriterien erfüllt',
    topReasons: 'Wichtigste Gründe',
    noReasons: 'Noch keine Beiträge zur Bewertung.',
    openTasks: 'Offene Aufgaben der App',
    taskDue: '{task}: fällig {when}',
    overdue: ' (überfällig)',
    noTasks: 'Keine offenen Aufgaben.',
    recentChanges: 'Letzte Änderungen',
    scoredBy: 'Bewertet am {when} UTC von Modell {version}',
    newerModel: ' (ein neueres Modell ist aktiv; der Kontakt wird neu bewertet)',
  },
} as const satisfies Record<CardLanguage, Record<string, string>>;

export type CardTextKey = keyof (typeof CARD_TEXTS)['en'];

/** The card's language for a locale as HubSpot passes it (`de-DE`, `en-us`); English for any other. */
export function cardLanguageOf(locale: string | undefined | null): CardLanguage {
  return typeof locale === 'string' && /^de(?:[-_]|$)/i.test(locale.trim()) ? 'de' : 'en';
}

export function cardText(language: CardLanguage, key: CardTextKey, params: Record<string, string | number> = {}): string {
  return (CARD_TEXTS[language] as Record<CardTextKey, string>)[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** Dates as the language writes them, in UTC like the rest of the card. */
export function formatWhen(iso: string, language: CardLanguage = 'en'): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(language === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
}
