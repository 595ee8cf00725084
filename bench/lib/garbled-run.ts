// One run of the garbled-answers scenario (issue 12 item 4), shared by bench/garbled.ts and
// test/e2e/garbled-answers.test.ts: the real server (child process, lowdb) installed on a stand-in portal, backfilled,
// then a seeded stream of CRM changes (BANT answers, job titles) while — in the garbled run — a share of HubSpot's
// reads answers with an HTML gateway page, truncated JSON or a gateway 404. The outcome is every contact's section-3
// properties and open app tasks, to compare with a clean run of the same seed.
import { readFileSync } from 'node:fs';
import { parseModel } from '../../src/scoring/model-schema.ts';
import { prng } from '../../standin/generate-portal.ts';
import type { Portal, StandIn } from '../../standin/index.ts';
import { appEnv, freePort, installViaOAuth, makeTempDir, metricSum, removeDir, scrapeMetrics, sleep, spawnApp, startBenchStandIn, waitFor, waitForBackfill } from './harness.ts';

export interface GarbledRunOptions {
  contacts: number;
  changes: number;
  seed: number;
  /** Garble this share of reads while the changes arrive (and `extraMs` after); absent = a clean run. */
  garble?: { share: number; extraMs: number };
  /** Milliseconds between changes. */
  gapMs?: number;
}

export interface GarbledRunOutcome {
  /** Contact index (creation order) → its section-3 properties. */
  contacts: string[];
  /** Contacts whose budget or timeline is not what their own answer says: taken from a colleague's newer answer. */
  inherited: number;
  /** SQL contacts without an open call_sql task. */
  sqlWithoutCallTask: number;
  /** Contacts with two open app tasks of the same kind. */
  duplicateOpenTasks: number;
  /** Answers the stand-in garbled. */
  garbled: number;
  /** Garbled answers the app noticed and retried (hubspot_garbled_responses_total). */
  retries: number;
  deadLetters: number;
  seconds: number;
}

const COMPARED = [
  'bant_qualification',
  'bant_priority',
  'bant_fit_grade',
  'bant_fit_score',
  'bant_engagement_tier',
  'bant_criteria_met',
  'bant_budget',
  'bant_authority',
  'bant_need',
  'bant_timeline',
  'bant_disqualify_reason',
  'bant_lifecycle_stage',
];
// Not compared: lifecyclestage and hs_lead_status only ever move forward (UNQUALIFIED once disqualified), and a task
// created for a passing state stays open, so they keep the trace of passing states; which passing states get scored
// depends on timing (coalescing, retries) even between two clean runs. Tasks are checked for duplicates instead (and
// SQL contacts without an open call_sql task are counted; the daily task budget defers some in either run).

const shipped = parseModel(JSON.parse(readFileSync(new URL('../../config/scoring-model.json', import.meta.url), 'utf8')));
if (!shipped.ok) throw new Error('shipped model invalid');
const ANSWER_STATES = { budget: shipped.model.bant.budget.answers, timeline: shipped.model.bant.timeline.answers };

/** The contact's budget or timeline differs from the state its own answer gives. */
function takesColleagueAnswer(props: Record<string, string>): boolean {
  return (['budget', 'timeline'] as const).some((criterion) => {
    const answer = props[`bant_${criterion}_answer`];
    const answers: Record<string, string> = ANSWER_STATES[criterion];
    return answer !== undefined && Object.hasOwn(answers, answer) && props[`bant_${criterion}`] !== answers[answer];
  });
}

const BUDGET = ['approved', 'planned', 'none'];
const AUTHORITY = ['decision_maker', 'influencer', 'none'];
const NEED = ['acute', 'acute', 'latent', 'none'];
const TIMELINE = ['lt_3_months', '3_6_months', '6_12_months', 'gt_12_months'];
const TITLES = ['Geschäftsführer', 'Head of IT', 'Einkäufer', 'Werkstudent', 'CTO', 'Teamleiter'];

function openTaskKinds(portal: Portal, contactId: number): string[] {
  return portal
    .tasksOf(contactId)
    .filter((t) => t.props.hs_task_status !== 'COMPLETED')
    .map((t) => (t.props.hs_task_body ?? '').trim().split('\n').at(-1) ?? '')
    .filter((line) => line.startsWith('bant-task: '))
    .map((line) => line.slice('bant-task: '.length))
    .sort();
}

/** Quiet: deliveries done, the app's queue empty, and no HubSpot request for `quietMs`. */
async function waitQuiet(standIn: StandIn, appUrl: string, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      await standIn.webhooksIdle();
      const before = standIn.requests.length;
      await sleep(1_500);
      const depth = metricSum(await scrapeMetrics(appUrl), 'bant_queue_depth');
      return depth === 0 && standIn.requests.length === before;
    },
    { timeoutMs, intervalMs: 0, what: 'the app and the stand-in to go quiet' },
  );
}

export async function runGarbledScenario(options: GarbledRunOptions): Promise<GarbledRunOutcome> {
  const started = Date.now();
  const port = await freePort();
  const dataDir = await makeTempDir('bant-garbled-');
  const standIn = await startBenchStandIn({
    webhookTargetUrl: `http://127.0.0.1:${port}/webhooks/hubspot`,
    deliveryDelayMs: 20,
    deliveryRetries: 10,
    deliveryRetryBaseMs: 200,
  });
  const portal = standIn.createPortal({ contacts: options.contacts, seed: options.seed });
  // Scheduled jobs stay out of the comparison (once a year).
  const env = appEnv({ port, standIn, dataDir, extra: { CRON_RECONCILE: '0 0 1 1 *', CRON_DECAY: '0 0 1 1 *', CRON_TASKS: '0 0 1 1 *' } });
  const app = await spawnApp(env);
  try {
    await installViaOAuth(app.url, portal.id);
    await waitForBackfill(app.url, { timeoutMs: 120_000 });
    await waitQuiet(standIn, app.url, 60_000);

    const ids = [...portal.live('contacts')].map((c) => c.id);
    const random = prng(options.seed * 31 + 7);
    const pick = <T>(values: T[]): T => values[Math.floor(random() * values.length)] as T;
    const gapMs = options.gapMs ?? 40;
    if (options.garble) {
      const until = Date.now() + options.changes * gapMs + options.garble.extraMs;
      standIn.garble({ share: options.garble.share, untilMs: until, random: prng(options.seed) });
    }
    for (let i = 0; i < options.changes; i++) {
      const id = pick(ids);
      const change: Record<string, string> =
        random() < 0.8
          ? { bant_budget_answer: pick(BUDGET), bant_authority_answer: pick(AUTHORITY), bant_need_answer: pick(NEED), bant_timeline_answer: pick(TIMELINE) }
          : { jobtitle: pick(TITLES) };
      standIn.simulate.updateContact(portal.id, id, change);
      await sleep(gapMs);
    }
    if (options.garble) await sleep(options.garble.extraMs);
    standIn.garble({ share: 0 });
    await waitQuiet(standIn, app.url, 180_000);

    const metrics = await scrapeMetrics(app.url);
    const contacts = ids.map((id) => {
      const c = portal.contacts.get(id);
      const fields = COMPARED.map((name) => `${name}=${c?.props[name] ?? ''}`);
      return fields.join(' ');
    });
    const inherited = ids.filter((id) => takesColleagueAnswer(portal.contacts.get(id)?.props ?? {})).length;
    const sqlWithoutCallTask = ids.filter((id) => portal.contacts.get(id)?.props.bant_qualification === 'sql' && !openTaskKinds(portal, id).includes('call_sql')).length;
    const duplicateOpenTasks = ids.filter((id) => {
      const kinds = openTaskKinds(portal, id);
      return new Set(kinds).size !== kinds.length;
    }).length;
    return {
      contacts,
      duplicateOpenTasks,
      inherited,
      sqlWithoutCallTask,
      garbled: standIn.garbledCount(),
      retries: metricSum(metrics, 'hubspot_garbled_responses_total'),
      deadLetters: metricSum(metrics, 'bant_dead_letters'),
      seconds: (Date.now() - started) / 1000,
    };
  } catch (error) {
    throw new Error(`${(error as Error).message}\napp output:\n${app.output().slice(-3000)}`);
  } finally {
    await app.stop('SIGKILL');
    await standIn.close();
    await removeDir(dataDir);
  }
}

/** Indexes of contacts whose outcome differs between two runs of the same seed. */
export function differingContacts(clean: GarbledRunOutcome, garbled: GarbledRunOutcome): number[] {
  return clean.contacts.flatMap((line, i) => (garbled.contacts[i] === line ? [] : [i]));
}
