// MEDDIC assessment (issue 16 part 4): per criterion the answer property decides; without one, economic buyer and
// champion are met when the contact or someone in its buying centre holds one of the criterion's buying roles;
// otherwise unknown (never the same as not_met). Pure: the contact's properties and its account's buying centre in.
import { parseBuyingRoles } from './buying-roles.ts';
import type { CompiledModel } from './compile-model.ts';
import { formatAgeTail } from './format-reason.ts';
import { MEDDIC_CRITERIA, type MeddicCriterion, type MeddicModel, meddicAnswerProperty, meddicStateProperty } from './meddic-schema.ts';
import { DEFAULT_LANGUAGE, type Language } from './catalogue.ts';
import { MESSAGES } from './messages.ts';
import { type Labeller, labellerFor } from './option-labels.ts';
import { readText } from './read-facts.ts';
import { MAX_EVIDENCE, matchRule } from './score-engagement.ts';
import { toEpochMs } from './to-epoch-ms.ts';
import type { ScoringModel } from './model-schema.ts';
import type { Activity, CriterionResult, CriterionState, Evidence, Profile, PropertyBag, ScoringResult } from './types.ts';

export interface MeddicInput {
  properties: PropertyBag;
  /** The contact's account's buying centre (src/scoring/qualify-account.ts), when it has one. */
  buyingCenter?: ReadonlyArray<{ contactId: string; name: string; roles: readonly string[] }>;
  /** The contact's activities with the compiled model and the scoring time, for the criteria's evidence rules. */
  activities?: readonly Activity[];
  compiled?: CompiledModel;
  nowMs?: number;
  /** The language of the evidence texts (default English) and the portal's option labels. */
  language?: Language;
  label?: Labeller;
}

const DAY_MS = 86_400_000;

/** Recent activities of the criterion's evidence rules, newest first: partial, never more (the answer decides). */
function fromActivities(criterion: MeddicCriterion, input: MeddicInput, meddic: MeddicModel): CriterionResult | null {
  const { evidenceRules, withinDays } = meddic[criterion];
  const { activities, compiled, nowMs } = input;
  if (evidenceRules.length === 0 || !activities || !compiled || nowMs === undefined) return null;
  const wanted = new Set(evidenceRules);
  const matches: Array<{ atMs: number; label: string; activity: Activity }> = [];
  for (const activity of activities) {
    const entry = compiled.byType.get(activity.type);
    if (!entry) continue;
    const slot = entry.fixedIndex >= 0 ? entry.fixedIndex : matchRule(entry.rules, activity);
    const rule = slot >= 0 ? compiled.engagementRules[slot] : undefined;
    if (!rule || !wanted.has(rule.id)) continue;
    const atMs = Date.parse(activity.at);
    if (!Number.isFinite(atMs) || atMs > nowMs || nowMs - atMs > withinDays * DAY_MS) continue;
    matches.push({ atMs, label: rule.labelOpen, activity });
  }
  if (matches.length === 0) return null;
  // Newest first, ties by type and label, so the activities' order never changes the evidence.
  matches.sort((a, b) => b.atMs - a.atMs || (a.activity.type < b.activity.type ? -1 : a.activity.type > b.activity.type ? 1 : 0) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const evidence: Evidence[] = matches.slice(0, MAX_EVIDENCE).map((m) => ({ source: 'activity', name: m.activity.type, at: m.activity.at, text: m.label + formatAgeTail(nowMs - m.atMs, false) }));
  return { state: 'partial', evidence };
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

/** A total order, so the buying centre's order never changes the evidence. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fromRoles(roles: readonly string[], input: MeddicInput, criterion: 'economic_buyer' | 'champion'): CriterionResult | null {
  const wanted = new Set(roles);
  const language = input.language ?? DEFAULT_LANGUAGE;
  const say = MESSAGES.in(language);
  const label = input.label ?? labellerFor(undefined, language);
  const labelRole = (role: string) => label('hs_buying_role', role);
  const own = parseBuyingRoles(readText(input.properties, 'hs_buying_role')).filter((r) => wanted.has(r));
  if (own.length > 0) return { state: 'met', evidence: own.map((r) => ({ source: 'property', name: 'hs_buying_role', value: r, text: say('evidence.buyingRole', { role: labelRole(r) }) })) };
  const holders = [...(input.buyingCenter ?? [])]
    .filter((m) => m.roles.some((r) => wanted.has(r)))
    .sort((a, b) => compareText(a.contactId, b.contactId) || compareText(a.name, b.name) || compareText(a.roles.join(';'), b.roles.join(';')));
  if (holders.length === 0) return null;
  const evidence: Evidence[] = holders.slice(0, MAX_ROLE_EVIDENCE).map((m) => {
    const role = m.roles.find((r) => wanted.has(r)) ?? '';
    return { source: 'property', name: 'hs_buying_role', value: role, text: say('meddic.viaBuyingCenter', { criterion: say(`meddic.criterion.${criterion}`), name: m.name, role: labelRole(role) }) };
  });
  return { state: 'met', evidence };
}

export function assessMeddic(input: MeddicInput, meddic: MeddicModel): MeddicResult {
  const out = {} as Record<MeddicCriterion, CriterionResult>;
  for (const criterion of MEDDIC_CRITERIA) {
    const answered = fromAnswer(criterion, input.properties, meddic);
    const byRole = answered === null && (criterion === 'economic_buyer' || criterion === 'champion') ? fromRoles(meddic[criterion].buyingRoles, input, criterion) : null;
    out[criterion] = answered ?? byRole ?? fromActivities(criterion, input, meddic) ?? { state: 'unknown', evidence: [] };
  }
  return { ...out, criteriaMet: MEDDIC_CRITERIA.filter((c) => out[c].state === 'met').length };
}

/** Whether the model's MEDDIC outcome rules make the contact sql, nurture, or leave it to the priority cells. */
export function decideMeddic(result: MeddicResult, meddic: MeddicModel): 'sql' | 'nurture' | null {
  if (meddic.qualification.sqlRequires.every((c) => result[c].state === 'met')) return 'sql';
  if (meddic.qualification.notReadyWhen.some((c) => result[c].state === 'not_met')) return 'nurture';
  return null;
}

export type MeddicProperties = Record<`meddic_${MeddicCriterion}`, CriterionState> & { meddic_criteria_met: string; meddic_summary: string };

/** The values written to the contact's meddic_* properties. */
export function meddicProperties(result: MeddicResult, meddic: MeddicModel, language: Language = DEFAULT_LANGUAGE): MeddicProperties {
  const say = MESSAGES.in(language);
  const out = {} as Record<`meddic_${MeddicCriterion}`, CriterionState>;
  for (const c of MEDDIC_CRITERIA) out[meddicStateProperty(c)] = result[c].state;
  const open = MEDDIC_CRITERIA.filter((c) => result[c].state !== 'met').map((c) => {
    const criterion = say(`meddic.criterion.${c}`);
    const state = result[c].state;
    return state === 'unknown' ? say('meddic.openUnknown', { criterion, question: meddic[c].question }) : say('meddic.openState', { criterion, state: say(`state.${state}`) });
  });
  const head = say('meddic.summary', { met: result.criteriaMet, total: MEDDIC_CRITERIA.length });
  return { ...out, meddic_criteria_met: String(result.criteriaMet), meddic_summary: open.length ? `${head} ${say('meddic.open', { items: open.join(', ') })}` : head };
}

/**
 * A MEDDIC contact reassessed with its account's buying centre (placeInAccount): undefined for a BANT model;
 * `changed` when a colleague's role moved a state.
 */
export function assessMeddicInAccount(
  result: ScoringResult,
  profile: Profile,
  buyingCenter: MeddicInput['buyingCenter'],
  model: ScoringModel,
  compiled: CompiledModel,
  now: Date | string | number,
  language: Language = DEFAULT_LANGUAGE,
): { result: MeddicResult; verdict: 'sql' | 'nurture' | null; properties: MeddicProperties; changed: boolean } | undefined {
  if (!result.meddic || model.framework !== 'meddic' || !model.meddic) return undefined;
  const before = result.meddic;
  const input: MeddicInput = { properties: profile.properties, activities: profile.activities, compiled, nowMs: toEpochMs(now), language };
  const meddic = assessMeddic(buyingCenter ? { ...input, buyingCenter } : input, model.meddic);
  return {
    result: meddic,
    verdict: decideMeddic(meddic, model.meddic),
    properties: meddicProperties(meddic, model.meddic, language),
    changed: MEDDIC_CRITERIA.some((c) => meddic[c].state !== before[c].state),
  };
}
