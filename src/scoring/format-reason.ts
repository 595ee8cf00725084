// The wording of reasons and evidence: short, signed, with the activity's age (`+25 webinar registration (3 d ago)`).
import { DAY_MS, HOUR_MS } from './compile-model.ts';

/** Rounds to one decimal so that tiny decay drifts do not change written values. */
export function roundTenth(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * A non-negative value with one decimal at most ("25", "12.5"), built from integers: V8 turns small
 * integers into strings from a cache, while a fraction like 24.6 needs the slow shortest-digits algorithm.
 */
export function formatTenths(value: number): string {
  const tenths = Math.round(Math.abs(value) * 10);
  const whole = Math.floor(tenths / 10);
  const fraction = tenths - whole * 10;
  return fraction === 0 ? String(whole) : `${whole}.${fraction}`;
}

/** Points with one decimal at most, always signed: `+25`, `+12.5`, `-10`. */
export function formatPoints(points: number): string {
  const text = formatTenths(points);
  return points < 0 && text !== '0' ? `-${text}` : `+${text}`;
}

export function formatAge(ageMs: number): string {
  if (ageMs < HOUR_MS) return 'just now';
  if (ageMs < DAY_MS) return `${Math.floor(ageMs / HOUR_MS)} h ago`;
  return `${Math.floor(ageMs / DAY_MS)} d ago`;
}
