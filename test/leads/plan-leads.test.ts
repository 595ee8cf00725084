import { describe, expect, it } from 'vitest';
import { leadStageKind } from '../../src/hubspot/leads.ts';
import { bantSummary, type ContactForLeads, type ExistingLead, type LeadStageRef, leadName, planLeads } from '../../src/leads/plan-leads.ts';

// A customised pipeline: numeric ids, the disqualified stage not last, plus HubSpot's default one.
const STAGES: LeadStageRef[] = [
  { stageId: '8800011', pipelineId: '8800001', displayOrder: 0, kind: 'open' },
  { stageId: '8800012', pipelineId: '8800001', displayOrder: 1, kind: 'disqualified' },
  { stageId: '8800013', pipelineId: '8800001', displayOrder: 2, kind: 'open' },
  { stageId: '8800014', pipelineId: '8800001', displayOrder: 3, kind: 'qualified' },
  { stageId: 'attempting-stage-id', pipelineId: 'lead-pipeline-id', displayOrder: 1, kind: 'open' },
  { stageId: 'new-stage-id', pipelineId: 'lead-pipeline-id', displayOrder: 0, kind: 'open' },
  { stageId: 'unqualified-stage-id', pipelineId: 'lead-pipeline-id', displayOrder: 4, kind: 'disqualified' },
];

const MET = { budget: 'met', authority: 'met', need: 'met', timeline: 'met' } as const;

function contact(overrides: Partial<ContactForLeads> = {}): ContactForLeads {
  return {
    contactId: '101',
    qualification: 'sql',
    disqualifyReason: null,
    priority: 'A1',
    leadScore: '87.5',
    bant: { ...MET },
    properties: { firstname: 'Karl', lastname: 'Brandt', email: 'k.brandt@example.de' },
    leads: [],
    ...overrides,
  };
}

const lead = (overrides: Partial<ExistingLead> = {}): ExistingLead => ({ leadId: '9001', pipelineId: '8800001', kind: 'open', properties: {}, ...overrides });

describe('which leads to create, move and update', () => {
  it('when an SQL contact has no open lead, then one lead is created in the first open stage of the default pipeline with the app values', () => {
    const plan = planLeads([contact()], STAGES, '8800001');
    expect(plan.updates).toEqual([]);
    expect(plan.creates).toEqual([
      {
        contactId: '101',
        properties: {
          hs_lead_name: 'Karl Brandt',
          hs_pipeline: '8800001',
          hs_pipeline_stage: '8800011',
          bant_priority: 'A1',
          bant_lead_score: '87.5',
          bant_summary: 'Budget met · Authority met · Need met · Timeline met',
        },
      },
    ]);
  });

  it('when an SQL contact already has an open lead (the app\'s or a rep\'s), then nothing is created and only changed values are written', () => {
    const current = lead({ properties: { bant_priority: 'A1', bant_lead_score: '87.50', bant_summary: 'old' } });
    const plan = planLeads([contact({ leads: [current] })], STAGES, '8800001');
    expect(plan.creates).toEqual([]);
    expect(plan.updates).toEqual([{ leadId: '9001', contactId: '101', properties: { bant_summary: bantSummary(MET) }, disqualify: false }]);
  });

  it('when the open lead already carries the values, then the plan is empty (a redelivered webhook writes nothing)', () => {
    const current = lead({ properties: { bant_priority: 'A1', bant_lead_score: '87.5', bant_summary: bantSummary(MET), bant_disqualify_reason: null } });
    expect(planLeads([contact({ leads: [current] })], STAGES, '8800001')).toEqual({ creates: [], updates: [], problems: [] });
  });

  it('when an SQL contact\'s only lead was disqualified by the app, then it gets a new open lead, owned by its owner', () => {
    const plan = planLeads([contact({ ownerId: '555', leads: [lead({ kind: 'disqualified', properties: { bant_disqualify_reason: 'no_need' } })] })], STAGES, 'lead-pipeline-id');
    expect(plan.creates.map((c) => [c.properties.hs_pipeline_stage, c.properties.hubspot_owner_id])).toEqual([['new-stage-id', '555']]);
    expect(plan.updates).toEqual([]);
  });

  it('when sales already qualified the lead or a rep disqualified it, or the contact is past the lead stages, then no new lead is opened', () => {
    const qualified = contact({ leads: [lead({ kind: 'qualified' })] });
    const repDisqualified = contact({ contactId: '102', leads: [lead({ leadId: '9002', kind: 'disqualified', properties: { bant_disqualify_reason: null } })] });
    const customer = contact({ contactId: '103', inLeadProcess: false });
    expect(planLeads([qualified, repDisqualified, customer], STAGES, '8800001')).toEqual({ creates: [], updates: [], problems: [] });
    expect(planLeads([contact({ contactId: '104', inLeadProcess: true })], STAGES, '8800001').creates).toHaveLength(1);
  });

  it('when a contact is MQL or nurture, then no lead is created but its open lead gets the values', () => {
    expect(planLeads([contact({ qualification: 'mql' }), contact({ contactId: '102', qualification: 'nurture' })], STAGES, '8800001').creates).toEqual([]);
    const plan = planLeads([contact({ qualification: 'nurture', priority: 'C3', leads: [lead({ properties: { bant_priority: 'A1' } })] })], STAGES, '8800001');
    expect(plan.updates[0]?.properties.bant_priority).toBe('C3');
    expect(plan.updates[0]?.properties.hs_pipeline_stage).toBeUndefined();
  });

  it('when a contact is disqualified, then each open lead moves to its own pipeline\'s disqualified stage with the reason, closed leads stay', () => {
    const leads = [lead(), lead({ leadId: '9002', pipelineId: 'lead-pipeline-id' }), lead({ leadId: '9003', kind: 'qualified' }), lead({ leadId: '9004', kind: undefined })];
    const plan = planLeads([contact({ qualification: 'disqualified', disqualifyReason: 'competitor', leads })], STAGES, '8800001');
    expect(plan.creates).toEqual([]);
    expect(plan.updates.map((u) => [u.leadId, u.properties.hs_pipeline_stage, u.properties.bant_disqualify_reason, u.disqualify])).toEqual([
      ['9001', '8800012', 'competitor', true],
      ['9002', 'unqualified-stage-id', 'competitor', true],
    ]);
  });

  it('when a pipeline has no disqualified stage or no open stage, then the contact is reported with a code, not guessed', () => {
    const onlyOpen: LeadStageRef[] = [{ stageId: 's1', pipelineId: 'p', displayOrder: 0, kind: 'open' }];
    const disq = planLeads([contact({ qualification: 'disqualified', disqualifyReason: 'no_need', leads: [lead({ pipelineId: 'p' })] })], onlyOpen, 'p');
    expect(disq.updates).toEqual([]);
    expect(disq.problems.map((p) => p.code)).toEqual(['leads_no_disqualified_stage']);
    const create = planLeads([contact()], [{ stageId: 'q', pipelineId: 'p', displayOrder: 0, kind: 'qualified' }], 'p');
    expect(create.creates).toEqual([]);
    expect(create.problems.map((p) => p.code)).toEqual(['leads_no_open_stage']);
  });

  it('when a once disqualified contact qualifies again, then its open lead\'s reason is cleared', () => {
    const plan = planLeads([contact({ qualification: 'mql', leads: [lead({ properties: { bant_disqualify_reason: 'no_need' } })] })], STAGES, '8800001');
    expect(plan.updates[0]?.properties.bant_disqualify_reason).toBe('');
  });

  it('when the contact has no name, then the lead is named by its email, else by its id', () => {
    expect(leadName('7', { email: 'a@b.de' })).toBe('a@b.de');
    expect(leadName('7', { firstname: ' ', lastname: null })).toBe('Contact 7');
  });

  it('when the installation speaks German, then a nameless lead is "Kontakt <id>" and the summary is German; the values stay', () => {
    expect(leadName('7', { firstname: ' ', lastname: null }, 'de')).toBe('Kontakt 7');
    expect(leadName('7', { email: 'a@b.de' }, 'de')).toBe('a@b.de');
    expect(bantSummary({ budget: 'met', authority: 'unknown', need: 'partial', timeline: 'not_met' }, 'de')).toBe(
      'Budget erfüllt · Entscheidungsbefugnis unbekannt · Bedarf teilweise erfüllt · Zeitrahmen nicht erfüllt',
    );
    const de = planLeads([contact({ properties: {} })], STAGES, '8800001', 'de');
    const en = planLeads([contact({ properties: {} })], STAGES, '8800001');
    expect(de.creates[0]?.properties.hs_lead_name).toBe('Kontakt 101');
    expect(en.creates[0]?.properties.hs_lead_name).toBe('Contact 101');
    const { hs_lead_name: _d, bant_summary: _ds, ...deRest } = de.creates[0]!.properties;
    const { hs_lead_name: _e, bant_summary: _es, ...enRest } = en.creates[0]!.properties;
    expect(deRest).toEqual(enRest);
  });
});

describe('lead stage kinds from the stage metadata', () => {
  it('when a stage names its lead state, then that decides; a closed stage without one is not taken for open', () => {
    expect(leadStageKind({ isClosed: 'true', leadState: 'UNQUALIFIED_STAGE_TYPE' })).toBe('disqualified');
    expect(leadStageKind({ isClosed: 'true', leadState: 'QUALIFIED_STAGE_TYPE' })).toBe('qualified');
    expect(leadStageKind({ isClosed: 'false', leadState: 'IN_PROGRESS_STAGE_TYPE' })).toBe('open');
    expect(leadStageKind({ isClosed: 'true' })).toBeUndefined();
    expect(leadStageKind(undefined)).toBe('open');
  });
});
