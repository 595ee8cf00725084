// Lead routing against the store: two instances sharing one store route at once without passing a rep's capacity
// (the lock and the state in the installation record), a contact a rep took meanwhile keeps its owner, and owners
// outside the team or deactivated get nothing.
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { postgresReachable, TEST_DATABASE_URL } from '../test-database.ts';
import { afterAll, describe, expect, it } from 'vitest';
import type { PortalOwner } from '../../src/hubspot/portal-client.ts';
import { type RoutableItem, routeLeads } from '../../src/routing/route-leads.ts';
import type { ScoringResult } from '../../src/scoring/types.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { openPostgresStore } from '../../src/store/postgres-store.ts';
import { DEFAULT_SETTINGS, type InstallationPatch, type InstallationSettings, type Store } from '../../src/store/store.ts';
import { createFakePortalClient, createJobHarness, type FakePortalClient, PORTAL, testModel } from '../jobs/job-fixtures.ts';

const OWNERS: PortalOwner[] = [
  { id: '501', firstName: 'Anna', lastName: 'Schmidt', teams: [{ id: '7', name: 'Inside Sales', primary: true }] },
  { id: '502', firstName: 'Ben', lastName: 'Kurz', teams: [{ id: '7', name: 'Inside Sales', primary: true }] },
  { id: '503', firstName: 'Cem', lastName: 'Alt', teams: [{ id: '7', name: 'Inside Sales', primary: true }], deactivated: true },
  { id: '900', firstName: 'Sam', lastName: 'Field', teams: [{ id: '8', name: 'Field Sales', primary: true }] },
];

function routingClient(taken: Map<string, string> = new Map()): FakePortalClient & { assigned: Map<string, string> } {
  const client = createFakePortalClient() as FakePortalClient & { assigned: Map<string, string> };
  client.assigned = new Map();
  client.listOwners = async () => OWNERS;
  client.readContactOwners = async (ids) => {
    await delay(5);
    return new Map(ids.map((id) => [id, taken.get(id) ?? client.assigned.get(id) ?? null]));
  };
  client.writeContacts = async (writes) => {
    await delay(5);
    for (const w of writes) client.assigned.set(w.contactId, w.properties.hubspot_owner_id as string);
    return { written: writes.map((w) => w.contactId), failed: [] };
  };
  return client;
}

const lead = (contactId: string): RoutableItem => ({ contactId, ownerId: null, result: { qualification: 'sql', reasons: [], properties: { bant_score_reasons: '' } } as unknown as ScoringResult });
const settings = (dailyCapacity: number): InstallationSettings => ({ ...structuredClone(DEFAULT_SETTINGS), leadRouting: { enabled: true, teamId: '7', dailyCapacity } });

describe('routeLeads', () => {
  it('when two instances sharing a store route at once, then no rep passes its capacity and each lead gets one owner', async () => {
    // Store reads and writes take a while, as over a network: without the lock both instances would read the same turn.
    const memory = createMemoryStore();
    const slowRead = async (portalId: number) => {
      await delay(10);
      return memory.getInstallation(portalId);
    };
    const slowWrite = async (portalId: number, patch: InstallationPatch) => {
      await delay(50);
      return memory.updateInstallation(portalId, patch);
    };
    const store = new Proxy(memory, {
      get: (target, key) => {
        if (key === 'getInstallation') return slowRead;
        if (key === 'updateInstallation') return slowWrite;
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Store;
    const model = testModel();
    const client = routingClient();
    const one = await createJobHarness({ store, client, model });
    const two = await createJobHarness({ store, client, model });
    const options = { settings: settings(1), model, timeZone: 'Europe/Berlin' };
    const [a, b] = await Promise.all([
      routeLeads(one.ctx, client, PORTAL, [lead('1'), lead('2')], options),
      routeLeads(two.ctx, client, PORTAL, [lead('3'), lead('4')], options),
    ]);
    expect(a.assigned.size + b.assigned.size).toBe(2);
    expect(a.waiting + b.waiting).toBe(2);
    expect([...client.assigned.values()].sort()).toEqual(['501', '502']);
    const state = (await store.getInstallation(PORTAL))?.leadRouting;
    expect(state?.assigned).toBe(2);
    expect(state?.reps.map((r) => [r.ownerId, r.today])).toEqual([
      ['501', 1],
      ['502', 1],
      ['503', 0],
    ]);
  });

  it('when a rep took a contact between scoring and routing, then routing leaves it to the rep and explains the others', async () => {
    const client = routingClient(new Map([['2', '900']]));
    const { ctx } = await createJobHarness({ client });
    const leads = [lead('1'), lead('2'), { ...lead('3'), result: { ...lead('3').result, qualification: 'nurture' } as ScoringResult }];
    const outcome = await routeLeads(ctx, client, PORTAL, leads, { settings: settings(10), model: testModel(), timeZone: undefined });
    expect(leads.map((l) => l.ownerId)).toEqual(['501', '900', null]);
    expect([...client.assigned]).toEqual([['1', '501']]);
    expect(outcome.assigned.get('1')?.reason).toBe('assigned to Anna Schmidt (team Inside Sales) by lead routing');
  });

  it('when routing is off, then nothing is read or written', async () => {
    const client = routingClient();
    const { ctx } = await createJobHarness({ client });
    const off = { ...settings(10), leadRouting: { enabled: false, teamId: '7' } };
    const outcome = await routeLeads(ctx, client, PORTAL, [lead('1')], { settings: off, model: testModel(), timeZone: undefined });
    expect(outcome.assigned.size).toBe(0);
    expect(client.assigned.size).toBe(0);
  });
});

// Two instances, each with its own connection pool to one PostgreSQL schema, as several app processes run.
const DATABASE_URL = TEST_DATABASE_URL;
const schema = `bant_test_routing_${process.pid}_${randomBytes(3).toString('hex')}`;
const withPostgres = await postgresReachable();
if (!withPostgres) console.warn('PostgreSQL not reachable: SKIPPING lead routing across instances on PostgreSQL');

describe.skipIf(!withPostgres)('routeLeads on PostgreSQL', () => {
  const stores: Store[] = [];
  afterAll(async () => {
    for (const store of stores) await store.close();
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('when three instances with their own pools route twelve leads at once, then each rep gets exactly its capacity and the counts add up', async () => {
    for (let i = 0; i < 3; i++) stores.push(await openPostgresStore(DATABASE_URL, { schema, poolSize: 3 }));
    const model = testModel();
    const client = routingClient();
    const harnesses = [];
    for (const store of stores) harnesses.push(await createJobHarness({ store, client, model }));
    const options = { settings: settings(3), model, timeZone: 'Europe/Berlin' };
    const outcomes = await Promise.all(harnesses.map((h, i) => routeLeads(h.ctx, client, PORTAL, [1, 2, 3, 4].map((n) => lead(`${i}${n}`)), options)));
    expect(outcomes.reduce((sum, o) => sum + o.assigned.size, 0)).toBe(6);
    expect(outcomes.reduce((sum, o) => sum + o.waiting, 0)).toBe(6);
    const perRep = new Map<string, number>();
    for (const owner of client.assigned.values()) perRep.set(owner, (perRep.get(owner) ?? 0) + 1);
    expect(Object.fromEntries(perRep)).toEqual({ '501': 3, '502': 3 });
    expect((await stores[0]?.getInstallation(PORTAL))?.leadRouting?.assigned).toBe(6);
  });
});
