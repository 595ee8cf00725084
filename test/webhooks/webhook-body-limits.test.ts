// Issue 12: what an anonymous sender can make the webhook route read. Refusals the headers decide come before the
// body (shown by sending only part of it: a server that waited for the rest would not answer), and bodies not yet
// verified share a byte budget (503 with Retry-After beyond it, so HubSpot retries a signed delivery).
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WEBHOOK_PATH } from '../../src/http/webhook-routes.ts';
import { PORTAL } from '../jobs/job-fixtures.ts';
import { rawEvent, signedHeaders, startWebhookServer, type WebhookServer } from './webhook-fixtures.ts';

let server: WebhookServer;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close();
});

interface RawAnswer {
  status: number;
  head: string;
  body: string;
}

/** Sends the request line, the headers and `sent` of the body, keeps the socket open, and resolves with the answer. */
function sendPartly(headers: Record<string, string>, sent: string): { answer: Promise<RawAnswer>; socket: Socket } {
  const { port } = new URL(server.url);
  const socket = connect(Number(port), '127.0.0.1');
  sockets.push(socket);
  const lines = [`POST ${WEBHOOK_PATH} HTTP/1.1`, `Host: 127.0.0.1:${port}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  socket.write(`${lines.join('\r\n')}\r\n\r\n${sent}`);
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = text.slice(0, end);
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
      const body = text.slice(end + 4);
      if (body.length >= length) resolve({ status: Number(head.split(' ')[1]), head: head.toLowerCase(), body });
    });
    socket.on('error', reject);
  });
  return { answer, socket };
}

/** POSTs `text` without a Content-Length, in chunks of `size` characters (Transfer-Encoding: chunked). */
function postChunked(text: string, headers: Record<string, string>, size: number): Promise<Response> {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < text.length; at += size) controller.enqueue(new TextEncoder().encode(text.slice(at, at + size)));
      controller.close();
    },
  });
  return fetch(`${server.url}${WEBHOOK_PATH}`, { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
}

const unsignedJson = (length: number) => ({ 'Content-Type': 'application/json', 'Content-Length': String(length) });

describe('POST /webhooks/hubspot: what an unverified request can make the app read', () => {
  it('when a body comes without any signature header, then 401 arrives before the body is sent and the connection closes', async () => {
    server = await startWebhookServer();
    const { answer } = sendPartly(unsignedJson(60_000), '[');
    const response = await answer;
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'missing_signature' } });
    expect(response.head).toContain('connection: close');
  });

  it('when the v3 timestamp is missing, stale or from the future, then 401 naming it arrives before the body is sent', async () => {
    server = await startWebhookServer();
    const now = server.harness.clock.now;
    const cases: Array<[string | undefined, string]> = [
      [undefined, 'missing_timestamp'],
      [String(now - 5 * 60_000 - 1), 'stale_timestamp'],
      [String(now + 10 * 60_000), 'future_timestamp'],
    ];
    for (const [timestamp, code] of cases) {
      const headers: Record<string, string> = { ...unsignedJson(60_000), 'X-HubSpot-Signature-v3': 'c2lnbmF0dXJl' };
      if (timestamp !== undefined) headers['X-HubSpot-Request-Timestamp'] = timestamp;
      const response = await sendPartly(headers, '[').answer;
      expect(response.status, code).toBe(401);
      expect(JSON.parse(response.body), code).toMatchObject({ error: { code } });
    }
  });

  it('when a v1/v2 signature declares an unknown version, then 401 arrives before the body is sent', async () => {
    server = await startWebhookServer();
    const response = await sendPartly({ ...unsignedJson(60_000), 'X-HubSpot-Signature': 'ab'.repeat(32), 'X-HubSpot-Signature-Version': 'v9' }, '[').answer;
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'unsupported_version' } });
  });

  it('when Content-Length exceeds WEBHOOK_MAX_BYTES, then 413 arrives before the body is sent, signed or not', async () => {
    server = await startWebhookServer();
    const signed = signedHeaders('[]', { now: server.harness.clock.now });
    for (const headers of [unsignedJson(65_537), { ...signed, 'content-length': '65537' }]) {
      const response = await sendPartly(headers, '[').answer;
      expect(response.status).toBe(413);
      expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'payload_too_large' } });
    }
  });

  it('when a chunked body grows past WEBHOOK_MAX_BYTES, then 413 and nothing is stored', async () => {
    server = await startWebhookServer();
    const text = JSON.stringify(Array.from({ length: 400 }, (_, i) => rawEvent({ objectId: i })));
    const headers = signedHeaders(text, { now: server.harness.clock.now });
    const response = await postChunked(text, headers, 8_192);
    expect(response.status).toBe(413);
    expect(await server.harness.store.queueDepth()).toBe(0);
  });

  it('when a chunked signed delivery within the limit arrives, then it is read whole and accepted', async () => {
    server = await startWebhookServer();
    const text = JSON.stringify([rawEvent({ objectId: 1 }), rawEvent({ objectId: 2 })]);
    const headers = signedHeaders(text, { now: server.harness.clock.now });
    const response = await postChunked(text, headers, 100);
    expect(response.status).toBe(200);
    expect(await server.harness.store.queueDepth(PORTAL)).toBe(2);
  });

  it('when unverified bodies being read fill WEBHOOK_PENDING_BYTES, then a signed delivery gets 503 with Retry-After, and 200 once they are gone', async () => {
    // The budget never goes below WEBHOOK_MAX_BYTES (64 KiB here): one body declaring that much fills it.
    server = await startWebhookServer({ env: { WEBHOOK_PENDING_BYTES: '1024' } });
    const now = server.harness.clock.now;
    const holder = sendPartly({ ...unsignedJson(65_536), 'X-HubSpot-Signature-v3': 'Zm9yZ2Vk', 'X-HubSpot-Request-Timestamp': String(now) }, '[');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = JSON.stringify([rawEvent({ objectId: 7 })]);
    const busy = await fetch(`${server.url}${WEBHOOK_PATH}`, { method: 'POST', headers: signedHeaders(text, { now }), body: text });
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(await busy.json()).toMatchObject({ error: { code: 'busy' } });
    expect(await server.harness.store.queueDepth()).toBe(0);

    holder.socket.destroy();
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = (await server.postSigned([rawEvent({ objectId: 7 })])).status;
    }
    expect(status).toBe(200);
    expect(await server.harness.store.queueDepth(PORTAL)).toBe(1);
  });

  it('when a sender stops short of its Content-Length and hangs up, then nothing is stored and the budget is free again', async () => {
    server = await startWebhookServer({ env: { WEBHOOK_PENDING_BYTES: '1024' } });
    const text = JSON.stringify([rawEvent({ objectId: 9 })]);
    const headers = { ...signedHeaders(text, { now: server.harness.clock.now }), 'content-length': '65536' };
    const partial = sendPartly(headers, text);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await server.postSigned([rawEvent({ objectId: 9 })])).status).toBe(503);
    partial.socket.destroy();
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = (await server.postSigned([rawEvent({ objectId: 9 })])).status;
    }
    expect(status).toBe(200);
    expect(await server.harness.store.queueDepth(PORTAL)).toBe(1);
  });

  it('when a signed-looking body is still arriving at the deadline, then 408 and its share of the budget is free again', async () => {
    server = await startWebhookServer({ env: { WEBHOOK_PENDING_BYTES: '1024' }, router: { bodyDeadlineMs: 200 } });
    const now = server.harness.clock.now;
    const slow = sendPartly({ ...unsignedJson(65_536), 'X-HubSpot-Signature-v3': 'Zm9yZ2Vk', 'X-HubSpot-Request-Timestamp': String(now) }, '[');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await server.postSigned([rawEvent({ objectId: 3 })])).status).toBe(503);
    const answer = await slow.answer;
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'request_timeout' } });
    expect((await server.postSigned([rawEvent({ objectId: 3 })])).status).toBe(200);
  });
});
