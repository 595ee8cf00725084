// Which Lead records to create, move and update for scored contacts (docs/contract.md section 3b). Pure: the caller reads
// the contact's leads and the portal's lead stages, then writes what this returns. Planning from HubSpot's current leads
// makes a redo harmless: a contact with an open lead (the app's or a rep's) never gets a second one.
import { DEFAULT_LANGUAGE, type Language } from '../scoring/catalogue.ts';
import { MESSAGES } from '../scoring/messages.ts';
import { CRITERIA, type Criterion, type CriterionState, type DisqualifyReason, type Qualification } from '../scoring/types.ts';

export type LeadStageKind = 'open' | 'qualified' | 'disqualified';

export interface ExistingLead {
  leadId: string;
  pipelineId: string;
  /** undefined: the lead sits in a stage no pipeline lists any more, or one whose kind HubSpot does not say. */
  kind?: LeadStageKind;
  properties: Record<string, string | null>;
}

export interface LeadStageRef {
  stageId: string;
  pipelineId: string;
  displayOrder: number;
  kind: LeadStageKind;
}

export interface ContactForLeads {
  contactId: string;
  qualification: Qualification;
  disqualifyReason: DisqualifyReason | null;
  priority: string;
  leadScore: string;
  bant: Record<Criterion, CriterionState>;
  /** The contact's properties, for the lead's name. */
  properties: Record<string, string | null | undefined>;
  /** The contact's owner, who gets the new lead; absent: the lead is created unassigned. */
  ownerId?: string | null;
  /** False once the contact is past the lead stages (an open or won deal, lifecycle opportunity or later): no new lead. */
  inLeadProcess?: boolean;
  leads: ExistingLead[];
}

export interface LeadPlan {
  creates: Array<{ contactId: string; properties: Record<string, string> }>;
  /** Changed values of open leads; a disqualified contact's open leads also change stage. */
  updates: Array<{ leadId: string; contactId: string; properties: Record<string, string>; disqualify: boolean }>;
  /** Contacts whose leads could not be planned, with a code and why. */
  problems: Array<{ contactId: string; code: 'leads_no_open_stage' | 'leads_no_disqualified_stage'; message: string }>;
}

const STATE_LABEL: Record<CriterionState, string> = { met: 'met', partial: 'partly met', not_met: 'not met', unknown: 'unknown' };
const CRITERION_LABEL: Record<Criterion, string> = { budget: 'Budget', authority: 'Authority', need: 'Need', timeline: 'Timeline' };

/** "Budget met · Authority unknown · Need met · Timeline partly met"; in German "Budget erfüllt · Entscheidungsbefugnis unbekannt · …". */
export function bantSummary(bant: Record<Criterion, CriterionState>, language: Language = DEFAULT_LANGUAGE): string {
  if (language === DEFAULT_LANGUAGE) return CRITERIA.map((c) => `${CRITERION_LABEL[c]} ${STATE_LABEL[bant[c]]}`).join(' · ');
  const say = MESSAGES.in(language);
  return CRITERIA.map((c) => `${say(`criterion.${c}`)} ${say(`state.${bant[c]}`)}`).join(' · ');
}

/** The contact's name, else its email, else its id: HubSpot requires a lead name (hs_lead_name). */
export function leadName(contactId: string, properties: ContactForLeads['properties'], language: Language = DEFAULT_LANGUAGE): string {
  const name = [properties.firstname, properties.lastname].map((p) => (p ?? '').trim()).filter(Boolean).join(' ');
  return name || (properties.email ?? '').trim() || MESSAGES.in(language)('lead.contactId', { id: contactId });
}

/** The first open stage (by display order) of a pipeline: where a new lead starts. */
export function entryStage(stages: Iterable<LeadStageRef>, pipelineId: string): LeadStageRef | undefined {
  return [...stages].filter((s) => s.pipelineId === pipelineId && s.kind === 'open').sort((a, b) => a.displayOrder - b.displayOrder)[0];
}

/** The pipeline's disqualified stage (the first by display order if a portal has several). */
export function disqualifiedStage(stages: Iterable<LeadStageRef>, pipelineId: string): LeadStageRef | undefined {
  return [...stages].filter((s) => s.pipelineId === pipelineId && s.kind === 'disqualified').sort((a, b) => a.displayOrder - b.displayOrder)[0];
}

/** `language`: the installation's, for the lead's name fallback and its BANT summary. */
export function planLeads(contacts: readonly ContactForLeads[], stages: readonly LeadStageRef[], defaultPipelineId: string, language: Language = DEFAULT_LANGUAGE): LeadPlan {
  const plan: LeadPlan = { creates: [], updates: [], problems: [] };
  for (const contact of contacts) {
    const values: Record<string, string> = { bant_priority: contact.priority, bant_lead_score: contact.leadScore, bant_summary: bantSummary(contact.bant, language) };
    const open = contact.leads.filter((l) => l.kind === 'open');
    if (contact.qualification === 'disqualified') {
      for (const lead of open) {
        const target = disqualifiedStage(stages, lead.pipelineId);
        if (!target) {
          plan.problems.push({ contactId: contact.contactId, code: 'leads_no_disqualified_stage', message: `lead pipeline ${lead.pipelineId} has no stage marked as disqualified` });
          continue;
        }
        plan.updates.push({
          leadId: lead.leadId,
          contactId: contact.contactId,
          properties: { ...values, bant_disqualify_reason: contact.disqualifyReason ?? 'other', hs_pipeline_stage: target.stageId },
          disqualify: true,
        });
      }
      continue;
    }
    for (const lead of open) {
      const changed = changedValues(lead, { ...values, ...(lead.properties.bant_disqualify_reason ? { bant_disqualify_reason: '' } : {}) });
      if (Object.keys(changed).length) plan.updates.push({ leadId: lead.leadId, contactId: contact.contactId, properties: changed, disqualify: false });
    }
    if (contact.qualification !== 'sql' || open.length > 0 || contact.inLeadProcess === false || salesDecided(contact.leads)) continue;
    const entry = entryStage(stages, defaultPipelineId);
    if (!entry) {
      plan.problems.push({ contactId: contact.contactId, code: 'leads_no_open_stage', message: `lead pipeline ${defaultPipelineId} has no open stage to start a lead in` });
      continue;
    }
    plan.creates.push({
      contactId: contact.contactId,
      properties: {
        hs_lead_name: leadName(contact.contactId, contact.properties, language),
        hs_pipeline: entry.pipelineId,
        hs_pipeline_stage: entry.stageId,
        ...(contact.ownerId ? { hubspot_owner_id: contact.ownerId } : {}),
        ...values,
      },
    });
  }
  return plan;
}

/**
 * A rep already decided on this contact's lead: qualified it, or disqualified it themselves (the app's own moves carry
 * `bant_disqualify_reason`). The app does not open a new lead against that decision; a lead the app disqualified may
 * be followed by a new one once the contact is SQL again.
 */
function salesDecided(leads: readonly ExistingLead[]): boolean {
  return leads.some((l) => l.kind === 'qualified' || (l.kind === 'disqualified' && !l.properties.bant_disqualify_reason));
}

function changedValues(lead: ExistingLead, want: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(want)) if ((lead.properties[name] ?? '') !== value && !sameNumber(lead.properties[name], value)) out[name] = value;
  return out;
}

/** HubSpot may answer "42.0" for a number written as "42". */
function sameNumber(a: string | null | undefined, b: string): boolean {
  if (a === null || a === undefined || a === '' || b === '') return false;
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) && x === y;
}
