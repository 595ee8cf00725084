// POST /webhooks/hubspot in layers: what the headers alone decide (415, 413 by Content-Length, 401 for a missing
// signature or a timestamp outside the window), room in the budget of unverified bytes (503), the body, the signature
// on the raw bytes (401), the events (400), then one durable store step and 200 within milliseconds; scoring happens
// after the answer (docs/hubspot-platform.md §1.4). No rejection touches the store or HubSpot, and a request refused
// before its body is read closes its connection so the body is not drained either.
import { type Request, type RequestHandler, type Response, Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { parseDelivery } from '../webhooks/event-schema.ts';
import { createIntake, type IntakeOptions } from '../webhooks/intake.ts';
import { checkSignatureHeaders, verifySignature } from '../webhooks/verify-signature.ts';
import { closeUnread } from './close-unread.ts';
import { createRejectionLog } from './rejection-log.ts';
import { createBodyBudget, declaredLength, isEncoded, readBody } from './webhook-body.ts';

export const WEBHOOK_PATH = '/webhooks/hubspot';

const DELIVERIES_METRIC = 'bant_webhook_deliveries_total';
const DELIVERIES_HELP = 'Webhook deliveries answered, by HTTP status';

function answer(ctx: AppContext, res: Response, status: number, code: string, message: string): void {
  ctx.metrics.inc(DELIVERIES_METRIC, DELIVERIES_HELP, { status });
  res.status(status).json({ error: { code, message } });
}

/** For a refusal before the body is read (src/http/close-unread.ts). */
function refuseUnread(ctx: AppContext, req: Request, res: Response, status: number, code: string, message: string): void {
  closeUnread(req, res);
  answer(ctx, res, status, code, message);
}

/** HubSpot sends `application/json` (docs/hubspot-platform.md §1.4); checked before a byte of the body is read. */
function requireJson(ctx: AppContext): RequestHandler {
  return (req, res, next) => {
    const type = (req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      refuseUnread(ctx, req, res, 415, 'unsupported_media_type', 'Content-Type must be application/json');
      return;
    }
    next();
  };
}

function signatureHeaders(req: Request) {
  return {
    signature: req.get('x-hubspot-signature'),
    signatureVersion: req.get('x-hubspot-signature-version'),
    signatureV3: req.get('x-hubspot-signature-v3'),
    timestamp: req.get('x-hubspot-request-timestamp'),
  };
}

/**
 * How long a webhook body may take to arrive. HubSpot documents 5 s for the whole delivery and was seen waiting 10 s
 * (docs/hubspot-platform.md §1.4); a body still arriving after that is no delivery HubSpot waits for.
 */
export const BODY_DEADLINE_MS = 10_000;

export interface WebhookRouterOptions extends IntakeOptions {
  /** BODY_DEADLINE_MS unless a test says otherwise. */
  bodyDeadlineMs?: number;
}

export function createWebhookRouter(ctx: AppContext, options: WebhookRouterOptions = {}): Router {
  const router = Router();
  const intake = createIntake(ctx, options);
  const signatureRejections = createRejectionLog(ctx.log, ctx.now, 'webhook rejected: signature');
  const secrets = [ctx.config.HUBSPOT_CLIENT_SECRET, ctx.config.HUBSPOT_CLIENT_SECRET_PREVIOUS].filter((s): s is string => !!s);
  const maxBytes = ctx.config.WEBHOOK_MAX_BYTES;
  const budget = createBodyBudget(Math.max(ctx.config.WEBHOOK_PENDING_BYTES, maxBytes));
  const tooLarge = `body exceeds WEBHOOK_MAX_BYTES (${maxBytes} bytes)`;

  const receive: RequestHandler = async (req, res) => {
    const started = performance.now();
    const headers = signatureHeaders(req);
    const declared = declaredLength(req);
    if (declared !== undefined && declared > maxBytes) {
      refuseUnread(ctx, req, res, 413, 'payload_too_large', tooLarge);
      return;
    }
    if (isEncoded(req)) {
      refuseUnread(ctx, req, res, 415, 'unsupported_media_type', 'unsupported body encoding');
      return;
    }
    const refused = checkSignatureHeaders(headers, { secrets, now: ctx.now() });
    if (refused) {
      signatureRejections.record(refused.failure, { message: refused.message });
      refuseUnread(ctx, req, res, 401, refused.failure, refused.message);
      return;
    }
    // A chunked body may grow to the limit, so it reserves the limit.
    const reservation = declared ?? maxBytes;
    if (!budget.tryReserve(reservation)) {
      // 5xx: HubSpot retries the delivery later (docs/hubspot-platform.md §1.4), so a signed one is delayed, never lost.
      res.set('Retry-After', '1');
      refuseUnread(ctx, req, res, 503, 'busy', 'too many webhook bodies being read; retry later');
      return;
    }
    // Signatures cover the exact bytes, so the body is read raw; never through a JSON parser (docs/hubspot-platform.md §8.1).
    const read = await readBody(req, maxBytes, options.bodyDeadlineMs ?? BODY_DEADLINE_MS).finally(() => budget.release(reservation));
    if (!read.ok) {
      if (read.problem === 'too_large') refuseUnread(ctx, req, res, 413, 'payload_too_large', tooLarge);
      else if (read.problem === 'too_slow') refuseUnread(ctx, req, res, 408, 'request_timeout', 'body did not arrive in time');
      else refuseUnread(ctx, req, res, 400, 'bad_request', 'body could not be read');
      return;
    }
    const rawBody = read.body;
    // HubSpot signs the public URL it called, not what a proxy forwards (docs/hubspot-platform.md §8.2).
    const url = ctx.config.PUBLIC_BASE_URL + req.originalUrl;
    const verdict = verifySignature({ method: req.method, url, rawBody, headers }, { secrets, now: ctx.now() });
    if (!verdict.ok) {
      signatureRejections.record(verdict.failure, { message: verdict.message });
      answer(ctx, res, 401, verdict.failure, verdict.message);
      return;
    }
    if (verdict.secretIndex > 0) ctx.log.debug('webhook signed with the previous client secret', { version: verdict.version });
    const parsed = parseDelivery(rawBody);
    if (!parsed.ok) {
      ctx.log.warn('webhook rejected: malformed events', { message: parsed.message });
      answer(ctx, res, 400, 'malformed_events', parsed.message);
      return;
    }
    let enqueued = 0;
    let dueAt: number | undefined;
    try {
      const summary = await intake.receive(parsed.events);
      enqueued = summary.enqueued;
      dueAt = summary.dueAt;
      ctx.metrics.inc(DELIVERIES_METRIC, DELIVERIES_HELP, { status: 200 });
      res.status(200).json({ received: summary.events, accepted: summary.fresh, duplicates: summary.duplicates });
    } catch (error) {
      // Not acknowledged, so HubSpot retries the delivery (docs/hubspot-platform.md §1.4).
      ctx.log.error('webhook events could not be persisted', { error });
      answer(ctx, res, 503, 'store_unavailable', 'events could not be stored; retry later');
      return;
    } finally {
      ctx.metrics.observe('bant_webhook_ack_seconds', 'Time from request to acknowledgement', (performance.now() - started) / 1000);
    }
    if (enqueued > 0) ctx.notifyWork(dueAt);
  };

  router.post(WEBHOOK_PATH, requireJson(ctx), receive);
  return router;
}
