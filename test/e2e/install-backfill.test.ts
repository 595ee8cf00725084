// End to end: OAuth install → properties provisioned → backfill scores every contact, keeping late lifecycle stages,
// inside HubSpot's rate limit. The real app (startApp) and the real @hubspot/api-client against the stand-in.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANSWER_PROPERTIES,
  contactsOf,
  type Env,
  installViaOAuth,
  OUTPUT_PROPERTIES,
  REPO_ROOT,
  SQL_ANSWERS,
  startEnv,
  unscored,
  waitAllScored,
  waitQuiescent,
} from './harness.ts';

const STAGE_ORDER = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other'];
const LATE_STAGES = ['opportunity', 'customer'];

let env: Env;
let modelVersion: string;
/** Each contact's lifecycle stage before the install. */
const stageBefore = new Map<number, string>();
/** Contacts set to opportunity/customer before the install, with SQL answers waiting for the properties. */
const lateContacts: number[] = [];
let installPage: string;

beforeAll(async () => {
  modelVersion = (JSON.parse(await readFile(join(REPO_ROOT, 'config/scoring-model.json'), 'utf8')) as { version: string }).version;
  env = await startEnv({
    portal: { contacts: 200, seed: 7 },
    install: false,
    beforeInstall: (portal) => {
      const contacts = [...portal.live('contacts')];
      // Every 10th contact becomes an opportunity or a customer whose rep already noted SQL answers: the scoring
      // recommends an earlier stage for each of them, which the app must not write.
      contacts.forEach((c, i) => {
        if (i % 10 !== 3) return;
        c.props.lifecyclestage = LATE_STAGES[(i / 10) % 2 < 1 ? 0 : 1] as string;
        for (const [name, value] of Object.entries(SQL_ANSWERS)) {
          const pending = portal.pendingValues.get(name) ?? new Map<number, string>();
          pending.set(c.id, value);
          portal.pendingValues.set(name, pending);
        }
        lateContacts.push(c.id);
      });
      for (const c of portal.live('contacts')) stageBefore.set(c.id, c.props.lifecyclestage ?? '');
    },
  });
  installPage = await installViaOAuth(env.app!.url, env.portal.id);
  await waitAllScored(env.portal, { modelVersion, logLines: env.logLines });
  await waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describe('install through OAuth and backfill', () => {
  it('when the admin completes the OAuth flow, then the app used the 2026-03 token endpoints and its page names the portal', () => {
    expect(installPage).toContain(String(env.portal.id));
    expect(env.standIn.countRequests({ method: 'POST', path: '/oauth/2026-03/token', status: 200 })).toBe(1);
    expect(env.standIn.countRequests({ method: 'POST', path: '/oauth/2026-03/token/introspect', status: 200 })).toBe(1);
    expect(env.standIn.countRequests({ path: /^\/oauth\/v1\// })).toBe(0);
  });

  it("when installed, then the portal's time zone from HubSpot's account details is on the installation, for its daily task budget", async () => {
    expect((await env.app!.ctx.store.getInstallation(env.portal.id))?.timeZone).toBe('Europe/Berlin');
  });

  it('when installed, then the group and every section-3 and answer property exist with the contract types and options', () => {
    const group = env.portal.groups.contacts.get('bant_scoring');
    expect(group?.label).toBe('BANT lead scoring');
    const defs = env.portal.properties.contacts;
    for (const [name, spec] of Object.entries(OUTPUT_PROPERTIES)) {
      const def = defs.get(name);
      expect(def, name).toBeDefined();
      expect(def?.groupName, name).toBe('bant_scoring');
      expect(def?.type, name).toBe(spec.type);
      expect(def?.label.length, name).toBeGreaterThan(0);
      expect(def?.description.length, name).toBeGreaterThan(0);
      if (spec.values) expect(def?.options.map((o) => o.value).sort(), name).toEqual([...spec.values].sort());
    }
    expect(defs.get('bant_score_reasons')?.fieldType).toBe('textarea');
    for (const [name, values] of Object.entries(ANSWER_PROPERTIES)) {
      const def = defs.get(name);
      expect(def?.groupName, name).toBe('bant_scoring');
      expect(def?.type, name).toBe('enumeration');
      expect(def?.options.map((o) => o.value).sort(), name).toEqual([...values].sort());
    }
  });

  it('when the backfill is done, then every contact has every section-3 property with an allowed value and the model version', () => {
    expect(unscored(env.portal, modelVersion)).toEqual([]);
    for (const c of contactsOf(env.portal)) {
      const v = (name: string) => env.portal.value('contacts', c, name);
      for (const [name, spec] of Object.entries(OUTPUT_PROPERTIES)) {
        const value = v(name);
        if (name === 'bant_disqualify_reason') {
          if (v('bant_qualification') === 'disqualified') expect(spec.values, `${c.id} ${name}`).toContain(value);
          else expect(value, `${c.id} ${name}`).toBeUndefined();
          continue;
        }
        if (name === 'bant_score_reasons' && value === undefined) continue;
        expect(value, `${c.id} ${name}`).toBeDefined();
        if (spec.values) expect(spec.values, `${c.id} ${name}`).toContain(value);
      }
      expect(Number(v('bant_fit_score'))).toBeGreaterThanOrEqual(0);
      expect(Number(v('bant_fit_score'))).toBeLessThanOrEqual(100);
      expect(Number(v('bant_engagement_score'))).toBeGreaterThanOrEqual(0);
      const met = ['bant_budget', 'bant_authority', 'bant_need', 'bant_timeline'].filter((n) => v(n) === 'met').length;
      expect(Number(v('bant_criteria_met')), String(c.id)).toBe(met);
      expect(v('bant_priority'), String(c.id)).toBe(`${v('bant_fit_grade')}${v('bant_engagement_tier')}`);
      expect(v('bant_model_version')).toBe(modelVersion);
      expect(Number.isNaN(Date.parse(v('bant_scored_at') ?? ''))).toBe(false);
    }
  });

  it('when the backfill is done, then the outcomes are a plausible mix and disqualified leads are UNQUALIFIED', () => {
    const outcomes = new Map<string, number>();
    for (const c of contactsOf(env.portal)) outcomes.set(c.props.bant_qualification as string, (outcomes.get(c.props.bant_qualification as string) ?? 0) + 1);
    expect(outcomes.get('disqualified')).toBeGreaterThan(0);
    expect(outcomes.get('nurture')).toBeGreaterThan(0);
    for (const c of contactsOf(env.portal)) {
      // Contacts past the lead stages keep their lead status (docs/contract.md section 4).
      if (c.props.bant_qualification !== 'disqualified') continue;
      if (STAGE_ORDER.indexOf(c.props.lifecyclestage ?? '') < STAGE_ORDER.indexOf('opportunity')) expect(c.props.hs_lead_status, String(c.id)).toBe('UNQUALIFIED');
      else expect(c.props.hs_lead_status, String(c.id)).not.toBe('UNQUALIFIED');
    }
  });

  it('when opportunity and customer contacts are scored, then they keep their stage even where the scoring recommends SQL', () => {
    expect(lateContacts.length).toBe(20);
    const sqlRecommended = lateContacts.filter((id) => env.portal.contacts.get(id)?.props.bant_lifecycle_stage === 'salesqualifiedlead');
    expect(sqlRecommended.length).toBeGreaterThan(0);
    for (const id of lateContacts) {
      const c = env.portal.contacts.get(id);
      expect(c?.props.bant_lifecycle_stage, String(id)).toBeDefined();
      expect(c?.props.lifecyclestage, String(id)).toBe(stageBefore.get(id));
    }
  });

  it('when scored, then lifecyclestage moved only forward: to the recommendation where it was earlier, never back, never past opportunity', () => {
    let movedForward = 0;
    for (const c of contactsOf(env.portal)) {
      const before = stageBefore.get(c.id) ?? '';
      const after = c.props.lifecyclestage ?? '';
      const recommended = c.props.bant_lifecycle_stage as string;
      const b = STAGE_ORDER.indexOf(before);
      const r = STAGE_ORDER.indexOf(recommended);
      if (b >= STAGE_ORDER.indexOf('opportunity')) expect(after, String(c.id)).toBe(before);
      else if (before === '' || r > b) {
        expect(after, String(c.id)).toBe(recommended);
        if (before !== after) movedForward++;
      } else expect(after, String(c.id)).toBe(before);
    }
    expect(movedForward).toBeGreaterThan(0);
  });

  it('when the install and backfill ran, then no rolling 10-second window held more than 110 requests and HubSpot never answered 429', () => {
    expect(env.standIn.maxRequestsInWindow(env.portal.id, 10_000)).toBeLessThanOrEqual(110);
    expect(env.standIn.countRequests({ portalId: env.portal.id, status: 429 })).toBe(0);
    // 200 contacts in batches of 100: a handful of calls, not one per contact.
    expect(env.standIn.countRequests({ path: '/crm/objects/2026-03/contacts/batch/update' })).toBeLessThanOrEqual(4);
  });

  it('when the app installed and backfilled, then every CRM call used the date-versioned 2026-03 APIs, none a v3 or v4 path', () => {
    const paths = new Set(env.standIn.requests.filter((r) => r.portalId === env.portal.id).map((r) => r.path));
    expect(paths.size).toBeGreaterThan(3);
    expect([...paths].filter((p) => /^\/(crm|account-info)\/v\d\//.test(p))).toEqual([]);
    expect([...paths].some((p) => p.startsWith('/crm/associations/2026-03/'))).toBe(true);
  });

  it('when the backfill writes came back as webhooks, then they were acknowledged and caused no further HubSpot calls', () => {
    const writes = env.standIn.requests.filter((r) => r.path === '/crm/objects/2026-03/contacts/batch/update');
    const lastWrite = Math.max(...writes.map((r) => r.time));
    const echoesAfter = env.standIn.deliveries.filter((d) => d.at >= lastWrite).flatMap((d) => d.events);
    expect(echoesAfter.filter((e) => e.changeSource === 'INTEGRATION' && e.sourceId === env.standIn.app.appId.toString()).length).toBeGreaterThan(0);
    expect(env.standIn.deliveries.every((d) => d.ok)).toBe(true);
    const callsAfter = env.standIn.requests.filter((r) => r.time > lastWrite && r.portalId === env.portal.id);
    // The last write may be followed by the task calls of its own batch, never by another read of contacts.
    expect(callsAfter.filter((r) => r.path.startsWith('/crm/objects/2026-03/contacts'))).toEqual([]);
  });
});
