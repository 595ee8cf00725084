// Implicit scoring (seed 002's points table plus seed 003): each activity counts for the first rule it
// matches, halves every half-life up to `now` (seed 003: this week beats six months ago) and every rule
// stops at its cap, so repetition alone cannot make a lead hot.
import type { CompiledEngagementRule, CompiledModel, CompiledPenalty } from './compile-model.ts';
import { formatAge, formatPoints, roundTenth } from './format-reason.ts';
import { parseIsoTime } from './parse-iso-time.ts';
import type { Activity, Tier } from './types.ts';

export interface ActivityMatch {
  rule: CompiledEngagementRule;
  atMs: number;
  activity: Activity;
}

/** One activity's share of the score; worded only if it makes the top reasons (scoring is hot, wording is not). */
export interface Contribution {
  points: number;
  label: string;
  ageMs: number;
  capped: boolean;
}

export interface EngagementResult {
  /** Decayed points, rounded to one decimal, never below 0. */
  score: number;
  tier: Tier;
  contributions: Contribution[];
  /** Activities that matched a rule (not penalties), newest first, for BANT evidence. */
  matches: ActivityMatch[];
}

interface Hit {
  atMs: number;
  activity: Activity;
  rule: CompiledEngagementRule | null;
  penalty: CompiledPenalty | null;
}

export function describeContribution(c: Contribution): string {
  return `${formatPoints(c.points)} ${c.label} (${formatAge(c.ageMs)}${c.capped ? ', capped' : ''})`;
}

function matchRule(rules: CompiledEngagementRule[], activity: Activity): CompiledEngagementRule | null {
  for (const rule of rules) {
    if (rule.pattern === null) return rule;
    if ((activity.url !== undefined && rule.pattern.test(activity.url)) || (activity.title !== undefined && rule.pattern.test(activity.title)))
      return rule;
  }
  return null;
}

function isCorroborated(hit: Hit, rule: CompiledEngagementRule, all: Hit[]): boolean {
  const c = rule.corroboration!;
  for (const other of all) {
    if (c.types.has(other.activity.type) && Math.abs(other.atMs - hit.atMs) <= c.withinMs) return true;
  }
  return false;
}

/** Insertion sort, newest first: for a contact's few dozen activities it beats Array#sort with a comparator. */
function sortNewestFirst(hits: Hit[]): void {
  for (let i = 1; i < hits.length; i++) {
    const hit = hits[i]!;
    let j = i - 1;
    while (j >= 0 && hits[j]!.atMs < hit.atMs) {
      hits[j + 1] = hits[j]!;
      j--;
    }
    hits[j + 1] = hit;
  }
}

export function scoreEngagement(activities: readonly Activity[], compiled: CompiledModel, nowMs: number): EngagementResult {
  const hits: Hit[] = [];
  for (const activity of activities) {
    const atMs = parseIsoTime(activity.at);
    // Activities after `now` had not happened yet at the scoring time (e.g. `bant score --at` in the past).
    if (!(atMs <= nowMs)) continue;
    const entry = compiled.byType.get(activity.type);
    const penalty = entry?.penalty ?? null;
    const rule = entry && !penalty ? matchRule(entry.rules, activity) : null;
    hits.push({ atMs, activity, rule, penalty });
  }
  sortNewestFirst(hits);

  // Newest first, so a rule's cap is filled by its most recent activities.
  const tally = new Array<number>(compiled.tallyCount).fill(0);
  const contributions: Contribution[] = [];
  const matches: ActivityMatch[] = [];
  let total = 0;
  for (const hit of hits) {
    const ageMs = nowMs - hit.atMs;
    const { rule, penalty } = hit;
    if (rule) {
      matches.push(hit as ActivityMatch);
      const used = tally[rule.index]!;
      const base = rule.corroboration && isCorroborated(hit, rule, hits) ? rule.corroboration.points : rule.points;
      const decayed = base * Math.exp(ageMs * rule.decayPerMs);
      const counted = Math.min(decayed, rule.cap - used);
      if (counted <= 0) continue;
      tally[rule.index] = used + counted;
      total += counted;
      if (counted >= 0.05) contributions.push({ points: roundTenth(counted), label: rule.label, ageMs, capped: counted < decayed });
    } else if (penalty) {
      // Penalties do not fade: if they did, engagement would rise while the contact does nothing.
      const taken = tally[penalty.index]!;
      const counted = Math.max(penalty.points, -penalty.cap - taken);
      if (counted >= 0) continue;
      tally[penalty.index] = taken + counted;
      total += counted;
      contributions.push({ points: counted, label: penalty.label, ageMs, capped: counted > penalty.points });
    }
  }

  const score = roundTenth(Math.max(0, total));
  return { score, tier: tierOf(score, compiled), contributions, matches };
}

export function tierOf(score: number, compiled: CompiledModel): Tier {
  const t = compiled.model.engagement.tiers;
  if (score > t['1']) return 1;
  if (score > t['2']) return 2;
  if (score > t['3']) return 3;
  return 4;
}
