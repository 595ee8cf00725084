// API calls per rescored contact in a bulk rescore, 10 activities per contact: the app (its backfill, run by the
// real app as a child process against the HubSpot stand-in with HubSpot's limits) versus a naive per-contact
// integration (bench/naive-integration.ts: one read per contact, one per activity, one write per contact, same SDK).
// Aim: ≤ 0.2 calls per contact for the app.
// Run: scripts/with-node24 node --experimental-strip-types bench/api-calls.bench.ts [--quick] [--contacts N] [--naive N] [--store lowdb|postgres]
import { readFileSync } from 'node:fs';
import { parseModel } from '../src/scoring/index.ts';
import {
  appEnv,
  burstCalls,
  callBreakdown,
  DEFAULT_DATABASE_URL,
  freePort,
  installViaOAuth,
  makeTempDir,
  metricSum,
  parseArgs,
  removeDir,
  reportResult,
  scratchDatabase,
  scrapeMetrics,
  sleep,
  spawnApp,
  startBenchStandIn,
  waitFor,
  waitForBackfill,
} from './lib/harness.ts';
import { runNaiveRescore } from './naive-integration.ts';

const args = parseArgs();
const contacts = args.num('contacts', args.quick ? 300 : 1_000);
const naiveContacts = args.num('naive', args.quick ? 30 : 100);
const storeKind = args.get('store') ?? 'lowdb';

const parsed = parseModel(JSON.parse(readFileSync(new URL('../config/scoring-model.json', import.meta.url), 'utf8')));
if (!parsed.ok) throw new Error('default model invalid');

const port = await freePort();
const standIn = await startBenchStandIn({ webhookTargetUrl: `http://127.0.0.1:${port}/webhooks/hubspot` });
// With deals won and lost and sales feedback (issue #13), and about five contacts per company (issue 16): neither
// outcomes nor the account part may cost the rescore extra calls; the account part is measured beside the contacts' own.
const portal = standIn.createPortal({ contacts, companies: Math.max(1, Math.round(contacts / 5)), engagementsPerContact: 10, seed: 11, outcomes: { share: 0.5 } });
const engagements = ['calls', 'meetings', 'emails', 'notes'].reduce((n, t) => n + portal.count(t as 'calls'), 0);
const dataDir = await makeTempDir('bench-api-calls');
const db = storeKind === 'postgres' ? await scratchDatabase(DEFAULT_DATABASE_URL, 'bench_api') : undefined;
// The production rescore delay (1 s), which sets the account pass's settle window after a bulk rescore.
const app = await spawnApp(appEnv({ port, standIn, dataDir, extra: { DATABASE_URL: db?.url, RESCORE_DELAY_MS: '1000' } }));
try {
  console.log(`api-calls: ${contacts} contacts, ${engagements} engagements (${(engagements / contacts).toFixed(1)} per contact), store ${storeKind}, HubSpot limits 110/10 s`);
  const t0 = Date.now();
  await installViaOAuth(app.url, portal.id);
  await waitForBackfill(app.url, { timeoutMs: 30 * 60_000 });
  const seconds = (Date.now() - t0) / 1000;
  // The account pass follows the contacts' rescores after its settle window: wait until the queue is empty.
  await sleep(5_000);
  const metrics = await waitFor(async () => {
    const m = await scrapeMetrics(app.url);
    return metricSum(m, 'bant_queue_depth') === 0 ? m : undefined;
  }, { timeoutMs: 5 * 60_000, intervalMs: 500, what: 'the account pass to finish' });
  const breakdown = callBreakdown(standIn, portal.id, t0);
  const provisioning = Object.entries(breakdown)
    .filter(([k]) => /properties|owners|groups/.test(k))
    .reduce((n, [, v]) => n + v, 0);
  const rescored = metricSum(metrics, 'bant_contacts_rescored_total', { reason: 'backfill' });
  const accountCalls = metricSum(metrics, 'bant_account_api_calls_total');
  const accounts = metricSum(metrics, 'bant_accounts_rescored_total');
  // The account pass may write colleagues' inherited values: counted in the account part, not the contacts'.
  const total = burstCalls(standIn, portal.id, t0);
  const appPerContact = (total - provisioning) / rescored;
  const contactOnly = (total - provisioning - accountCalls) / rescored;
  console.log(`  app: ${rescored} contacts rescored in ${seconds.toFixed(1)} s with ${total} calls (${provisioning} of them one-off install: properties, groups, owners)`);
  console.log(`       ${appPerContact.toFixed(3)} calls per contact for the rescore itself, ${(total / rescored).toFixed(3)} including the install`);
  console.log(`       contact-only ${contactOnly.toFixed(3)} per contact; account part ${accountCalls} calls for ${accounts} companies = ${(accountCalls / rescored).toFixed(3)} per contact (aim ≤ 0.05 → ${accountCalls / rescored <= 0.05 ? 'met' : 'MISSED'})`);
  console.log(`       by endpoint: ${JSON.stringify(breakdown)}`);

  // The naive integration on the same portal (its values were just written by the app, so this is a true re-score).
  const token = standIn.issueToken(portal.id).accessToken;
  const ids = [...portal.contacts.keys()].slice(0, naiveContacts).map(String);
  const t1 = Date.now();
  const naive = await runNaiveRescore({ basePath: standIn.url, accessToken: token, contactIds: ids, model: parsed.model });
  const naiveCalls = burstCalls(standIn, portal.id, t1);
  const naivePerContact = naiveCalls / naive.contacts;
  console.log(
    `  naive: ${naive.contacts} contacts in ${naive.seconds.toFixed(1)} s with ${naiveCalls} calls at the stand-in (${naive.reads} reads, ${naive.writes} writes, ${naive.activities} activities read)`,
  );
  console.log(`       ${naivePerContact.toFixed(2)} calls per contact`);
  console.log(`  ratio naive / app: ${(naivePerContact / appPerContact).toFixed(0)}×  (aim for the app: ≤ 0.2 calls per contact → ${appPerContact <= 0.2 ? 'met' : 'MISSED'})`);
  console.log(`  stand-in: max ${standIn.maxRequestsInWindow(portal.id, 10_000)} requests in any 10 s window, ${standIn.countRequests({ portalId: portal.id, status: 429 })} × 429`);
  const label = `api-calls (${storeKind})`;
  reportResult({ bench: label, metric: 'app calls/contact', value: Number(appPerContact.toFixed(3)), aim: '≤ 0.2', ok: appPerContact <= 0.2, note: `${rescored} contacts, 10 activities each` });
  reportResult({ bench: label, metric: 'naive calls/contact', value: Number(naivePerContact.toFixed(2)), note: `${naive.contacts} contacts` });
  reportResult({ bench: label, metric: 'naive / app', value: `${(naivePerContact / appPerContact).toFixed(0)}×` });
} finally {
  await app.stop();
  await standIn.close();
  await removeDir(dataDir);
  await db?.drop();
}
