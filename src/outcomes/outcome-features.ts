// What a contact looked like before its outcome: the features calibration and evaluation may use. Properties that
// are the outcome itself or follow from it (lifecycle stage, lead status, deal fields, the sales feedback, the app's
// own results) are never features; activities on or after the outcome's time are dropped.
import type { Profile, PropertyBag } from '../scoring/types.ts';
import type { ContactSnapshot } from '../store/store.ts';

/** Outcome-side properties: never features (issue #13 section 5). */
const OUTCOME_SIDE = new Set([
  'lifecyclestage',
  'hs_lifecyclestage_customer_date',
  'hs_lead_status',
  'hubspot_owner_id',
  'lastmodifieddate',
  'num_associated_deals',
  'recent_deal_amount',
  'recent_deal_close_date',
  'total_revenue',
  'hs_latest_sequence_ended_date',
]);

/** The app's answer properties are features (reps and forms fill them in before the outcome); its results are not. */
const ANSWERS = new Set(['bant_budget_answer', 'bant_authority_answer', 'bant_need_answer', 'bant_timeline_answer']);

export function isOutcomeSide(name: string): boolean {
  if (OUTCOME_SIDE.has(name)) return true;
  if (name.startsWith('bant_')) return !ANSWERS.has(name);
  return name.startsWith('hs_date_entered_') || name.startsWith('hs_date_exited_') || name.startsWith('hs_deal') || name.startsWith('closed');
}

function featureProperties(properties: PropertyBag | null | undefined): PropertyBag {
  const out: PropertyBag = {};
  for (const [name, value] of Object.entries(properties ?? {})) if (!isOutcomeSide(name)) out[name] = value;
  return out;
}

/** The profile as of just before `at`. */
export function featuresBefore(profile: Profile, at: string): Profile {
  const atMs = Date.parse(at);
  return {
    properties: featureProperties(profile.properties),
    company: profile.company ? { properties: featureProperties(profile.company.properties) } : null,
    activities: profile.activities.filter((a) => Date.parse(a.at) < atMs),
  };
}

export function profileOfSnapshot(snapshot: ContactSnapshot): Profile {
  return {
    properties: snapshot.properties,
    company: snapshot.companyProperties ? { properties: snapshot.companyProperties } : null,
    activities: snapshot.activities,
  };
}
