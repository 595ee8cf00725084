// The admin API answers in English (its clients are scripts as much as this console). The console shows the
// messages an admin meets (errors, validation issues of the settings and the model) in German by these patterns; a
// message no pattern knows stays as the API wrote it.
import { currentLanguage } from './texts.js';

const TYPE = { number: 'Zahl', int: 'ganze Zahl', string: 'Text', boolean: 'ja/nein', undefined: 'nichts', null: 'null', object: 'Objekt', array: 'Liste', nan: 'keine Zahl' };
const type = (t) => (Object.hasOwn(TYPE, t) ? TYPE[t] : t);
const NOUN = { grade: 'Klasse', tier: 'Stufe' };
const noun = (n) => (Object.hasOwn(NOUN, n) ? NOUN[n] : n);

/** [English message as a pattern, German wording of its parts]. */
const GERMAN = [
  // Errors
  [/^The app is no longer installed in portal (\d+)$/, (p) => `Die App ist nicht mehr in Portal ${p} installiert`],
  [/^The settings are invalid$/, () => 'Die Einstellungen sind ungültig'],
  [/^The draft model is invalid$/, () => 'Der Modellentwurf ist ungültig'],
  [/^No draft model$/, () => 'Kein Modellentwurf'],
  [/^There is no draft$/, () => 'Es gibt keinen Entwurf'],
  [/^there is no draft; save one first$/, () => 'es gibt keinen Entwurf; speichern Sie zuerst einen'],
  [/^No model version "(.+)" in this portal's history$/, (v) => `Keine Modellversion „${v}“ im Verlauf dieses Portals`],
  [/^Version "(.+)" no longer validates; open it as a draft and fix it$/, (v) => `Version „${v}“ ist nicht mehr gültig; öffnen Sie sie als Entwurf und korrigieren Sie sie`],
  [/^Type a name, an e-mail address or a contact id$/, () => 'Geben Sie einen Namen, eine E-Mail-Adresse oder eine Kontakt-ID ein'],
  [/^The search is longer than (\d+) characters$/, (n) => `Die Suche ist länger als ${n} Zeichen`],
  [/^(from|to) must be a date like (\S+)$/, (f, d) => `${f === 'from' ? '„Von“' : '„bis“'} muss ein Datum wie ${d} sein`],
  [/^from must be before to$/, () => '„Von“ muss vor „bis“ liegen'],
  [/^The range may span at most (\d+) days$/, (n) => `Der Zeitraum darf höchstens ${n} Tage umfassen`],
  [/^request failed \((\d+)\)$/, (s) => `Anfrage fehlgeschlagen (${s})`],
  // Calibration
  [/^too little data to calibrate: (\d+) won and (\d+) lost outcomes; at least (\d+) of each are needed \((.+)\)$/, (won, lost, min, missing) =>
    `zu wenige Daten zum Kalibrieren: ${won} gewonnene und ${lost} verlorene Ergebnisse; nötig sind mindestens ${min} von jedem (${missing.replace(/(\d+) more won/, 'noch $1 gewonnene').replace(/(\d+) more lost/, 'noch $1 verlorene').replace(' and ', ' und ')})`],
  [/^the earlier (\d+) outcomes used for fitting hold (\d+) won and (\d+) lost: too few of one kind to fit and cross-validate \(the later (\d+) are held out\)$/, (n, won, lost, test) =>
    `die früheren ${n} Ergebnisse zum Anpassen enthalten ${won} gewonnene und ${lost} verlorene: zu wenige einer Art zum Anpassen und Kreuzvalidieren (die späteren ${test} werden zurückgehalten)`],
  // Settings
  [/^Leads are not used: the optional scopes (\S+) and (\S+) were not granted \(the portal has no Leads, which needs Sales Hub Professional or Enterprise, or the admin did not grant them\)\. After an upgrade, reinstall the app to grant them\.$/, (read, write) =>
    `Leads werden nicht genutzt: Die optionalen Berechtigungen ${read} und ${write} wurden nicht erteilt (das Portal hat keine Leads, dafür braucht es Sales Hub Professional oder Enterprise, oder der Admin hat sie nicht erteilt). Installieren Sie die App nach einem Upgrade neu, um sie zu erteilen.`],
  [/^A private app's token does not say whether the portal has Leads: if it has none, HubSpot refuses the first lead call and the app leaves leads alone\.$/, () =>
    'Das Token einer privaten App verrät nicht, ob das Portal Leads hat: Hat es keine, lehnt HubSpot den ersten Lead-Aufruf ab, und die App lässt Leads in Ruhe.'],
  [/^Leads are not available in this portal$/, () => 'In diesem Portal gibt es keine Leads'],
  [/^must be more than 0 hours$/, () => 'muss mehr als 0 Stunden sein'],
  [/^at most 336 hours \(two weeks\)$/, () => 'höchstens 336 Stunden (zwei Wochen)'],
  [/^must be a whole number$/, () => 'muss eine ganze Zahl sein'],
  [/^expected a HubSpot owner id \(digits\)$/, () => 'erwartet eine HubSpot-Besitzer-ID (Ziffern)'],
  [/^expected HH:MM \(24 h\), e\.g\. (\S+)$/, (t) => `erwartet HH:MM (24 h), z. B. ${t}`],
  [/^at least one working day$/, () => 'mindestens ein Arbeitstag'],
  [/^the working day must end after it starts$/, () => 'der Arbeitstag muss nach seinem Beginn enden'],
  // The model
  [/^(grade|tier) (\w+) \(([^)]*)\) must be above (?:grade|tier) (\w+) \(([^)]*)\), or (?:grade|tier) \w+ can never be reached$/, (n, a, x, b, y) => `${noun(n)} ${a} (${x}) muss über ${noun(n)} ${b} (${y}) liegen, sonst wird ${noun(n)} ${b} nie erreicht`],
  [/^(grade|tier) (\w+) \(([^)]*)\) must be above 0, so a contact that scores 0 is (?:grade|tier) (\w+)$/, (n, a, x, b) => `${noun(n)} ${a} (${x}) muss über 0 liegen, damit ein Kontakt mit 0 Punkten ${noun(n)} ${b} ist`],
  [/^version "(.+)" is already used; give the draft a new version$/, (v) => `Version „${v}“ ist schon vergeben; geben Sie dem Entwurf eine neue Version`],
  [/^expected points other than 0$/, () => 'erwartet Punkte ungleich 0'],
  [/^expected a lower-case domain such as "(.+)"$/, (d) => `erwartet eine Domain in Kleinbuchstaben wie „${d}“`],
  [/^expected snake_case, e\.g\. "(.+)"$/, (id) => `erwartet snake_case, z. B. „${id}“`],
  [/^a range needs min or max$/, () => 'ein Bereich braucht min oder max'],
  [/^a rule with negative points cannot be corroborated$/, () => 'eine Regel mit negativen Punkten kann nicht bestätigt werden'],
  [/^duplicate rule id "(.+)"$/, (id) => `doppelte Regel-ID „${id}“`],
  [/^duplicate signal id "(.+)"$/, (id) => `doppelte Signal-ID „${id}“`],
  [/^no engagement rule has id "(.+)"$/, (id) => `keine Engagement-Regel hat die ID „${id}“`],
  [/^expected maxCount ≥ minCount$/, () => 'erwartet maxCount ≥ minCount'],
  [/^pattern "(.*)" is not a valid regular expression: (.*)$/s, (p, why) => `Muster „${p}“ ist kein gültiger regulärer Ausdruck: ${why}`],
  [/^pattern "(.*)" cannot run in linear time: (.*)$/s, (p, why) => `Muster „${p}“ läuft nicht in linearer Zeit: ${why}`],
  // Zod's own words
  [/^Invalid input: expected (\w+), received (\w+)$/, (a, b) => `Ungültige Eingabe: erwartet ${type(a)}, erhalten ${type(b)}`],
  [/^Invalid input$/, () => 'Ungültige Eingabe'],
  [/^Too small: expected (?:number|int) to be (>=?)(.+)$/, (op, v) => `Zu klein: erwartet ${op === '>' ? 'mehr als' : 'mindestens'} ${v}`],
  [/^Too big: expected (?:number|int) to be (<=?)(.+)$/, (op, v) => `Zu groß: erwartet ${op === '<' ? 'weniger als' : 'höchstens'} ${v}`],
  [/^Too small: expected (?:array|set) to have >=(\d+) items?$/, (n) => `Zu wenige Einträge: mindestens ${n}`],
  [/^Too big: expected (?:array|set) to have <=(\d+) items?$/, (n) => `Zu viele Einträge: höchstens ${n}`],
  [/^Too small: expected string to have >=(\d+) characters?$/, (n) => `Zu kurz: mindestens ${n} Zeichen`],
  [/^Too big: expected string to have <=(\d+) characters?$/, (n) => `Zu lang: höchstens ${n} Zeichen`],
  [/^Unrecognized keys?: (.+)$/, (keys) => `Unbekannte Angabe: ${keys}`],
];

/** A message of the admin API in the console's language. */
export function translateServerMessage(message) {
  if (typeof message !== 'string' || currentLanguage() !== 'de') return message;
  for (const [pattern, german] of GERMAN) {
    const match = pattern.exec(message);
    if (match) return german(...match.slice(1));
  }
  return message;
}
