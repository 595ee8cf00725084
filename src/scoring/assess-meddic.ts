// MEDDIC assessment (issue 16 part 4): per criterion the answer property decides; without one, economic buyer and
// champion are met when the contact or someone in its buying centre holds one of the criterion's buying roles;
// otherwise unknown (never the same as not_met). Pure: the contact's properties and its account's buying centre in.
import { labelRole, parseBuyingRoles } from './buying-roles.ts';
import { MEDDIC_CRITERIA, type MeddicCriterion, type MeddicModel, meddicAnswerProperty } from './meddic-schema.ts';
import { readText } from './read-facts.ts';
import type { CriterionResult, Evidence, PropertyBag } from './types.ts';

export interface MeddicInput {
  properties: PropertyBag;
  /** The contact's account's buying centre (src/scoring/qualify-account.ts), when it has one. */
  buyingCenter?: ReadonlyArray<{ contactId: string; name: string; roles: readonly string[] }>;
}

export type MeddicResult = Record<MeddicCriterion, CriterionResult> & { criteriaMet: number };

/** Colleagues named as evidence for a role-based criterion. */
const MAX_ROLE_EVIDENCE = 3;

function fromAnswer(criterion: MeddicCriterion, properties: PropertyBag, meddic: MeddicModel): CriterionResult | null {
  const name = meddicAnswerProperty(criterion);
  const value = readText(properties, name);
  if (value === '') return null;
  // The answer picks the key: own keys only, so "constructor" or "__proto__" is no answer.
  const answers = meddic[criterion].answers;
  const key = Object.hasOwn(answers, value) ? value : value.toLowerCase();
  const state = Object.hasOwn(answers, key) ? answers[key] : undefined;
  return state === undefined ? null : { state, evidence: [{ source: 'property', name, value, text: `${name} = ${value}` }] };
}

function fromRoles(roles: readonly string[], input: MeddicInput, criterion: 'economic_buyer' | 'champion'): CriterionResult | null {
  const wanted = new Set(roles);
  const own = parseBuyingRoles(readText(input.properties, 'hs_buying_role')).filter((r) => wanted.has(r));
  if (own.length > 0) return { state: 'met', evidence: own.map((r) => ({ source: 'property', name: 'hs_buying_role', value: r, text: `buying role: ${labelRole(r)}` })) };
  const holders = [...(input.buyingCenter ?? [])]
    .filter((m) => m.roles.some((r) => wanted.has(r)))
    .sort((a, b) => (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0));
  if (holders.length === 0) return null;
  const evidence: Evidence[] = holders.slice(0, MAX_ROLE_EVIDENCE).map((m) => {
    const role = m.roles.find((r) => wanted.has(r)) ?? '';
    return { source: 'property', name: 'hs_buying_role', value: role, text: `${criterion.replace('_', ' ')}: ${m.name} (${labelRole(role)}), via the buying centre` };
  });
  return { state: 'met', evidence };
}

export function assessMeddic(input: MeddicInput, meddic: MeddicModel): MeddicResult {
  const out = {} as Record<MeddicCriterion, CriterionResult>;
  for (const criterion of MEDDIC_CRITERIA) {
    const answered = fromAnswer(criterion, input.properties, meddic);
    const byRole = answered === null && (criterion === 'economic_buyer' || criterion === 'champion') ? fromRoles(meddic[criterion].buyingRoles, input, criterion) : null;
    out[criterion] = answered ?? byRole ?? { state: 'unknown', evidence: [] };
  }
  return { ...out, criteriaMet: MEDDIC_CRITERIA.filter((c) => out[c].state === 'met').length };
}
