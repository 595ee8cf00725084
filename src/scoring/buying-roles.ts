// The buying centre (seed 000: know everyone who takes part in the decision and their roles). Roles come from
// HubSpot's multi-select `hs_buying_role` and, where a contact has none, from the jobtitle's position grade.
import type { CompiledModel } from './compile-model.ts';
import type { Grade } from './types.ts';

/** HubSpot's `hs_buying_role` values, in the order the buying centre lists them. */
export const BUYING_ROLES = ['DECISION_MAKER', 'BUDGET_HOLDER', 'EXECUTIVE_SPONSOR', 'CHAMPION', 'INFLUENCER', 'END_USER', 'BLOCKER'] as const;
export type BuyingRole = (typeof BUYING_ROLES)[number];

const LABELS: ReadonlyMap<string, string> = new Map<string, string>([
  ['DECISION_MAKER', 'decision maker'],
  ['BUDGET_HOLDER', 'budget holder'],
  ['EXECUTIVE_SPONSOR', 'executive sponsor'],
  ['CHAMPION', 'champion'],
  ['INFLUENCER', 'influencer'],
  ['END_USER', 'end user'],
  ['BLOCKER', 'blocker'],
]);

const RANK: ReadonlyMap<string, number> = new Map(BUYING_ROLES.map((r, i) => [r, i]));

/** `decision maker` for DECISION_MAKER; an unknown (portal-defined) value is shown lower-cased. */
export function labelRole(role: string): string {
  return LABELS.get(role) ?? role.toLowerCase().replaceAll('_', ' ');
}

export function rankRole(role: string): number {
  return RANK.get(role) ?? BUYING_ROLES.length;
}

/** `hs_buying_role` as HubSpot stores a multi-select: values separated by `;`. */
export function parseBuyingRoles(raw: string | null | undefined): string[] {
  if (!raw) return [];
  const roles: string[] = [];
  for (const part of raw.split(';')) {
    const role = part.trim().toUpperCase();
    if (role !== '' && !roles.includes(role)) roles.push(role);
  }
  return roles;
}

/** The role a title suggests when `hs_buying_role` is empty: an A position decides, a B position influences. */
export function roleFromTitle(positionGrade: Grade | null): BuyingRole | null {
  if (positionGrade === 'A') return 'DECISION_MAKER';
  if (positionGrade === 'B') return 'INFLUENCER';
  return null;
}

/** The grade of the first position rule the title matches, null for none. */
export function gradePosition(jobtitle: string, compiled: CompiledModel): Grade | null {
  if (jobtitle === '') return null;
  return compiled.positionRuleFor(jobtitle)?.grade ?? null;
}
