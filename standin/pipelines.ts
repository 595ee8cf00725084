// Deal pipelines as HubSpot keeps them (https://developers.hubspot.com/docs/api-reference/crm-pipelines-v3/guide):
// stages carry metadata `isClosed` ("true"/"false") and `probability` ("1.0" won, "0.0" lost) as strings. Portals
// customise stages (ids, labels, order), so an app must read won/lost from the metadata, never from stage names.
import type { Router } from './http.ts';

export interface DealStage {
  id: string;
  label: string;
  displayOrder: number;
  metadata: { isClosed: 'true' | 'false'; probability: string };
}

export interface DealPipeline {
  id: string;
  label: string;
  displayOrder: number;
  stages: DealStage[];
}

const stage = (id: string, label: string, displayOrder: number, probability: string, isClosed = false): DealStage => ({
  id,
  label,
  displayOrder,
  metadata: { isClosed: isClosed ? 'true' : 'false', probability },
});

/** HubSpot's default sales pipeline of a new portal. */
export function defaultDealPipelines(): DealPipeline[] {
  return [
    {
      id: 'default',
      label: 'Sales Pipeline',
      displayOrder: 0,
      stages: [
        stage('appointmentscheduled', 'Appointment Scheduled', 0, '0.2'),
        stage('qualifiedtobuy', 'Qualified To Buy', 1, '0.4'),
        stage('presentationscheduled', 'Presentation Scheduled', 2, '0.6'),
        stage('decisionmakerboughtin', 'Decision Maker Bought-In', 3, '0.8'),
        stage('contractsent', 'Contract Sent', 4, '0.9'),
        stage('closedwon', 'Closed Won', 5, '1.0', true),
        stage('closedlost', 'Closed Lost', 6, '0.0', true),
      ],
    },
  ];
}

/** A customised pipeline as German portals have it: own stage ids and labels, won and lost not named "closed…". */
export function customDealPipeline(): DealPipeline {
  return {
    id: '7400001',
    label: 'Neukunden',
    displayOrder: 1,
    stages: [
      stage('7400011', 'Erstgespräch', 0, '0.1'),
      stage('7400012', 'Bedarfsanalyse', 1, '0.3'),
      stage('7400013', 'Angebot versendet', 2, '0.6'),
      stage('7400014', 'Auftrag erteilt', 3, '1.0', true),
      stage('7400015', 'Kein Auftrag', 4, '0.0', true),
    ],
  };
}

export function stageOf(pipelines: DealPipeline[], stageId: string): { pipeline: DealPipeline; stage: DealStage } | undefined {
  for (const pipeline of pipelines) {
    const found = pipeline.stages.find((s) => s.id === stageId);
    if (found) return { pipeline, stage: found };
  }
  return undefined;
}

/** The won and the lost stage of a pipeline (by metadata). */
export function closedStages(pipeline: DealPipeline): { won: DealStage; lost: DealStage } {
  const won = pipeline.stages.find((s) => s.metadata.isClosed === 'true' && Number(s.metadata.probability) >= 1);
  const lost = pipeline.stages.find((s) => s.metadata.isClosed === 'true' && Number(s.metadata.probability) <= 0);
  if (!won || !lost) throw new Error(`pipeline ${pipeline.id} has no won or no lost stage`);
  return { won, lost };
}

// Lead pipelines (Sales Hub Professional and Enterprise; docs/hubspot-platform.md §4.9): stages New, Attempting, Connected,
// Qualified, Disqualified by default, customisable per portal. Each stage's metadata says whether it is closed and which
// lead state it stands for, so an app finds "disqualified" without knowing stage ids or labels.
export type LeadState = 'NEW_STAGE_TYPE' | 'IN_PROGRESS_STAGE_TYPE' | 'QUALIFIED_STAGE_TYPE' | 'UNQUALIFIED_STAGE_TYPE';

export interface LeadStage {
  id: string;
  label: string;
  displayOrder: number;
  metadata: { isClosed: 'true' | 'false'; leadState: LeadState };
}

export interface LeadPipeline {
  id: string;
  label: string;
  displayOrder: number;
  stages: LeadStage[];
}

const leadStage = (id: string, label: string, displayOrder: number, leadState: LeadState): LeadStage => ({
  id,
  label,
  displayOrder,
  metadata: { isClosed: leadState === 'QUALIFIED_STAGE_TYPE' || leadState === 'UNQUALIFIED_STAGE_TYPE' ? 'true' : 'false', leadState },
});

/** HubSpot's default lead pipeline. */
export function defaultLeadPipelines(): LeadPipeline[] {
  return [
    {
      id: 'lead-pipeline-id',
      label: 'Lead pipeline',
      displayOrder: 0,
      stages: [
        leadStage('new-stage-id', 'New', 0, 'NEW_STAGE_TYPE'),
        leadStage('attempting-stage-id', 'Attempting', 1, 'IN_PROGRESS_STAGE_TYPE'),
        leadStage('connected-stage-id', 'Connected', 2, 'IN_PROGRESS_STAGE_TYPE'),
        leadStage('qualified-stage-id', 'Qualified', 3, 'QUALIFIED_STAGE_TYPE'),
        leadStage('unqualified-stage-id', 'Disqualified', 4, 'UNQUALIFIED_STAGE_TYPE'),
      ],
    },
  ];
}

/** A German portal's own lead pipeline: numeric ids, own labels, the disqualified stage not last and not named so. */
export function customLeadPipeline(): LeadPipeline {
  return {
    id: '8800001',
    label: 'Vertriebsleads',
    displayOrder: 0,
    stages: [
      leadStage('8800011', 'Neu', 0, 'NEW_STAGE_TYPE'),
      leadStage('8800012', 'Kein Interesse', 1, 'UNQUALIFIED_STAGE_TYPE'),
      leadStage('8800013', 'Im Gespräch', 2, 'IN_PROGRESS_STAGE_TYPE'),
      leadStage('8800014', 'Übergabe an Vertrieb', 3, 'QUALIFIED_STAGE_TYPE'),
    ],
  };
}

export function leadStageOf(pipelines: LeadPipeline[], stageId: string): { pipeline: LeadPipeline; stage: LeadStage } | undefined {
  for (const pipeline of pipelines) {
    const found = pipeline.stages.find((s) => s.id === stageId);
    if (found) return { pipeline, stage: found };
  }
  return undefined;
}

/** The answer HubSpot gives for the leads object in a portal without Leads (no Sales Hub Professional/Enterprise seat). */
export function leadsUnavailable(): { status: number; body: unknown } {
  return { status: 403, body: { status: 'error', message: 'This portal does not have access to the leads object.', category: 'MISSING_SCOPES', subCategory: 'LEADS_NOT_AVAILABLE' } };
}

const stamp = <T extends object>(p: T) => ({ ...p, archived: false, createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00Z' });

export function registerPipelineRoutes(router: Router): void {
  const paths = ['/crm/v3/pipelines/{objectType}', '/crm/pipelines/2026-03/{objectType}'];
  const scopes = (p: Record<string, string>) => (p.objectType === 'leads' || p.objectType === '0-136' ? ['crm.objects.leads.read'] : ['crm.objects.deals.read']);
  router.add('GET', paths, { scopes }, (ctx) => {
    const type = ctx.params.objectType;
    if (type === 'leads' || type === '0-136') {
      const leads = ctx.portal!.leadPipelines;
      if (!leads) return leadsUnavailable();
      return { status: 200, body: { results: leads.map(stamp) } };
    }
    if (type !== 'deals' && type !== '0-3') {
      return { status: 400, body: { status: 'error', message: `Unsupported object type ${ctx.params.objectType}`, category: 'VALIDATION_ERROR' } };
    }
    return { status: 200, body: { results: ctx.portal!.dealPipelines.map(stamp) } };
  });
}
