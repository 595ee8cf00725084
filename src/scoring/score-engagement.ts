// Implicit scoring (seed 002's points table plus seed 003): each activity counts for the first rule it
// matches, halves every half-life up to `now` (seed 003: this week beats six months ago) and every rule
// stops at its cap, so repetition alone cannot make a lead hot.
import type { CompiledEngagementRule, CompiledModel, CompiledTypeEntry } from './compile-model.ts';
import { formatAgeTail, type ReasonLeads, reasonLead, roundTenth } from './format-reason.ts';
import { parseIsoTime } from './parse-iso-time.ts';
import type { Activity, Tier } from './types.ts';

/** An activity that matched a rule (not a penalty): BANT evidence. */
export interface ActivityMatch {
  rule: CompiledEngagementRule;
  atMs: number;
  activity: Activity;
}

/** One activity's share of the score; worded only if it makes the top reasons (scoring is hot, wording is not). */
export interface Contribution {
  points: number;
  /** The rule's or penalty's reason starts. */
  leads: ReasonLeads;
  ageMs: number;
  capped: boolean;
}

export interface EngagementResult {
  /** Decayed points, rounded to one decimal, never below 0. */
  score: number;
  tier: Tier;
  contributions: Contribution[];
  /**
   * The newest (at most MAX_EVIDENCE) matches of the model's need / timeline evidence rules within
   * bant.need.withinDays / bant.timeline.withinDays, newest first.
   */
  needMatches: ActivityMatch[];
  timelineMatches: ActivityMatch[];
}

/** Most activities a criterion cites as evidence. */
export const MAX_EVIDENCE = 3;

export function describeContribution(c: Contribution): string {
  // `+25 webinar registration (3 d ago)`: `+25 webinar registration (` then `3 d ago)`, each worded once.
  return reasonLead(c.leads, c.points) + formatAgeTail(c.ageMs, c.capped, c.leads.language);
}

/** The index of the first of `rules` the activity's url or title matches, -1 for none. */
export function matchRule(rules: CompiledEngagementRule[], activity: Activity): number {
  for (const rule of rules) {
    if (rule.pattern === null) return rule.index;
    if ((activity.url !== undefined && rule.pattern.test(activity.url)) || (activity.title !== undefined && rule.pattern.test(activity.title)))
      return rule.index;
  }
  return -1;
}

// Scratch space reused by every call instead of one object per activity: per activity its time (NaN when it
// does not count: unparseable or after `now`) and the rule or penalty it counts for; then the order in which
// the counted ones are tallied, with their times. scoreEngagement is synchronous and writes every entry it
// reads before reading it, so nothing carries over from one call to the next.
let times = new Float64Array(64);
let slots = new Int32Array(64);
let order = new Int32Array(64);
let orderTimes = new Float64Array(64);
let tally = new Float64Array(16);

function reserve(activities: number, tallies: number): void {
  if (times.length < activities) {
    const size = Math.max(activities, times.length * 2);
    times = new Float64Array(size);
    slots = new Int32Array(size);
    order = new Int32Array(size);
    orderTimes = new Float64Array(size);
  }
  if (tally.length < tallies) tally = new Float64Array(Math.max(tallies, tally.length * 2));
}

/** Whether an activity of the corroborating types happened within the window of `atMs` (before or after). */
function isCorroborated(atMs: number, rule: CompiledEngagementRule, activities: readonly Activity[]): boolean {
  const c = rule.corroboration!;
  for (let j = 0; j < activities.length; j++) {
    // NaN (not counted) fails the comparison.
    if (Math.abs(times[j]! - atMs) <= c.withinMs && c.types.has(activities[j]!.type)) return true;
  }
  return false;
}

export function scoreEngagement(activities: readonly Activity[], compiled: CompiledModel, nowMs: number): EngagementResult {
  const n = activities.length;
  reserve(n, compiled.tallyCount);
  const byType = compiled.byType;

  // Classify, and keep the activities that count for a rule or penalty in input order.
  let counted = 0;
  for (let i = 0; i < n; i++) {
    const activity = activities[i]!;
    const atMs = parseIsoTime(activity.at);
    // Activities after `now` had not happened yet at the scoring time (e.g. `bant score --at` in the past).
    if (!(atMs <= nowMs)) {
      times[i] = Number.NaN;
      continue;
    }
    times[i] = atMs;
    const entry: CompiledTypeEntry | undefined = byType.get(activity.type);
    if (entry === undefined) continue;
    const slot = entry.fixedIndex >= 0 ? entry.fixedIndex : matchRule(entry.rules, activity);
    if (slot < 0) continue;
    slots[i] = slot;
    // Insertion, newest first; equal times keep input order.
    let j = counted++;
    while (j > 0 && orderTimes[j - 1]! < atMs) {
      order[j] = order[j - 1]!;
      orderTimes[j] = orderTimes[j - 1]!;
      j--;
    }
    order[j] = i;
    orderTimes[j] = atMs;
  }

  // Newest first, so a rule's cap is filled by its most recent activities.
  const ruleCount = compiled.engagementRules.length;
  tally.fill(0, 0, compiled.tallyCount);
  const contributions: Contribution[] = [];
  const needMatches: ActivityMatch[] = [];
  const timelineMatches: ActivityMatch[] = [];
  const needWindowMs = compiled.needWindowMs;
  const timelineWindowMs = compiled.timelineWindowMs;
  let total = 0;
  for (let q = 0; q < counted; q++) {
    const i = order[q]!;
    const atMs = orderTimes[q]!;
    const ageMs = nowMs - atMs;
    const slot = slots[i]!;
    if (slot < ruleCount) {
      const rule = compiled.engagementRules[slot]!;
      if (rule.needEvidence && needMatches.length < MAX_EVIDENCE && !(ageMs > needWindowMs)) {
        needMatches.push({ rule, atMs, activity: activities[i]! });
      }
      if (rule.timelineEvidence && timelineMatches.length < MAX_EVIDENCE && !(ageMs > timelineWindowMs)) {
        timelineMatches.push({ rule, atMs, activity: activities[i]! });
      }
      if (rule.points > 0) {
        const room = rule.cap - tally[slot]!;
        // A full rule adds nothing.
        if (room <= 0) continue;
        const base = rule.corroboration !== null && isCorroborated(atMs, rule, activities) ? rule.corroboration.points : rule.points;
        const decayed = base * Math.exp(ageMs * rule.decayPerMs);
        const points = Math.min(decayed, room);
        if (points <= 0) continue;
        tally[slot] = tally[slot]! + points;
        total += points;
        if (points >= 0.05) contributions.push({ points: roundTenth(points), leads: rule.leads, ageMs, capped: points < decayed });
      } else {
        // Negative points (a chat that goes nowhere) fade like positive ones and stop at the cap.
        const room = rule.cap + tally[slot]!;
        if (room <= 0) continue;
        const decayed = rule.points * Math.exp(ageMs * rule.decayPerMs);
        const points = Math.max(decayed, -room);
        if (points >= 0) continue;
        tally[slot] = tally[slot]! + points;
        total += points;
        if (points <= -0.05) contributions.push({ points: roundTenth(points), leads: rule.leads, ageMs, capped: points > decayed });
      }
    } else {
      // Penalties do not fade: if they did, engagement would rise while the contact does nothing.
      const penalty = compiled.penalties[slot - ruleCount]!;
      const taken = tally[slot]!;
      const points = Math.max(penalty.points, -penalty.cap - taken);
      if (points >= 0) continue;
      tally[slot] = taken + points;
      total += points;
      contributions.push({ points, leads: penalty.leads, ageMs, capped: points > penalty.points });
    }
  }

  const score = roundTenth(Math.max(0, total));
  return { score, tier: tierOf(score, compiled), contributions, needMatches, timelineMatches };
}

export function tierOf(score: number, compiled: CompiledModel): Tier {
  const t = compiled.model.engagement.tiers;
  if (score > t['1']) return 1;
  if (score > t['2']) return 2;
  if (score > t['3']) return 3;
  return 4;
}
