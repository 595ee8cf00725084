// Shared fixtures for the scoring tests: the default model as shipped, a fixed `now`, and profile builders.
import { readFileSync } from 'node:fs';
import { parseModel, type ScoringModel } from '../../src/scoring/index.ts';
import type { Activity, ActivityType, Profile, PropertyBag } from '../../src/scoring/types.ts';

export const MODEL_PATH = new URL('../../config/scoring-model.json', import.meta.url);
export const MODEL_JSON: Record<string, unknown> = JSON.parse(readFileSync(MODEL_PATH, 'utf8'));

function loadDefaultModel(): ScoringModel {
  const parsed = parseModel(MODEL_JSON);
  if (!parsed.ok) throw new Error(`default model invalid: ${JSON.stringify(parsed.issues)}`);
  return parsed.model;
}

export const model = loadDefaultModel();
export const NOW = Date.parse('2026-11-23T10:00:00.000Z');
export const DAY = 86_400_000;

export function ago(days: number): string {
  return new Date(NOW - days * DAY).toISOString();
}

export function activity(type: ActivityType, daysAgo = 0, extra: Partial<Activity> = {}): Activity {
  return { type, at: ago(daysAgo), ...extra };
}

export function profile(properties: PropertyBag = {}, company: PropertyBag | null = null, activities: Activity[] = []): Profile {
  return { properties, company: company ? { properties: company } : null, activities };
}

/** The default model with a change applied (validated), for tests of model settings. */
export function modelWith(change: (model: ScoringModel) => void): ScoringModel {
  const copy = structuredClone(model);
  change(copy);
  const parsed = parseModel(copy);
  if (!parsed.ok) throw new Error(`changed model invalid: ${JSON.stringify(parsed.issues)}`);
  return parsed.model;
}
