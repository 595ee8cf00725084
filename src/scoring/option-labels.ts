// Labels, not codes: reasons, evidence, the card and task bodies show what HubSpot shows a person, the option label
// of an enumeration value ("Budget approved", "Mechanical or Industrial Engineering", "Decision maker"), not its
// internal value. The portal's labels come from its property definitions (read by the HubSpot adapter); without them
// the app's own answer options and HubSpot's standard buying roles have known labels.

import { DEFAULT_LANGUAGE, type Language, LANGUAGES } from './catalogue.ts';
import { knownOptionKeys, MESSAGES } from './messages.ts';
import { REMEMBERED_ANSWERS, REMEMBERED_CHARS } from './safe-pattern.ts';

/** Property name → option value → label. */
export type OptionLabels = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** The properties whose values appear in reasons and evidence. */
export const LABELLED_PROPERTIES = {
  contact: ['bant_budget_answer', 'bant_authority_answer', 'bant_need_answer', 'bant_timeline_answer', 'hs_buying_role', 'industry'],
  company: ['industry'],
} as const;

/**
 * The app's answer options and HubSpot's default buying roles, per language (src/scoring/messages.ts). The app's own
 * properties are labelled by the app in the installation's language, so their labels come from the catalogue even
 * when the portal's (possibly other-language) labels are known; HubSpot's properties keep the portal's labels.
 */
export const KNOWN_LABELS: Readonly<Record<Language, OptionLabels>> = Object.fromEntries(
  LANGUAGES.map((language) => {
    const say = MESSAGES.in(language);
    const byProperty = new Map<string, Map<string, string>>();
    for (const [property, values] of knownOptionKeys()) byProperty.set(property, new Map([...values].map(([value, key]) => [value, say(key)])));
    return [language, byProperty];
  }),
) as unknown as Record<Language, OptionLabels>;

function isAppProperty(property: string): boolean {
  return property.startsWith('bant_');
}

const SNAKE_CODE = /^[A-Z0-9]+(?:_[A-Z0-9]+)+$/;
const SMALL_WORDS = new Set(['and', 'or', 'of', 'the', 'for', 'in', 'to']);

/** wordCode's answers, as in SafePattern: values repeat across contacts; cleared when full. */
const wordedCodes = new Map<string, string>();

/** `MECHANICAL_OR_INDUSTRIAL_ENGINEERING` → `Mechanical or Industrial Engineering` when no label is known. */
function wordCode(value: string): string {
  if (value.length > REMEMBERED_CHARS) return wordCodeAnew(value);
  let worded = wordedCodes.get(value);
  if (worded === undefined) {
    worded = wordCodeAnew(value);
    if (wordedCodes.size >= REMEMBERED_ANSWERS) wordedCodes.clear();
    wordedCodes.set(value, worded);
  }
  return worded;
}

function wordCodeAnew(value: string): string {
  if (!SNAKE_CODE.test(value)) return value;
  return value
    .toLowerCase()
    .split('_')
    .map((w, i) => (i > 0 && SMALL_WORDS.has(w) ? w : `${w.charAt(0).toUpperCase()}${w.slice(1)}`))
    .join(' ');
}

/** The label a person sees for `value` of `property`: the portal's, else a known one, else the value in words. */
export function labelOf(labels: OptionLabels | undefined, property: string, value: string, language: Language = DEFAULT_LANGUAGE): string {
  const known = KNOWN_LABELS[language].get(property)?.get(value);
  if (known !== undefined && isAppProperty(property)) return known;
  return labels?.get(property)?.get(value) ?? known ?? wordCode(value);
}

/** A labeller bound to one portal's labels. */
export type Labeller = (property: string, value: string) => string;

export function labellerFor(labels: OptionLabels | undefined, language: Language = DEFAULT_LANGUAGE): Labeller {
  return (property, value) => labelOf(labels, property, value, language);
}

export const DEFAULT_LABELLER: Labeller = labellerFor(undefined);

/** Labels as stored with a contact (JSON): property → value → label, for the contact's own values only. */
export type StoredLabels = Record<string, Record<string, string>>;

function addValue(out: StoredLabels, labels: OptionLabels, property: string, raw: string | null | undefined): void {
  if (!raw) return;
  // Multi-select values (hs_buying_role) are `;`-separated.
  for (const value of raw.split(';')) {
    const label = labels.get(property)?.get(value);
    if (label === undefined) continue;
    if (!Object.hasOwn(out, property)) out[property] = {};
    (out[property] as Record<string, string>)[value] = label;
  }
}

/** The labels of the values this contact (and its company) has, to keep with its snapshot. */
export function pickLabels(
  labels: OptionLabels,
  contact: Record<string, string | null | undefined>,
  company: Record<string, string | null | undefined> | null | undefined,
): StoredLabels {
  const out: StoredLabels = {};
  for (const name of LABELLED_PROPERTIES.contact) addValue(out, labels, name, Object.hasOwn(contact, name) ? contact[name] : undefined);
  for (const name of LABELLED_PROPERTIES.company) addValue(out, labels, name, company && Object.hasOwn(company, name) ? company[name] : undefined);
  return out;
}

/** Stored labels back as a lookup (own properties only). */
export function labelsFromStored(stored: StoredLabels | undefined): OptionLabels | undefined {
  if (!stored) return undefined;
  return new Map(Object.entries(stored).map(([property, values]) => [property, new Map(Object.entries(values))]));
}
