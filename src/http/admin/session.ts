// Admin console sessions, kept server-side: the cookie holds a random id, the record (portal, user, CSRF token,
// expiry) lives in the store, so sign-out, disconnect and a reinstall end a session wherever its cookie was copied.
// Cookie attributes: HttpOnly, SameSite=Lax, Secure unless the app runs on localhost.
import { createHash, randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { AppContext } from '../../app-context.ts';
import type { Config } from '../../config.ts';
import { CodedError } from '../../errors.ts';
import type { AdminSessionRecord } from '../../store/store.ts';
import { safeEqual } from '../../webhooks/verify-signature.ts';
import { closeUnread } from '../close-unread.ts';

export const SESSION_COOKIE = 'bant_admin';
export const SIGNIN_COOKIE = 'bant_signin';
export const CSRF_HEADER = 'x-csrf-token';
/** The server's cap on a session's life; the cookie's own expiry is only a hint to the browser. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export type AdminSession = AdminSessionRecord;

type SessionContext = Pick<AppContext, 'config' | 'store' | 'now'>;

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function isLocalBaseUrl(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

export function cookieOptions(config: Pick<Config, 'PUBLIC_BASE_URL'>, maxAgeMs: number) {
  return { httpOnly: true, sameSite: 'lax' as const, secure: !isLocalBaseUrl(config.PUBLIC_BASE_URL), path: '/admin', maxAge: maxAgeMs };
}

/** The store keys sessions by a hash of the cookie value, so what the store holds cannot be replayed as a cookie. */
function storeIdOf(cookieValue: string): string {
  return createHash('sha256').update(cookieValue).digest('base64url');
}

/** Starts a session for the portal and sets its cookie. */
export async function startSession(ctx: SessionContext, res: Response, args: { portalId: number; user?: string }): Promise<AdminSession> {
  const cookieValue = randomBytes(32).toString('base64url');
  const now = ctx.now();
  const session: AdminSession = {
    id: storeIdOf(cookieValue),
    portalId: args.portalId,
    ...(args.user ? { user: args.user } : {}),
    csrfToken: randomBytes(24).toString('base64url'),
    createdAt: now,
    expiresAt: now + SESSION_TTL_MS,
  };
  await ctx.store.putSession(session, now);
  res.cookie(SESSION_COOKIE, cookieValue, cookieOptions(ctx.config, SESSION_TTL_MS));
  return session;
}

export async function readSession(ctx: SessionContext, req: Request): Promise<AdminSession | undefined> {
  const cookieValue = readCookie(req, SESSION_COOKIE);
  if (!cookieValue || !/^[A-Za-z0-9_-]{43}$/.test(cookieValue)) return undefined;
  return ctx.store.getSession(storeIdOf(cookieValue), ctx.now());
}

export function clearSessionCookie(res: Response, config: Pick<Config, 'PUBLIC_BASE_URL'>): void {
  const { maxAge: _unused, ...options } = cookieOptions(config, 0);
  res.clearCookie(SESSION_COOKIE, options);
}

/** Sign-out: the record goes, so copies of the cookie stop working too. */
export async function endSession(ctx: SessionContext, res: Response, session: AdminSession): Promise<void> {
  await ctx.store.deleteSession(session.id);
  clearSessionCookie(res, ctx.config);
}

export function csrfToken(session: AdminSession): string {
  return session.csrfToken;
}

export class SessionError extends CodedError {
  constructor(code: 'signed_out' | 'csrf_failed', message: string) {
    super(code, message, { status: code === 'signed_out' ? 401 : 403 });
  }
}

export function sessionOf(res: Response): AdminSession {
  const session = res.locals.session as AdminSession | undefined;
  if (!session) throw new SessionError('signed_out', 'Sign in through HubSpot first');
  return session;
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * Every /admin/api request needs a session; every change also needs the CSRF token in `X-CSRF-Token`. Runs before
 * any body parser: a refused request's body is never read, and its connection closes so the body is not drained
 * (src/http/close-unread.ts).
 */
export function requireSession(ctx: SessionContext): RequestHandler {
  return async (req, res, next) => {
    const refuse = (error: SessionError) => {
      if (hasBody(req)) closeUnread(req, res);
      next(error);
    };
    try {
      const session = await readSession(ctx, req);
      if (!session) {
        refuse(new SessionError('signed_out', 'Sign in through HubSpot first'));
        return;
      }
      const changes = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
      if (changes && !safeEqual(session.csrfToken, req.get(CSRF_HEADER) ?? '')) {
        refuse(new SessionError('csrf_failed', 'Missing or wrong X-CSRF-Token header; reload the console'));
        return;
      }
      res.locals.session = session;
      next();
    } catch (error) {
      if (hasBody(req)) closeUnread(req, res);
      next(error);
    }
  };
}
