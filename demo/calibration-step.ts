// The demo's "learning from outcomes" step: the deals won and lost and the reps' feedback in the demo portal are
// swept in, the active model is evaluated on them, a calibrated model is proposed and activated through the admin
// console's API (signed in like a browser), every contact is rescored, and the AUC is printed before and after.
import type { RunningApp } from '../src/main.ts';
import { runReconcile } from '../src/jobs/reconcile.ts';
import type { Portal } from '../standin/index.ts';

interface Evaluation {
  outcomes: { won: number; lost: number };
  model: { version: string };
  evaluation: { auc: number | null; lift: { top10: number | null } } | null;
  message?: string;
}

/** A cookie-keeping client for the console's API, signed in through the stand-in's OAuth pages. */
async function signIn(appUrl: string): Promise<(method: string, path: string, body?: unknown) => Promise<Response>> {
  const cookies = new Map<string, string>();
  let csrf = '';
  const request = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (cookies.size) headers.Cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (csrf) headers['X-CSRF-Token'] = csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(new URL(path, appUrl), { method, headers, redirect: 'manual', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair && eq > 0) cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  };
  let response = await request('GET', '/admin/signin');
  for (let hops = 0; hops < 5 && response.status === 302; hops++) {
    const location = response.headers.get('location') ?? '';
    if (new URL(location, appUrl).pathname === '/admin') break;
    response = await request('GET', location);
  }
  const session = await request('GET', '/admin/api/session');
  if (!session.ok) throw new Error(`signing in to the console failed (${session.status})`);
  csrf = ((await session.json()) as { csrfToken: string }).csrfToken;
  return request;
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
  const api = await signIn(app.url);
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
