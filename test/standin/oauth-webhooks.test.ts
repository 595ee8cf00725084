import { createHash, createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StandIn, startStandIn } from '../../standin/index.ts';
import { APP, form } from './helpers.ts';

interface Received {
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

let standIn: StandIn;
let receiver: Server;
let receiverUrl: string;
let received: Received[];
/** Status codes the receiver answers with, in turn; 200 once used up. */
let answers: number[];

beforeEach(async () => {
  received = [];
  answers = [];
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(answers.shift() ?? 200);
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/hubspot?x=%2F1`;
  standIn = await startStandIn({ app: APP, webhookTargetUrl: receiverUrl, deliveryDelayMs: 5, deliveryRetryBaseMs: 5 });
});

afterEach(async () => {
  await standIn.close();
  await new Promise((r) => receiver.close(r));
});

async function install(portalId?: number): Promise<{ access_token: string; refresh_token: string; expires_in: number; hub_id: number }> {
  const redirect = 'http://127.0.0.1:1/oauth/callback';
  const authorize = new URL(`${standIn.url}/oauth/authorize`);
  authorize.search = new URLSearchParams({
    client_id: APP.clientId,
    redirect_uri: redirect,
    scope: 'oauth crm.objects.contacts.read crm.objects.contacts.write crm.schemas.contacts.write crm.objects.companies.read crm.objects.owners.read',
    optional_scope: 'sales-email-read',
    state: 'st-123',
    ...(portalId ? { portal_id: String(portalId) } : {}),
  }).toString();
  const res = await fetch(authorize, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(redirect);
  expect(location.searchParams.get('state')).toBe('st-123');
  const code = location.searchParams.get('code')!;
  const token = await fetch(`${standIn.url}/oauth/2026-03/token`, form({ grant_type: 'authorization_code', client_id: APP.clientId, client_secret: APP.clientSecret, redirect_uri: redirect, code }));
  expect(token.status).toBe(200);
  const body = (await token.json()) as { access_token: string; refresh_token: string; expires_in: number; hub_id: number };
  const again = await fetch(`${standIn.url}/oauth/2026-03/token`, form({ grant_type: 'authorization_code', client_id: APP.clientId, client_secret: APP.clientSecret, redirect_uri: redirect, code }));
  expect(again.status).toBe(400);
  return body;
}

const parse = (r: Received) => JSON.parse(r.body) as Array<Record<string, unknown>>;

describe('OAuth', () => {
  it('when the app is installed, then the code gives a 30-minute token whose introspection names the portal; the code works once', async () => {
    const portal = standIn.createPortal({ contacts: 5 });
    const tokens = await install();
    expect(tokens.expires_in).toBe(1800);
    expect(tokens.access_token.length).toBeGreaterThan(100);
    const info = await fetch(`${standIn.url}/oauth/2026-03/token/introspect`, form({ token: tokens.access_token, client_id: APP.clientId, client_secret: APP.clientSecret }));
    expect(await info.json()).toMatchObject({ active: true, hub_id: portal.id, token_use: 'access_token', scopes: expect.arrayContaining(['sales-email-read']) });
  });

  it('when a refresh token is used, then a new access token works; after uninstall refresh is 400 and calls are 401', async () => {
    standIn.createPortal({ contacts: 5 });
    const tokens = await install();
    const refresh = () =>
      fetch(`${standIn.url}/oauth/2026-03/token`, form({ grant_type: 'refresh_token', client_id: APP.clientId, client_secret: APP.clientSecret, refresh_token: tokens.refresh_token }));
    const r1 = await refresh();
    const fresh = (await r1.json()) as { access_token: string };
    expect(fresh.access_token).not.toBe(tokens.access_token);
    const auth = { authorization: `Bearer ${fresh.access_token}` };
    expect((await fetch(`${standIn.url}/crm/v3/objects/contacts`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${standIn.url}/appinstalls/v3/external-install`, { method: 'DELETE', headers: auth })).status).toBe(204);
    const r2 = await refresh();
    expect(r2.status).toBe(400);
    expect(await r2.json()).toMatchObject({ status: 'BAD_REFRESH_TOKEN' });
    expect((await fetch(`${standIn.url}/crm/v3/objects/contacts`, { headers: auth })).status).toBe(401);
  });

  it('when the client secret is wrong, then the token endpoint answers 400 BAD_CLIENT_SECRET', async () => {
    standIn.createPortal({ contacts: 1 });
    const res = await fetch(`${standIn.url}/oauth/2026-03/token`, form({ grant_type: 'refresh_token', client_id: APP.clientId, client_secret: 'wrong', refresh_token: 'x' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 'BAD_CLIENT_SECRET' });
  });
});

describe('webhooks', () => {
  it('when a CRM user changes a contact, then one delivery arrives with v1 and v3 signatures that verify with the client secret', async () => {
    const portal = standIn.createPortal({ contacts: 5 });
    await install(portal.id);
    const contactId = [...portal.live('contacts')][0]!.id;
    standIn.simulate.updateContact(portal.id, contactId, { jobtitle: 'Geschäftsführer', hs_lead_status: 'OPEN' });
    await standIn.flushWebhooks();
    expect(received).toHaveLength(1);
    const r = received[0]!;
    expect(r.headers['x-hubspot-signature']).toBe(createHash('sha256').update(APP.clientSecret + r.body).digest('hex'));
    expect(r.headers['x-hubspot-signature-version']).toBe('v1');
    const ts = String(r.headers['x-hubspot-request-timestamp']);
    expect(Math.abs(Date.now() - Number(ts))).toBeLessThan(300_000);
    const uri = receiverUrl.replace('%2F', '/'); // HubSpot decodes %2F (and a few others) before signing.
    const v3 = createHmac('sha256', APP.clientSecret).update(`POST${uri}${r.body}${ts}`).digest('base64');
    expect(r.headers['x-hubspot-signature-v3']).toBe(v3);
    const events = parse(r);
    expect(events.map((e) => [e.subscriptionType, e.propertyName, e.propertyValue])).toEqual([
      ['contact.propertyChange', 'jobtitle', 'Geschäftsführer'],
      ['contact.propertyChange', 'hs_lead_status', 'OPEN'],
    ]);
    expect(events[0]).toMatchObject({ objectId: contactId, portalId: portal.id, appId: APP.appId, attemptNumber: 0, changeSource: 'CRM_UI' });
  });

  it('when a CRM user changes a company, then a signed company.propertyChange arrives per value, only for subscribed properties', async () => {
    const portal = standIn.createPortal({ contacts: 5 });
    await install(portal.id);
    standIn.setSubscriptions([{ subscriptionType: 'company.propertyChange', propertyName: 'numberofemployees', active: true }]);
    const companyId = [...portal.live('companies')][0]!.id;
    expect(standIn.simulate.updateCompany(portal.id, companyId, { numberofemployees: '20000', city: 'Hamburg' })).toEqual(['numberofemployees', 'city']);
    await standIn.flushWebhooks();
    expect(received).toHaveLength(1);
    const r = received[0]!;
    expect(r.headers['x-hubspot-signature']).toBe(createHash('sha256').update(APP.clientSecret + r.body).digest('hex'));
    expect(parse(r)).toEqual([
      expect.objectContaining({ subscriptionType: 'company.propertyChange', objectId: companyId, propertyName: 'numberofemployees', propertyValue: '20000', changeSource: 'CRM_UI' }),
    ]);
    expect(portal.get('companies', companyId)?.props.numberofemployees).toBe('20000');
  });

  it('when the app writes through the API, then events carry changeSource INTEGRATION and the app id as sourceId', async () => {
    const portal = standIn.createPortal({ contacts: 5 });
    const { access_token } = await install(portal.id);
    const contactId = [...portal.live('contacts')][0]!.id;
    await fetch(`${standIn.url}/crm/v3/objects/contacts/${contactId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { jobtitle: 'CFO' } }),
    });
    await standIn.flushWebhooks();
    expect(parse(received[0]!)[0]).toMatchObject({ changeSource: 'INTEGRATION', sourceId: String(APP.appId), propertyName: 'jobtitle' });
  });

  it('when 250 events happen in a burst, then they arrive in deliveries of at most 100', async () => {
    const portal = standIn.createPortal({ contacts: 125 });
    await install(portal.id);
    for (const c of portal.live('contacts')) standIn.simulate.updateContact(portal.id, c.id, { jobtitle: 'CEO', hs_lead_status: 'NEW' });
    await standIn.flushWebhooks();
    const sizes = received.map((r) => parse(r).length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(standIn.deliveries.flatMap((d) => d.events).length);
    expect(sizes.length).toBeGreaterThanOrEqual(2);
  });

  it('when the target fails twice, then the same events are retried with attemptNumber 1 and 2 until accepted', async () => {
    const portal = standIn.createPortal({ contacts: 3 });
    await install(portal.id);
    answers = [500, 503];
    standIn.simulate.deleteContact(portal.id, [...portal.live('contacts')][0]!.id);
    await standIn.webhooksIdle();
    expect(received.map((r) => parse(r)[0]!.attemptNumber)).toEqual([0, 1, 2]);
    expect(received.map((r) => parse(r)[0]!.subscriptionType)).toEqual(['contact.deletion', 'contact.deletion', 'contact.deletion']);
    expect(standIn.deliveries.map((d) => d.ok)).toEqual([false, false, true]);
  });

  it('when activities, merges and privacy deletions happen, then object.creation with objectTypeId, contact.merge and privacyDeletion+deletion arrive', async () => {
    const portal = standIn.createPortal({ contacts: 4 });
    await install(portal.id);
    const [a, b, c] = [...portal.live('contacts')].map((x) => x.id);
    const callId = standIn.simulate.addActivity(portal.id, a!, { type: 'calls', properties: { hs_call_disposition: 'f240bbac-87c9-4f6e-bf70-924b57d47db7' } });
    standIn.simulate.mergeContacts(portal.id, a!, b!);
    standIn.simulate.privacyDelete(portal.id, c!);
    await standIn.flushWebhooks();
    const events = received.flatMap(parse);
    expect(events).toContainEqual(expect.objectContaining({ subscriptionType: 'object.creation', objectTypeId: '0-48', objectId: callId }));
    expect(events).toContainEqual(expect.objectContaining({ subscriptionType: 'contact.merge', primaryObjectId: a, mergedObjectIds: [b] }));
    expect(events).toContainEqual(expect.objectContaining({ subscriptionType: 'contact.privacyDeletion', objectId: c }));
    expect(events).toContainEqual(expect.objectContaining({ subscriptionType: 'contact.deletion', objectId: c }));
    expect(portal.get('contacts', a!)?.props.notes_last_contacted).toBeDefined();
  });

  it('when subscriptions are given, then only subscribed events are sent; a portal without the app gets none', async () => {
    const portal = standIn.createPortal({ contacts: 3 });
    const other = standIn.createPortal({ contacts: 3 });
    await install(portal.id);
    standIn.setSubscriptions([{ subscriptionType: 'contact.propertyChange', propertyName: 'jobtitle', active: true }]);
    const id = [...portal.live('contacts')][0]!.id;
    standIn.simulate.updateContact(portal.id, id, { jobtitle: 'CTO', hs_lead_status: 'OPEN' });
    standIn.simulate.updateContact(other.id, [...other.live('contacts')][0]!.id, { jobtitle: 'CTO' });
    await standIn.flushWebhooks();
    expect(received.flatMap(parse).map((e) => [e.portalId, e.propertyName])).toEqual([[portal.id, 'jobtitle']]);
  });
});

describe('webhooks for tasks and contacts created through the API', () => {
  it('when the app creates a contact and a CRM user completes the app’s task, then contact.creation and object.propertyChange for hs_task_status arrive', async () => {
    const portal = standIn.createPortal({ contacts: 2 });
    const { access_token } = await install(portal.id);
    const headers = { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' };
    const created = await fetch(`${standIn.url}/crm/v3/objects/contacts`, { method: 'POST', headers, body: JSON.stringify({ properties: { email: 'neu@example.de' } }) });
    const contactId = Number(((await created.json()) as { id: string }).id);
    const task = await fetch(`${standIn.url}/crm/v3/objects/tasks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        properties: { hs_timestamp: String(Date.now()), hs_task_subject: 'Call' },
        associations: [{ to: { id: String(contactId) }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }] }],
      }),
    });
    const taskId = Number(((await task.json()) as { id: string }).id);
    standIn.simulate.completeTask(portal.id, taskId);
    await standIn.flushWebhooks();
    const events = received.flatMap(parse);
    expect(events).toContainEqual(expect.objectContaining({ subscriptionType: 'contact.creation', objectId: contactId, changeFlag: 'NEW' }));
    expect(events).toContainEqual(
      expect.objectContaining({ subscriptionType: 'object.propertyChange', objectTypeId: '0-27', objectId: taskId, propertyName: 'hs_task_status', propertyValue: 'COMPLETED', changeSource: 'CRM_UI' }),
    );
    expect(portal.tasksOf(contactId).map((t) => t.id)).toEqual([taskId]);
  });
});
