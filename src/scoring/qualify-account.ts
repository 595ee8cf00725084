// Account qualification (seed 004: in B2B the customer is a company, not a person; seed 000: the buying centre).
// Pure: the company's properties plus its contacts' current results in, docs/contract.md section 3a values out.
// Contacts are sorted by id first, so the order they arrive in never changes the result.
import { answerProperty, type BantResult } from './assess-bant.ts';
import { DEFAULT_LANGUAGE, type Language } from './catalogue.ts';
import { labelRole, parseBuyingRoles, rankRole, roleFromTitle, gradePosition } from './buying-roles.ts';
import { compileModel } from './compile-model.ts';
import { decideQualification } from './decide-qualification.ts';
import type { Disqualification } from './detect-disqualification.ts';
import { formatPoints, formatTenths, roundTenth } from './format-reason.ts';
import { createIsoFormatter } from './iso-time.ts';
import type { ScoringModel } from './model-schema.ts';
import { isInDomains, readFacts } from './read-facts.ts';
import { MESSAGES } from './messages.ts';
import { KNOWN_LABELS } from './option-labels.ts';
import { MAX_EVIDENCE, tierOf } from './score-engagement.ts';
import { scoreFit } from './score-fit.ts';
import { toEpochMs } from './to-epoch-ms.ts';
import {
  CRITERIA,
  type Criterion,
  type CriterionResult,
  type CriterionState,
  type DisqualifyReason,
  type Evidence,
  type Grade,
  type Priority,
  type PropertyBag,
  type Qualification,
  type Reason,
  type ScoringResult,
  type Tier,
} from './types.ts';

/** What the account needs of a contact's current result; `leadScore` only when the contact's model computes one. */
export type AccountContactResult = Pick<ScoringResult, 'fit' | 'engagement' | 'bant' | 'qualification' | 'disqualifyReason'> & {
  leadScore?: number | null;
};

export interface AccountContact {
  id: string;
  /** First and last name; the buying centre falls back to `contact <id>`. */
  name: string;
  jobtitle: string;
  /** `hs_buying_role` as HubSpot stores it (`DECISION_MAKER;CHAMPION`) or already split. */
  buyingRoles: string | readonly string[] | null;
  result: AccountContactResult;
  /** When each answer property was last set (ISO), e.g. from HubSpot's property history; the newest answer wins. */
  answeredAt?: Partial<Record<Criterion, string | null>>;
}

export interface AccountInput {
  /** The company's properties as HubSpot returns them (numberofemployees, industry, annualrevenue, domain). */
  properties: PropertyBag;
  contacts: readonly AccountContact[];
}

/** Where the account's value of a criterion comes from. */
export interface AccountSource {
  contactId: string;
  /** `Karl Brandt, Geschäftsführer` */
  label: string;
  /** The answer value when the criterion was answered (e.g. `approved`), else null. */
  answer: string | null;
  /** When that answer was given (ISO), null when unknown. */
  at: string | null;
}

export interface BuyingCenterMember {
  contactId: string;
  /** `Karl Brandt` (or `contact <id>` without a name). */
  name: string;
  jobtitle: string;
  roles: string[];
  /** True when the roles come from the title only. */
  fromTitle: boolean;
  canDecide: boolean;
  line: string;
}

export interface AccountProperties {
  bant_account_fit_grade: Grade;
  bant_account_engagement_score: string;
  bant_account_engagement_tier: `${Tier}`;
  bant_account_priority: Priority;
  bant_account_budget: CriterionState;
  bant_account_authority: CriterionState;
  bant_account_need: CriterionState;
  bant_account_timeline: CriterionState;
  bant_account_qualification: Qualification;
  /** Only when at least one contact carries a lead score. */
  bant_account_lead_score?: string;
  bant_buying_center: string;
  bant_account_score_reasons: string;
  bant_account_scored_at: string;
}

export interface AccountResult {
  fit: { score: number; grade: Grade };
  engagement: { score: number; tier: Tier };
  priority: Priority;
  bant: BantResult;
  sources: Record<Criterion, AccountSource | null>;
  qualification: Qualification;
  disqualifyReason: DisqualifyReason | null;
  leadScore: number | null;
  reasons: Reason[];
  buyingCenter: BuyingCenterMember[];
  /** Contact ids of the buying centre who can decide (authority met, or a deciding buying role). */
  deciders: string[];
  scoredAt: string;
  properties: AccountProperties;
}

/** Pseudo-leads (seed 002) are no part of the buying centre: their activity and answers do not speak for the company. */
const PSEUDO: ReadonlySet<DisqualifyReason> = new Set<DisqualifyReason>(['competitor', 'student', 'applicant']);
const MAX_BUYING_CENTER_LINES = 50;
const MAX_REASONS = 10;
const STATE_RANK: Record<CriterionState, number> = { met: 3, partial: 2, unknown: 1, not_met: 0 };

const isoOf = createIsoFormatter();

function compareIds(a: AccountContact, b: AccountContact): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function displayName(c: AccountContact, language: Language = DEFAULT_LANGUAGE): string {
  const name = c.name.trim();
  return name === '' ? MESSAGES.in(language)('account.contactId', { id: c.id }) : name;
}

/** `Karl Brandt, Geschäftsführer`, the way inherited evidence names a colleague. */
export function labelContact(c: AccountContact, language: Language = DEFAULT_LANGUAGE): string {
  const title = c.jobtitle.trim();
  return title === '' ? displayName(c, language) : `${displayName(c, language)}, ${title}`;
}

/**
 * An answer value as the account's texts show it: English keeps the value (`approved`, as the account wrote it before
 * it spoke other languages); other languages show the option label (`Budget freigegeben`).
 */
export function wordAnswer(criterion: Criterion, answer: string, language: Language): string {
  if (language === DEFAULT_LANGUAGE) return answer;
  return KNOWN_LABELS[language].get(answerProperty(criterion))?.get(answer) ?? answer;
}

/** A buying role: `decision maker` in English, the role's option label (`Entscheider`) in other languages. */
function wordRole(role: string, language: Language): string {
  if (language === DEFAULT_LANGUAGE) return labelRole(role);
  return KNOWN_LABELS[language].get('hs_buying_role')?.get(role) ?? labelRole(role);
}

function rolesOf(c: AccountContact): string[] {
  return typeof c.buyingRoles === 'string' || c.buyingRoles === null ? parseBuyingRoles(c.buyingRoles) : parseBuyingRoles(c.buyingRoles.join(';'));
}

/** The answer value behind a contact's criterion, null when evidence (not an answer) decided it. */
export function answerOf(result: CriterionResult, criterion: Criterion): string | null {
  const first = result.evidence[0];
  return first !== undefined && first.source === 'property' && first.name === answerProperty(criterion) ? (first.value ?? null) : null;
}

function answerTime(c: AccountContact, criterion: Criterion): number {
  const raw = c.answeredAt && Object.hasOwn(c.answeredAt, criterion) ? c.answeredAt[criterion] : null;
  const ms = raw ? Date.parse(raw) : Number.NaN;
  return Number.isFinite(ms) ? ms : Number.NEGATIVE_INFINITY;
}

function sourceOf(c: AccountContact, answer: string | null, language: Language, criterion?: Criterion): AccountSource {
  const at = criterion === undefined ? Number.NEGATIVE_INFINITY : answerTime(c, criterion);
  return { contactId: c.id, label: labelContact(c, language), answer, at: Number.isFinite(at) ? new Date(at).toISOString() : null };
}

function viaEvidence(c: AccountContact, evidence: readonly Evidence[], language: Language): Evidence[] {
  const say = MESSAGES.in(language);
  const who = labelContact(c, language);
  return evidence.map((e) => ({ ...e, text: say('account.via', { text: e.text, who }) }));
}

interface CriterionRollup {
  result: CriterionResult;
  source: AccountSource | null;
  conflict: string | null;
}

/** Budget, need, timeline: the newest answer across the contacts wins; without answers the best evidence. */
function rollUpAnswered(criterion: Criterion, contacts: readonly AccountContact[], language: Language): CriterionRollup {
  let winner: AccountContact | null = null;
  let winnerAt = Number.NEGATIVE_INFINITY;
  const answered: AccountContact[] = [];
  for (const c of contacts) {
    const own = c.result.bant[criterion];
    if (answerOf(own, criterion) === null) continue;
    answered.push(c);
    const at = answerTime(c, criterion);
    // Newest wins; equal times: the better state, then the lower id (contacts are sorted), so order never matters.
    if (winner === null || at > winnerAt || (at === winnerAt && STATE_RANK[own.state] > STATE_RANK[winner.result.bant[criterion].state])) {
      winner = c;
      winnerAt = at;
    }
  }
  if (winner !== null) {
    const won = winner.result.bant[criterion];
    const answer = answerOf(won, criterion);
    const differing = answered.filter((c) => c.result.bant[criterion].state !== won.state);
    const said = (c: AccountContact, value: string | null) => `${value === null ? value : wordAnswer(criterion, value, language)} (${displayName(c, language)})`;
    const conflict =
      differing.length === 0
        ? null
        : MESSAGES.in(language)('account.conflict', {
            criterion: MESSAGES.in(language)(`criterionInText.${criterion}`),
            winner: said(winner, answer),
            others: differing.map((c) => said(c, answerOf(c.result.bant[criterion], criterion))).join(', '),
          });
    return { result: { state: won.state, evidence: viaEvidence(winner, won.evidence, language) }, source: sourceOf(winner, answer, language, criterion), conflict };
  }
  return rollUpEvidence(criterion, contacts, language);
}

/** The best state across the contacts, with up to MAX_EVIDENCE pieces of its evidence. */
function rollUpEvidence(criterion: Criterion, contacts: readonly AccountContact[], language: Language): CriterionRollup {
  let best: AccountContact | null = null;
  for (const c of contacts) {
    if (best === null || STATE_RANK[c.result.bant[criterion].state] > STATE_RANK[best.result.bant[criterion].state]) best = c;
  }
  if (best === null) return { result: { state: 'unknown', evidence: [] }, source: null, conflict: null };
  const state = best.result.bant[criterion].state;
  const evidence: Evidence[] = [];
  for (const c of contacts) {
    if (evidence.length >= MAX_EVIDENCE) break;
    if (c.result.bant[criterion].state === state) evidence.push(...viaEvidence(c, c.result.bant[criterion].evidence, language));
  }
  if (evidence.length > MAX_EVIDENCE) evidence.length = MAX_EVIDENCE;
  return { result: { state, evidence }, source: state === 'unknown' ? null : sourceOf(best, answerOf(best.result.bant[criterion], criterion), language), conflict: null };
}

/** Someone who can decide: authority met (answered), or a deciding buying role that no answer contradicts. */
function canDecide(c: AccountContact, roles: readonly string[], authorityRoles: ReadonlySet<string>): boolean {
  const authority = c.result.bant.authority;
  if (authority.state === 'met') return true;
  if (answerOf(authority, 'authority') !== null) return false;
  return roles.some((r) => authorityRoles.has(r));
}

function rollUpAuthority(contacts: readonly AccountContact[], deciders: readonly AccountContact[], language: Language): CriterionRollup {
  const say = MESSAGES.in(language);
  const first = deciders[0];
  if (first === undefined) {
    // Nobody known decides: a title or an influencer makes it partial; one "none" answer does not speak for the company.
    const partial = contacts.find((c) => c.result.bant.authority.state === 'partial');
    if (partial) return { result: { state: 'partial', evidence: viaEvidence(partial, partial.result.bant.authority.evidence, language) }, source: sourceOf(partial, answerOf(partial.result.bant.authority, 'authority'), language), conflict: null };
    const unknown = contacts.length === 0 || contacts.some((c) => c.result.bant.authority.state === 'unknown');
    return { result: { state: unknown ? 'unknown' : 'not_met', evidence: [] }, source: null, conflict: null };
  }
  const evidence: Evidence[] = [];
  for (const d of deciders) {
    if (evidence.length >= MAX_EVIDENCE) break;
    const own = d.result.bant.authority;
    const answer = answerOf(own, 'authority');
    const what =
      own.state === 'met'
        ? say('account.criterionValue', { criterion: say('criterionInText.authority'), value: answer === null ? say('state.met') : wordAnswer('authority', answer, language) })
        : say('account.decides');
    const text = say('account.via', { text: what, who: labelContact(d, language) });
    evidence.push({ source: 'property', name: own.evidence[0]?.name ?? 'hs_buying_role', value: own.evidence[0]?.value, text });
  }
  return { result: { state: 'met', evidence }, source: sourceOf(first, answerOf(first.result.bant.authority, 'authority'), language), conflict: null };
}

function describeMember(c: AccountContact, roles: readonly string[], fromTitle: boolean, language: Language): string {
  const labels = roles.map((r) => wordRole(r, language)).join(', ');
  const title = c.jobtitle.trim();
  return `${labels}${fromTitle ? MESSAGES.in(language)('account.byTitle') : ''}: ${displayName(c, language)}${title === '' ? '' : ` (${title})`}`;
}

function buildBuyingCenter(
  contacts: readonly AccountContact[],
  rolesById: ReadonlyMap<string, string[]>,
  deciderIds: ReadonlySet<string>,
  model: ScoringModel,
  language: Language,
): BuyingCenterMember[] {
  const compiled = compileModel(model);
  const members: BuyingCenterMember[] = [];
  for (const c of contacts) {
    let roles = [...(rolesById.get(c.id) ?? [])];
    let fromTitle = false;
    const answer = answerOf(c.result.bant.authority, 'authority');
    if (roles.length === 0 && c.result.bant.authority.state === 'met') roles = ['DECISION_MAKER'];
    else if (roles.length === 0 && answer !== null && c.result.bant.authority.state === 'partial') roles = ['INFLUENCER'];
    if (roles.length === 0) {
      const byTitle = roleFromTitle(gradePosition(c.jobtitle, compiled));
      if (byTitle !== null) {
        roles = [byTitle];
        fromTitle = true;
      }
    }
    if (roles.length === 0) continue;
    roles.sort((a, b) => rankRole(a) - rankRole(b) || (a < b ? -1 : a > b ? 1 : 0));
    members.push({ contactId: c.id, name: displayName(c, language), jobtitle: c.jobtitle.trim(), roles, fromTitle, canDecide: deciderIds.has(c.id), line: describeMember(c, roles, fromTitle, language) });
  }
  // Who decides first, then by role, then as the contacts are sorted (by id).
  return members
    .map((m, i) => ({ m, i }))
    .sort((a, b) => Number(b.m.canDecide) - Number(a.m.canDecide) || Number(a.m.fromTitle) - Number(b.m.fromTitle) || rankRole(a.m.roles[0]!) - rankRole(b.m.roles[0]!) || a.i - b.i)
    .map(({ m }) => m);
}

function formatBuyingCenter(members: readonly BuyingCenterMember[], language: Language): string {
  const lines = members.slice(0, MAX_BUYING_CENTER_LINES).map((m) => m.line);
  if (members.length > MAX_BUYING_CENTER_LINES) lines.push(MESSAGES.in(language)('account.more', { n: members.length - MAX_BUYING_CENTER_LINES }));
  return lines.join('\n');
}

function detectAccountDisqualification(company: PropertyBag, need: CriterionRollup, model: ScoringModel, language: Language): Disqualification | null {
  const compiled = compileModel(model);
  const say = MESSAGES.in(language);
  const facts = readFacts({ properties: {}, company: { properties: company }, activities: [] });
  if (facts.companyDomain !== '' && isInDomains(facts.companyDomain, compiled.competitorDomains))
    return { reason: 'competitor', text: say('disqualify.companyDomain', { domain: facts.companyDomain }) };
  if (facts.employees && facts.employees.value < model.disqualification.noFit.minEmployees)
    return { reason: 'no_fit', text: say('account.employees', { employees: facts.employees.raw }) };
  const needAnswer = need.source?.answer ?? null;
  if (needAnswer !== null && model.disqualification.noNeed.needAnswers.includes(needAnswer)) {
    // English keeps the property and value it always named; other languages show the answer's label, as contacts do.
    const answer = language === DEFAULT_LANGUAGE ? `${answerProperty('need')} = ${needAnswer}` : wordAnswer('need', needAnswer, language);
    return { reason: 'no_need', text: say('account.via', { text: answer, who: need.source!.label }) };
  }
  return null;
}

export function contactEngagementCap(model: ScoringModel): number {
  return model.accounts?.contactEngagementCap ?? model.engagement.tiers['1'];
}

/** `language` words the reasons, the buying centre and the evidence (the installation's language; values never change). */
export function qualifyAccount(input: AccountInput, model: ScoringModel, now: Date | string | number, language: Language = DEFAULT_LANGUAGE): AccountResult {
  const compiled = compileModel(model, language);
  const say = MESSAGES.in(language);
  const scoredAt = isoOf(toEpochMs(now));
  // One entry per contact id (the first after sorting), pseudo-leads left out.
  const contacts: AccountContact[] = [];
  for (const c of [...input.contacts].sort(compareIds)) {
    if (contacts.at(-1)?.id === c.id) continue;
    if (c.result.disqualifyReason !== null && PSEUDO.has(c.result.disqualifyReason)) continue;
    contacts.push(c);
  }
  const rolesById = new Map(contacts.map((c) => [c.id, rolesOf(c)]));
  const deciders = contacts.filter((c) => canDecide(c, rolesById.get(c.id)!, compiled.authorityRoles));

  // Fit: the company's firmographics with the title of the buying centre's highest position.
  let top: AccountContact | null = null;
  let topPoints = -1;
  for (const c of contacts) {
    const rule = c.jobtitle === '' ? undefined : compiled.positionRuleFor(c.jobtitle);
    if (rule && rule.points > topPoints) {
      top = c;
      topPoints = rule.points;
    }
  }
  const fit = scoreFit(readFacts({ properties: { jobtitle: top?.jobtitle ?? '' }, company: { properties: input.properties }, activities: [] }), compiled);
  const fitReasons = fit.reasons.map((r, i) => (i === 0 && fit.positionGrade !== null && top ? { points: r.points, text: say('account.via', { text: r.text, who: displayName(top, language) }) } : r));

  // Engagement: every contact's decayed points, each capped, so one busy contact alone cannot make a hot account.
  const cap = contactEngagementCap(model);
  let total = 0;
  const engagementReasons: Reason[] = [];
  for (const c of contacts) {
    const own = Math.max(0, c.result.engagement.score);
    const share = Math.min(cap, own);
    total += share;
    if (share > 0) engagementReasons.push({ points: roundTenth(share), text: `${say('account.engagement', { points: formatPoints(roundTenth(share)), name: displayName(c, language) })}${own > cap ? say('account.capped', { cap }) : ''}` });
  }
  const engagementScore = roundTenth(total);
  const tier = tierOf(engagementScore, compiled);
  const priority = `${fit.grade}${tier}` as Priority;

  const rollups = {} as Record<Criterion, CriterionRollup>;
  for (const criterion of CRITERIA) rollups[criterion] = criterion === 'authority' ? rollUpAuthority(contacts, deciders, language) : rollUpAnswered(criterion, contacts, language);
  const bant = {
    budget: rollups.budget.result,
    authority: rollups.authority.result,
    need: rollups.need.result,
    timeline: rollups.timeline.result,
    criteriaMet: CRITERIA.filter((c) => rollups[c].result.state === 'met').length,
  };
  const sources = { budget: rollups.budget.source, authority: rollups.authority.source, need: rollups.need.source, timeline: rollups.timeline.source };

  const disqualification = detectAccountDisqualification(input.properties, rollups.need, model, language);
  const qualification = decideQualification(disqualification, bant, priority, compiled);

  let leadScore: number | null = null;
  for (const c of contacts) {
    const s = c.result.leadScore;
    if (typeof s === 'number' && Number.isFinite(s) && (leadScore === null || s > leadScore)) leadScore = s;
  }
  if (leadScore !== null) leadScore = Math.round(Math.min(100, Math.max(0, leadScore)));

  const deciderIds = new Set(deciders.map((d) => d.id));
  const buyingCenter = buildBuyingCenter(contacts, rolesById, deciderIds, model, language);

  const reasons: Reason[] = [];
  if (disqualification) {
    // English keeps the reason's value (`no_fit`) as the account wrote it before it spoke other languages.
    const reason = language === DEFAULT_LANGUAGE ? disqualification.reason : say(`disqualify.${disqualification.reason}`);
    reasons.push({ points: 0, text: say('reason.disqualified', { reason, detail: disqualification.text }) });
  }
  for (const criterion of CRITERIA) {
    const conflict = rollups[criterion].conflict;
    if (conflict) reasons.push({ points: 0, text: conflict });
  }
  if (deciders.length === 0 && contacts.length > 0) reasons.push({ points: 0, text: say('account.noDecider') });
  const ranked = [...fitReasons, ...engagementReasons].map((r, i) => ({ r, i })).sort((a, b) => Math.abs(b.r.points) - Math.abs(a.r.points) || a.i - b.i);
  for (const { r } of ranked) {
    if (reasons.length >= MAX_REASONS) break;
    reasons.push(r);
  }

  const properties: AccountProperties = {
    bant_account_fit_grade: fit.grade,
    bant_account_engagement_score: formatTenths(engagementScore),
    bant_account_engagement_tier: `${tier}`,
    bant_account_priority: priority,
    bant_account_budget: bant.budget.state,
    bant_account_authority: bant.authority.state,
    bant_account_need: bant.need.state,
    bant_account_timeline: bant.timeline.state,
    bant_account_qualification: qualification,
    bant_buying_center: formatBuyingCenter(buyingCenter, language),
    bant_account_score_reasons: reasons.map((r) => r.text).join('\n'),
    bant_account_scored_at: scoredAt,
  };
  if (leadScore !== null) properties.bant_account_lead_score = String(leadScore);

  return {
    fit: { score: fit.score, grade: fit.grade },
    engagement: { score: engagementScore, tier },
    priority,
    bant,
    sources,
    qualification,
    disqualifyReason: disqualification?.reason ?? null,
    leadScore,
    reasons,
    buyingCenter,
    deciders: deciders.map((d) => d.id),
    scoredAt,
    properties,
  };
}

