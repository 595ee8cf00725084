// The demo's "learning from outcomes" step: the deals won and lost and the reps' feedback in the demo portal are
// swept in, the active model is evaluated on them, a calibrated model is proposed and activated through the admin
// console's API (signed in like a browser), every contact is rescored, and the AUC is printed before and after.
import type { RunningApp } from '../src/main.ts';
import { runReconcile } from '../src/jobs/reconcile.ts';
import type { Portal } from '../standin/index.ts';
import { signInToConsole } from './console-api.ts';

interface Evaluation {
  outcomes: { won: number; lost: number };
  model: { version: string };
  evaluation: { auc: number | null; lift: { top10: number | null } } | null;
  message?: string;
}

const aucText = (e: Evaluation) => (e.evaluation?.auc === null || e.evaluation === null ? 'n/a' : e.evaluation.auc.toFixed(3));

export async function demonstrateCalibration(app: RunningApp, portal: Portal, say: (line?: string) => void, stopped: () => boolean): Promise<void> {
  say('Learning from outcomes: sweeping the portal\'s deals won and lost and the reps\' sales feedback …');
  // Reconciliation waits while the backfill's bookkeeping is still under way.
  let swept = await runReconcile(app.ctx, portal.id);
  for (let tries = 0; tries < 60 && !stopped() && (!swept.ran || swept.result.summary.startsWith('skipped')); tries++) {
    await new Promise((r) => setTimeout(r, 500));
    swept = await runReconcile(app.ctx, portal.id);
  }
  if (swept.ran) say(`  ${swept.result.deals?.deals ?? 0} deals read, ${swept.result.deals?.outcomes ?? 0} deal outcomes recorded.`);
  const api = await signInToConsole(app.url);
  const evaluate = async () => (await (await api('GET', '/admin/api/outcomes/evaluate')).json()) as Evaluation;
  const before = await evaluate();
  say(`  Active model ${before.model.version}: AUC ${aucText(before)} on ${before.outcomes.won} won and ${before.outcomes.lost} lost outcomes.`);
  const proposal = await api('POST', '/admin/api/outcomes/calibrate', {});
  const proposed = (await proposal.json()) as { version?: string; report?: { auc: { before: number | null; after: number | null } }; error?: { message: string } };
  if (!proposal.ok || !proposed.version) {
    say(`  No calibrated model: ${proposed.error?.message ?? `the console answered ${proposal.status}`}`);
    return;
  }
  say(`  Proposed model ${proposed.version} as the draft; activating it through the console …`);
  const activated = await api('POST', '/admin/api/model/activate');
  if (!activated.ok) {
    say(`  Activation refused: ${((await activated.json()) as { error?: { message: string } }).error?.message ?? activated.status}`);
    return;
  }
  for (;;) {
    if (stopped()) return;
    const pending = [...portal.live('contacts')].filter((c) => c.props.bant_model_version !== proposed.version).length;
    if (pending === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const after = await evaluate();
  say(`  Every contact rescored with ${after.model.version}.`);
  say(`  AUC on outcomes the calibration never saw (time-ordered hold-out): ${proposed.report?.auc.before ?? 'n/a'} before, ${proposed.report?.auc.after ?? 'n/a'} after.`);
  say(`  AUC of the active model on all ${after.outcomes.won + after.outcomes.lost} outcomes: ${aucText(before)} before, ${aucText(after)} after (in-sample: it learned from most of them).`);
}
