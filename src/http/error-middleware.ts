// One error middleware: coded errors keep their status and code; anything else is a 500 without internals.
import type { ErrorRequestHandler } from 'express';
import { asCodedError } from '../errors.ts';
import type { Logger } from '../log.ts';

export function createErrorMiddleware(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const coded = asCodedError(error);
    // body-parser errors carry their own HTTP status (400 bad JSON, 413 too large, 415 charset).
    const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : coded.status;
    if (status >= 500) log.error('request failed', { method: req.method, path: req.path, code: coded.code, error: coded });
    else log.debug('request rejected', { method: req.method, path: req.path, status, code: coded.code });
    if (res.headersSent) return;
    const message = status >= 500 && coded.code === 'internal_error' ? 'Internal error' : coded.message;
    res.status(status).json({ error: { code: coded.code, message } });
  };
}
