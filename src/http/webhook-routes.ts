// POST /webhooks/hubspot in layers: HTTP checks (415, 413), the signature on the raw bytes (401), the events (400),
// then one durable store step and 200 within milliseconds; scoring happens after the answer (docs/hubspot-platform.md §1.4).
// No rejection touches the store or HubSpot.
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response, Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { parseDelivery } from '../webhooks/event-schema.ts';
import { createIntake, type IntakeOptions } from '../webhooks/intake.ts';
import { verifySignature } from '../webhooks/verify-signature.ts';
import { createRejectionLog } from './rejection-log.ts';

export const WEBHOOK_PATH = '/webhooks/hubspot';

const DELIVERIES_METRIC = 'bant_webhook_deliveries_total';
const DELIVERIES_HELP = 'Webhook deliveries answered, by HTTP status';

function answer(ctx: AppContext, res: Response, status: number, code: string, message: string): void {
  ctx.metrics.inc(DELIVERIES_METRIC, DELIVERIES_HELP, { status });
  res.status(status).json({ error: { code, message } });
}

/** HubSpot sends `application/json` (docs/hubspot-platform.md §1.4); checked before a byte of the body is read. */
function requireJson(ctx: AppContext): RequestHandler {
  return (req, res, next) => {
    const type = (req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      answer(ctx, res, 415, 'unsupported_media_type', 'Content-Type must be application/json');
      return;
    }
    next();
  };
}

/** Errors of the raw-body reader: too large (413), encoded (415), aborted or unreadable (400). */
function answerBodyErrors(ctx: AppContext): ErrorRequestHandler {
  return (error, _req, res, next) => {
    const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 0;
    if (res.headersSent || status < 400 || status >= 500) {
      next(error);
      return;
    }
    if (status === 413) answer(ctx, res, 413, 'payload_too_large', `body exceeds WEBHOOK_MAX_BYTES (${ctx.config.WEBHOOK_MAX_BYTES} bytes)`);
    else if (status === 415) answer(ctx, res, 415, 'unsupported_media_type', 'unsupported body encoding');
    else answer(ctx, res, 400, 'bad_request', 'body could not be read');
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

export function createWebhookRouter(ctx: AppContext, options: IntakeOptions = {}): Router {
  const router = Router();
  const intake = createIntake(ctx, options);
  const signatureRejections = createRejectionLog(ctx.log, ctx.now, 'webhook rejected: signature');
  const secrets = [ctx.config.HUBSPOT_CLIENT_SECRET, ctx.config.HUBSPOT_CLIENT_SECRET_PREVIOUS].filter((s): s is string => !!s);
  // Signatures cover the exact bytes, so the body is read raw; never through a JSON parser (docs/hubspot-platform.md §8.1).
  const readRawBody = express.raw({ type: () => true, limit: ctx.config.WEBHOOK_MAX_BYTES, inflate: false });

  const receive: RequestHandler = async (req, res) => {
    const started = performance.now();
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    // HubSpot signs the public URL it called, not what a proxy forwards (docs/hubspot-platform.md §8.2).
    const url = ctx.config.PUBLIC_BASE_URL + req.originalUrl;
    const verdict = verifySignature({ method: req.method, url, rawBody, headers: signatureHeaders(req) }, { secrets, now: ctx.now() });
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
    try {
      const summary = await intake.receive(parsed.events);
      enqueued = summary.enqueued;
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
    if (enqueued > 0) ctx.notifyWork();
  };

  router.post(WEBHOOK_PATH, requireJson(ctx), readRawBody, receive);
  router.use(WEBHOOK_PATH, answerBodyErrors(ctx));
  return router;
}
