// End to end: the call SLA counts the portal's working hours (default Monday to Friday 08:00–18:00 in the portal's
// time zone). The portal's zone is chosen so that it is night there now: the call task is due at 09:00 on the next
// working day, not an hour from now.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmRecord } from '../../standin/index.ts';
import { appTasks, contactsOf, type Env, SQL_ANSWERS, startEnv, waitAllScored, waitQuiescent, waitUntil } from './harness.ts';

/** An Etc/GMT zone where the local time is now between 20:00 and 04:00 (Etc/GMT-h is UTC+h). */
function nightZone(): string {
  const utcHour = new Date().getUTCHours();
  for (let offset = -12; offset <= 14; offset++) {
    const local = (((utcHour + offset) % 24) + 24) % 24;
    if (local >= 20 || local < 4) return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
  }
  throw new Error('no zone with night now');
}

function local(ms: number, timeZone: string): { weekday: string; hour: number; minute: number } {
  const parts = new Map(new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).formatToParts(ms).map((p) => [p.type, p.value]));
  return { weekday: parts.get('weekday') ?? '', hour: Number(parts.get('hour')), minute: Number(parts.get('minute')) };
}

let env: Env;
const zone = nightZone();

beforeAll(async () => {
  env = await startEnv({
    portal: { contacts: 20, seed: 8 },
    beforeInstall: (portal) => {
      portal.timeZone = zone;
    },
  });
  await waitAllScored(env.portal, { logLines: env.logLines });
  await waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describe('business hours', () => {
  it('when a lead becomes sales-ready at night in the portal’s time zone, then its call is due at 09:00 on the next working day', async () => {
    const lead = contactsOf(env.portal).find(
      (c) => c.props.hubspot_owner_id && !['disqualified', 'sql'].includes(c.props.bant_qualification ?? '') && ['', 'subscriber', 'lead', 'marketingqualifiedlead'].includes(c.props.lifecyclestage ?? ''),
    ) as CrmRecord;
    expect(lead).toBeDefined();
    const since = Date.now();
    env.standIn.simulate.updateContact(env.portal.id, lead.id, { ...SQL_ANSWERS });
    await waitUntil(() => appTasks(env.portal, lead.id, 'call_sql').length === 1, { message: `a call task for ${lead.id}` });
    const due = Date.parse(appTasks(env.portal, lead.id, 'call_sql')[0]?.props.hs_timestamp ?? '');
    const there = local(due, zone);
    expect(there).toMatchObject({ hour: 9, minute: 0 });
    expect(['Mon', 'Tue', 'Wed', 'Thu', 'Fri']).toContain(there.weekday);
    expect(due - since).toBeGreaterThan(4 * 3_600_000);
    expect(due - since).toBeLessThan(4 * 24 * 3_600_000);
  });
});
