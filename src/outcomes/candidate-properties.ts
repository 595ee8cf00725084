// The contact properties calibration may build rules from (issue #13 section 5): the model's own inputs plus a
// documented default list of source, firmographic and persona properties that portals commonly fill
// (https://knowledge.hubspot.com/properties/hubspots-default-contact-properties), plus those an admin picks.
// They are read on every rescore, so the snapshots (and with them the features before each outcome) hold them.
import { COMMON_CANDIDATE_PROPERTIES } from '../scoring/model-inputs.ts';
import { isOutcomeSide } from './outcome-features.ts';

/** The documented default list lives with the engine (src/scoring/model-inputs.ts), shared with calibration. */
export const DEFAULT_CANDIDATE_PROPERTIES: readonly string[] = COMMON_CANDIDATE_PROPERTIES;

/** HubSpot property names: lower-case letters, digits and underscores. */
const PROPERTY_NAME = /^[a-z][a-z0-9_]{0,99}$/;
export const MAX_PICKED_PROPERTIES = 50;

/** The admin's picks, checked: valid names, no outcome-side property (lifecycle, deal fields, feedback, the app's results). */
export function checkPickedProperties(picked: unknown): { ok: true; properties: string[] } | { ok: false; message: string } {
  if (picked === undefined) return { ok: true, properties: [] };
  if (!Array.isArray(picked) || picked.length > MAX_PICKED_PROPERTIES) return { ok: false, message: `properties must be a list of at most ${MAX_PICKED_PROPERTIES} property names` };
  const out: string[] = [];
  for (const name of picked) {
    if (typeof name !== 'string' || !PROPERTY_NAME.test(name)) return { ok: false, message: `"${String(name).slice(0, 100)}" is not a HubSpot property name` };
    if (isOutcomeSide(name)) return { ok: false, message: `${name} follows from the outcome itself and can never be a feature` };
    if (!out.includes(name)) out.push(name);
  }
  return { ok: true, properties: out };
}

/** Contact properties read on rescore besides the model's inputs. */
export function outcomeReadProperties(picked: readonly string[] | undefined): string[] {
  return [...new Set([...DEFAULT_CANDIDATE_PROPERTIES, ...(picked ?? [])])];
}
