// Labels, not codes: reasons, evidence, the card and task bodies show what HubSpot shows a person, the option label
// of an enumeration value ("Budget approved", "Mechanical or Industrial Engineering", "Decision maker"), not its
// internal value. The portal's labels come from its property definitions (read by the HubSpot adapter); without them
// the app's own answer options and HubSpot's standard buying roles have known labels.

/** Property name → option value → label. */
export type OptionLabels = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** The properties whose values appear in reasons and evidence. */
export const LABELLED_PROPERTIES = {
  contact: ['bant_budget_answer', 'bant_authority_answer', 'bant_need_answer', 'bant_timeline_answer', 'hs_buying_role', 'industry'],
  company: ['industry'],
} as const;

/** The app's answer options (the labels it creates them with) and HubSpot's default buying roles. */
export const KNOWN_LABELS: OptionLabels = new Map([
  ['bant_budget_answer', new Map([['approved', 'Budget approved'], ['planned', 'Budget planned'], ['none', 'No budget']])],
  ['bant_authority_answer', new Map([['decision_maker', 'Decision maker'], ['influencer', 'Influencer'], ['none', 'No say in the decision']])],
  ['bant_need_answer', new Map([['acute', 'Acute need'], ['latent', 'Latent need'], ['none', 'No need']])],
  [
    'bant_timeline_answer',
    new Map([['lt_3_months', 'Within 3 months'], ['3_6_months', 'In 3 to 6 months'], ['6_12_months', 'In 6 to 12 months'], ['gt_12_months', 'In more than 12 months']]),
  ],
  [
    'hs_buying_role',
    new Map([
      ['BLOCKER', 'Blocker'],
      ['BUDGET_HOLDER', 'Budget holder'],
      ['CHAMPION', 'Champion'],
      ['DECISION_MAKER', 'Decision maker'],
      ['END_USER', 'End user'],
      ['EXECUTIVE_SPONSOR', 'Executive sponsor'],
      ['INFLUENCER', 'Influencer'],
      ['LEGAL_AND_COMPLIANCE', 'Legal and compliance'],
      ['OTHER', 'Other'],
    ]),
  ],
]);

const SNAKE_CODE = /^[A-Z0-9]+(?:_[A-Z0-9]+)+$/;
const SMALL_WORDS = new Set(['and', 'or', 'of', 'the', 'for', 'in', 'to']);

/** `MECHANICAL_OR_INDUSTRIAL_ENGINEERING` → `Mechanical or Industrial Engineering` when no label is known. */
function wordCode(value: string): string {
  if (!SNAKE_CODE.test(value)) return value;
  return value
    .toLowerCase()
    .split('_')
    .map((w, i) => (i > 0 && SMALL_WORDS.has(w) ? w : `${w.charAt(0).toUpperCase()}${w.slice(1)}`))
    .join(' ');
}

/** The label a person sees for `value` of `property`: the portal's, else a known one, else the value in words. */
export function labelOf(labels: OptionLabels | undefined, property: string, value: string): string {
  return labels?.get(property)?.get(value) ?? KNOWN_LABELS.get(property)?.get(value) ?? wordCode(value);
}

/** A labeller bound to one portal's labels. */
export type Labeller = (property: string, value: string) => string;

export function labellerFor(labels: OptionLabels | undefined): Labeller {
  return (property, value) => labelOf(labels, property, value);
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
