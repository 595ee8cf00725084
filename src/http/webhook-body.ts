// The raw body of a webhook delivery, read only after the headers passed every check that needs no body, and within a
// budget of bytes shared by all bodies not yet verified: however many anonymous senders post at once, their unverified
// bodies hold at most the budget (issue 12). A body is read into one buffer of its declared length, not into chunks
// that are then concatenated (which held each body twice).
import type { IncomingMessage } from 'node:http';

export interface BodyBudget {
  /** Reserves `bytes` for one body being read; false (nothing reserved) when that would pass the budget. */
  tryReserve(bytes: number): boolean;
  release(bytes: number): void;
  /** Bytes reserved right now. */
  readonly reserved: number;
}

export function createBodyBudget(limit: number): BodyBudget {
  let reserved = 0;
  return {
    tryReserve(bytes) {
      if (reserved + bytes > limit) return false;
      reserved += bytes;
      return true;
    },
    release(bytes) {
      reserved = Math.max(0, reserved - bytes);
    },
    get reserved() {
      return reserved;
    },
  };
}

/** `Content-Length` as a number, undefined when the body is chunked (Node's parser has already refused a malformed one). */
export function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

/** A body in a `Content-Encoding` other than identity: HubSpot sends none, and the signature covers the bytes as sent. */
export function isEncoded(req: IncomingMessage): boolean {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  return encoding !== '' && encoding !== 'identity';
}

export type BodyRead = { ok: true; body: Buffer } | { ok: false; problem: 'too_large' | 'unreadable' | 'too_slow' };

/**
 * Reads the whole body, at most `maxBytes` within `deadlineMs`; `unreadable` when the sender stops short of its
 * Content-Length or aborts, `too_slow` when it is still sending at the deadline (it would otherwise hold its share of
 * the budget for as long as Node lets a request run).
 */
export function readBody(req: IncomingMessage, maxBytes: number, deadlineMs: number): Promise<BodyRead> {
  const declared = declaredLength(req);
  return new Promise((resolve) => {
    const fixed = declared === undefined ? undefined : Buffer.allocUnsafe(declared);
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (result: BodyRead) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onFailure);
      req.off('close', onClose);
      if (!result.ok) req.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      const end = received + chunk.length;
      if (end > maxBytes || (fixed && end > fixed.length)) {
        settle({ ok: false, problem: 'too_large' });
        return;
      }
      if (fixed) chunk.copy(fixed, received);
      else chunks.push(chunk);
      received = end;
    };
    const onEnd = () => {
      if (fixed) settle(received === fixed.length ? { ok: true, body: fixed } : { ok: false, problem: 'unreadable' });
      else settle({ ok: true, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received) });
    };
    const onFailure = () => settle({ ok: false, problem: 'unreadable' });
    const onClose = () => settle({ ok: false, problem: 'unreadable' });
    const timer = setTimeout(() => settle({ ok: false, problem: 'too_slow' }), deadlineMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onFailure);
    req.on('close', onClose);
  });
}
