// The comparison for bench/api-calls.bench.ts: how a straightforward per-contact integration would rescore contacts
// with the same SDK (@hubspot/api-client) against the same stand-in, under the same 110-per-10-s budget:
//   one read per contact (with its engagement associations), one read per activity, one write per contact.
// It scores with the app's own engine, so the work done is the same; only the HubSpot access pattern differs.
import { Client } from '@hubspot/api-client';
import Bottleneck from 'bottleneck';
import { ENGAGEMENT_PROPERTIES, callActivities, DEFAULT_CALL_DISPOSITIONS, emailActivities, meetingActivities } from '../src/hubspot/map-activities.ts';
import { modelInputs, score, type ScoringModel } from '../src/scoring/index.ts';
import type { Activity } from '../src/scoring/types.ts';

const TYPES = ['calls', 'meetings', 'emails', 'notes'] as const;
type EngagementType = (typeof TYPES)[number];

export interface NaiveRunResult {
  contacts: number;
  calls: number;
  reads: number;
  writes: number;
  activities: number;
  seconds: number;
}

/** Rescores `contactIds` one by one; `perTenSeconds` paces requests like the app's limiter (a rolling 10-s window). */
export async function runNaiveRescore(options: {
  basePath: string;
  accessToken: string;
  contactIds: string[];
  model: ScoringModel;
  perTenSeconds?: number;
  /** Contacts handled at once (each contact's calls are sequential). */
  concurrency?: number;
}): Promise<NaiveRunResult> {
  const client = new Client({ accessToken: options.accessToken, basePath: options.basePath, numberOfApiCallRetries: 3 });
  const limiter = new Bottleneck({ minTime: Math.ceil(10_000 / (options.perTenSeconds ?? 110)) + 2 });
  const inputs = modelInputs(options.model);
  const result: NaiveRunResult = { contacts: 0, calls: 0, reads: 0, writes: 0, activities: 0, seconds: 0 };
  const call = <T>(kind: 'read' | 'write', fn: () => Promise<T>): Promise<T> =>
    limiter.schedule(() => {
      result.calls++;
      if (kind === 'read') result.reads++;
      else result.writes++;
      return fn();
    });

  const one = async (contactId: string) => {
    const contact = await call('read', () => client.crm.contacts.basicApi.getById(contactId, inputs.contact, undefined, [...TYPES]));
    const activities: Activity[] = [];
    const associations = (contact.associations ?? {}) as Record<string, { results?: Array<{ id: string }> } | undefined>;
    for (const type of TYPES) {
      for (const link of associations[type]?.results ?? []) {
        const props = type === 'notes' ? ['hs_timestamp'] : [...ENGAGEMENT_PROPERTIES[type as Exclude<EngagementType, 'notes'>]];
        const object = await call('read', () => client.crm.objects.basicApi.getById(type, link.id, props));
        result.activities++;
        const p = object.properties as Record<string, string | null>;
        if (type === 'meetings') activities.push(...meetingActivities(p));
        else if (type === 'calls') activities.push(...callActivities(p, DEFAULT_CALL_DISPOSITIONS));
        else if (type === 'emails') activities.push(...emailActivities(p));
      }
    }
    const properties: Record<string, string> = {};
    for (const [k, v] of Object.entries(contact.properties)) if (typeof v === 'string') properties[k] = v;
    const scored = score({ properties, company: null, activities }, options.model, new Date());
    const values: Record<string, string> = { ...scored.properties };
    await call('write', () => client.crm.contacts.basicApi.update(contactId, { properties: values }));
    result.contacts++;
  };

  const started = performance.now();
  const queue = [...options.contactIds];
  const workers = Array.from({ length: options.concurrency ?? 4 }, async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) await one(id);
  });
  await Promise.all(workers);
  result.seconds = (performance.now() - started) / 1000;
  await limiter.stop({ dropWaitingJobs: false });
  return result;
}
