// A profile as JSON (docs/contract.md section 5), validated before scoring: the CLI reads hand-written files.
import { z } from 'zod';
import { checkProfileFast } from './check-profile.ts';
import { formatIssues, type ModelIssue } from './model-schema.ts';
import { ACTIVITY_TYPES, type Profile } from './types.ts';

// HubSpot returns strings; hand-written files often hold numbers, which mean the same.
const propertyValue = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .transform((v) => (v === null ? null : String(v)));
const properties = z.record(z.string(), propertyValue);

export const activitySchema = z.strictObject({
  type: z.enum(ACTIVITY_TYPES),
  at: z.iso.datetime({ offset: true }),
  title: z.string().optional(),
  url: z.string().optional(),
  source: z.string().optional(),
});

export const profileSchema = z.strictObject({
  properties,
  company: z.strictObject({ properties }).nullable().optional(),
  activities: z.array(activitySchema).default([]),
});

export function parseProfile(json: unknown): { ok: true; profile: Profile } | { ok: false; issues: ModelIssue[] } {
  const fast = checkProfileFast(json);
  if (fast !== null) return { ok: true, profile: fast };
  const parsed = profileSchema.safeParse(json);
  return parsed.success ? { ok: true, profile: parsed.data } : { ok: false, issues: formatIssues(parsed.error) };
}
