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

export function registerPipelineRoutes(router: Router): void {
  const paths = ['/crm/v3/pipelines/{objectType}', '/crm/pipelines/2026-03/{objectType}'];
  router.add('GET', paths, { scopes: () => ['crm.objects.deals.read'] }, (ctx) => {
    if (ctx.params.objectType !== 'deals' && ctx.params.objectType !== '0-3') {
      return { status: 400, body: { status: 'error', message: `Unsupported object type ${ctx.params.objectType}`, category: 'VALIDATION_ERROR' } };
    }
    const pipelines = ctx.portal!.dealPipelines;
    return { status: 200, body: { results: pipelines.map((p) => ({ ...p, archived: false, createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00Z' })) } };
  });
}
