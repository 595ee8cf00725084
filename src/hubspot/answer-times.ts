// When each BANT answer was given: the newest history entry of the answer property that holds its current value
// (read in the same batch as the contact, `propertiesWithHistory`, so no extra call). Accounts need it: across a
// company's contacts the most recent answer wins (docs/contract.md section 3a).
import { answerProperty } from '../scoring/assess-bant.ts';
import { CRITERIA, type Criterion, type PropertyBag } from '../scoring/types.ts';
import type { PropertyHistory } from './map-history.ts';

export const ANSWER_HISTORY_PROPERTIES: readonly string[] = CRITERIA.map(answerProperty);

export function readAnswerTimes(properties: PropertyBag, history: PropertyHistory): Partial<Record<Criterion, string>> {
  const out: Partial<Record<Criterion, string>> = {};
  for (const criterion of CRITERIA) {
    const name = answerProperty(criterion);
    const current = Object.hasOwn(properties, name) ? properties[name] : null;
    if (!current) continue;
    let newest: number | null = null;
    for (const entry of history.get(name) ?? []) {
      const at = Date.parse(entry.timestamp);
      if (entry.value === current && Number.isFinite(at) && (newest === null || at > newest)) newest = at;
    }
    if (newest !== null) out[criterion] = new Date(newest).toISOString();
  }
  return out;
}
