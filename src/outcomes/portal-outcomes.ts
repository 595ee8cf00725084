// A portal's outcomes as the evaluation and calibration routes use them: the examples (features before each outcome),
// the funnel from the snapshots, and the model's inputs and the candidate properties calibration may use.
import type { AppContext } from '../app-context.ts';
import { modelInputs } from '../scoring/index.ts';
import type { ScoringModel } from '../scoring/model-schema.ts';
import type { Installation, PortalId, Store } from '../store/store.ts';
import { buildExamples, type ExampleSet } from './build-examples.ts';
import { outcomeReadProperties } from './candidate-properties.ts';
import { FunnelBuilder, type FunnelReport } from './funnel-report.ts';


export async function loadExamples(ctx: AppContext, installation: Installation): Promise<ExampleSet> {
  return buildExamples(await ctx.store.listOutcomes(installation.portalId));
}

export async function loadFunnel(store: Store, portalId: PortalId): Promise<FunnelReport> {
  const builder = new FunnelBuilder();
  builder.addMilestones(await store.listSnapshotMilestones(portalId));
  return builder.build(await store.listOutcomes(portalId));
}

/** The model's inputs, the documented defaults and the admin's picks: the properties calibration may build rules on. */
export function candidatePropertiesFor(model: ScoringModel, picked: readonly string[] | undefined): string[] {
  const inputs = modelInputs(model);
  return [...new Set([...inputs.contact, ...inputs.company, ...outcomeReadProperties(picked)])];
}
