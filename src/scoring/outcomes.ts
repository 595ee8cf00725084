// Past outcomes (docs/contract.md section 6): a profile as it was at `at`, and whether the lead was won or lost.
// Evaluation and calibration read them; the CLI parses them from JSON Lines, the app builds them from HubSpot.
import { z } from 'zod';
import { checkProfileFast, isUtcTime } from './check-profile.ts';
import { formatIssues, type ModelIssue } from './model-schema.ts';
import { profileSchema } from './profile-schema.ts';
import type { Profile } from './types.ts';

export const OUTCOMES = ['won', 'lost'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface OutcomeExample {
  /** The profile as of `at`: activities after `at` are ignored, scoring happens at `at`. */
  profile: Profile;
  outcome: Outcome;
  /** ISO time the profile is as of (before the outcome was known). */
  at: string;
}

const outcomeLineSchema = profileSchema.extend({
  outcome: z.enum(OUTCOMES),
  at: z.iso.datetime({ offset: true }),
});

/** One outcomes-file line's JSON → an example, or the issues naming each bad field. */
export function parseOutcome(json: unknown): { ok: true; example: OutcomeExample } | { ok: false; issues: ModelIssue[] } {
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const { outcome, at, ...rest } = json as Record<string, unknown>;
    if ((outcome === 'won' || outcome === 'lost') && typeof at === 'string' && isUtcTime(at)) {
      const profile = checkProfileFast(rest);
      if (profile !== null) return { ok: true, example: { profile, outcome, at } };
    }
  }
  const parsed = outcomeLineSchema.safeParse(json);
  if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error) };
  const { outcome, at, ...profile } = parsed.data;
  return { ok: true, example: { profile, outcome, at } };
}
