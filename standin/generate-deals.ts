// Outcomes of a generated portal: deals won and lost, and reps' sales feedback, drawn from a hidden propensity of the
// stand-in world (standin/propensity.ts: conversionPropensity), not from the app's model, so calibration has something real to learn.
// Each contact that converts or not gets a deal in a customised pipeline (stages read from metadata, not names) or,
// for some, only the rep's feedback; lost and rejected ones name the criterion that failed and sometimes a competitor.
import type { Activity, Profile } from '../src/scoring/types.ts';
import { prng } from './generate-portal.ts';
import { conversionPropensity } from './propensity.ts';
import { closedStages, customDealPipeline, defaultDealPipelines } from './pipelines.ts';
import type { CrmRecord, Portal } from './portal.ts';
import { CALL_DISPOSITIONS } from './schema.ts';

export interface GenerateDealsOptions {
  seed?: number;
  /** The hidden conversion probability of a contact as it was at `at` (0..1); default the stand-in world's own. */
  propensity?: (profile: Profile, at: string) => number;
  /** Share of non-student contacts that reached an outcome. Default 0.5. */
  share?: number;
  /** Outcomes fall within this many days before now. Default 30. */
  withinDays?: number;
}

const DAY = 86_400_000;
const CONNECTED = CALL_DISPOSITIONS[1]?.[0];
const CRITERIA = ['budget', 'authority', 'need', 'timeline', 'fit', 'competitor', 'other'] as const;
const COMPETITORS = ['LeadRank', 'ScoreMate', 'Qualifyr', 'Salesforce Einstein'];

/** The contact as the stand-in holds it, as a scoring profile (properties, primary company, activities). */
export function profileOf(portal: Portal, contact: CrmRecord): Profile {
  const companyId = Number(contact.props.associatedcompanyid);
  const company = Number.isFinite(companyId) ? portal.companies.get(companyId) : undefined;
  const activities: Activity[] = [];
  const at = (ms: number) => new Date(ms).toISOString();
  for (const id of portal.associated('contacts', 'meetings', contact.id)) {
    const m = portal.meetings.get(id);
    if (m && !m.archived) activities.push({ type: m.props.hs_meeting_outcome === 'COMPLETED' ? 'meeting_held' : 'meeting_booked', at: at(m.createdAt) });
  }
  for (const id of portal.associated('contacts', 'calls', contact.id)) {
    const c = portal.calls.get(id);
    if (c && !c.archived && c.props.hs_call_disposition === CONNECTED) activities.push({ type: 'call_connected', at: at(c.createdAt) });
  }
  for (const id of portal.associated('contacts', 'emails', contact.id)) {
    const e = portal.emails.get(id);
    if (e && !e.archived && e.props.hs_email_direction === 'INCOMING_EMAIL') activities.push({ type: 'email_reply', at: at(e.createdAt) });
  }
  if (contact.props.recent_conversion_date) activities.push({ type: 'form_submission', at: contact.props.recent_conversion_date, title: contact.props.recent_conversion_event_name ?? '' });
  if (contact.props.hs_analytics_last_visit_timestamp) activities.push({ type: 'page_view', at: contact.props.hs_analytics_last_visit_timestamp });
  activities.sort((a, b) => a.at.localeCompare(b.at));
  return { properties: { ...contact.props }, company: company ? { properties: { ...company.props } } : null, activities };
}

/** Adds the customised pipeline, then deals and feedback for a share of the contacts. Silent (no webhooks). */
export function generateDeals(portal: Portal, options: GenerateDealsOptions): { won: number; lost: number; feedback: number } {
  const rnd = prng((options.seed ?? 1) ^ 0xdea1);
  const propensity = options.propensity ?? conversionPropensity;
  const share = options.share ?? 0.5;
  const within = (options.withinDays ?? 30) * DAY;
  const now = portal.clock();
  portal.dealPipelines = [...defaultDealPipelines(), customDealPipeline()];
  const counts = { won: 0, lost: 0, feedback: 0 };
  const wasMuted = portal.muted;
  portal.muted = true;
  try {
    for (const contact of [...portal.contacts.values()]) {
      if (contact.archived || contact.props.lifecyclestage === 'subscriber') continue;
      if (rnd() >= share) continue;
      const viaDeal = rnd() < 0.7;
      // A deal closed some days ago; feedback alone is the rep's word now (a property value carries no date the app reads).
      const atMs = viaDeal ? now - Math.floor(rnd() * within) - DAY : now;
      const at = new Date(atMs).toISOString();
      const p = Math.min(1, Math.max(0, propensity(profileOf(portal, contact), at)));
      const won = rnd() < p;
      const criterion = won ? undefined : CRITERIA[Math.floor(rnd() * CRITERIA.length)];
      if (viaDeal) {
        const pipeline = portal.dealPipelines[rnd() < 0.5 ? 0 : 1]!;
        const stages = closedStages(pipeline);
        const deal = portal.create(
          'deals',
          {
            dealname: `${contact.props.company ?? `${contact.props.firstname} ${contact.props.lastname}`} – Lead-Scoring-Lizenz`,
            pipeline: pipeline.id,
            dealstage: won ? stages.won.id : stages.lost.id,
            amount: String(5_000 + Math.floor(rnd() * 95_000)),
            closedate: at,
            ...(contact.props.hubspot_owner_id ? { hubspot_owner_id: contact.props.hubspot_owner_id } : {}),
          },
          undefined,
          atMs - Math.floor(rnd() * 60) * DAY,
        );
        portal.associate('deals', deal.id, 'contacts', contact.id, undefined, true);
        const companyId = Number(contact.props.associatedcompanyid);
        if (Number.isFinite(companyId) && portal.companies.has(companyId)) portal.associate('deals', deal.id, 'companies', companyId, undefined, true);
      }
      if (!viaDeal || rnd() < 0.4) {
        // Feedback goes in before the app has created its properties: kept as pending values (like the answers).
        setPending(portal, 'bant_feedback', contact.id, won ? 'won' : rnd() < 0.3 ? 'rejected' : 'lost');
        if (criterion) setPending(portal, 'bant_feedback_criterion', contact.id, criterion);
        if (criterion === 'competitor') setPending(portal, 'bant_feedback_competitor', contact.id, COMPETITORS[Math.floor(rnd() * COMPETITORS.length)]!);
        counts.feedback++;
      }
      if (won) counts.won++;
      else counts.lost++;
    }
  } finally {
    portal.muted = wasMuted;
  }
  return counts;
}

function setPending(portal: Portal, name: string, contactId: number, value: string): void {
  let pending = portal.pendingValues.get(name);
  if (!pending) {
    pending = new Map();
    portal.pendingValues.set(name, pending);
  }
  pending.set(contactId, value);
}
