// Admin console sessions: a signed cookie that belongs to one portal (no server-side table), a CSRF token derived
// from it for every change, and the cookie attributes: HttpOnly, SameSite=Lax, Secure unless the app runs on localhost.
import { createHmac, randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Config } from '../../config.ts';
import { CodedError } from '../../errors.ts';
import { safeEqual } from '../../webhooks/verify-signature.ts';

export const SESSION_COOKIE = 'bant_admin';
export const SIGNIN_COOKIE = 'bant_signin';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export interface AdminSession {
  portalId: number;
  /** The HubSpot user who signed in, when HubSpot told us. */
  user?: string;
  /** Random per sign-in; the CSRF token is derived from it. */
  sid: string;
  expiresAt: number;
}

export interface SessionKeys {
  sign(payload: string): string;
}

/** A key of its own, derived from the client secret, so a session cookie is worth nothing as a webhook signature. */
export function createSessionKeys(config: Pick<Config, 'HUBSPOT_CLIENT_SECRET'>): SessionKeys {
  const key = createHmac('sha256', config.HUBSPOT_CLIENT_SECRET ?? '').update('bant-admin-session-v1').digest();
  return { sign: (payload) => createHmac('sha256', key).update(payload).digest('base64url') };
}

/** `payload.signature`, payload = base64url JSON. */
export function sealToken(keys: SessionKeys, value: object): string {
  const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${payload}.${keys.sign(payload)}`;
}

export function openToken(keys: SessionKeys, token: string | undefined): Record<string, unknown> | undefined {
  if (!token) return undefined;
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined || !safeEqual(keys.sign(payload), signature)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
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

export function newSession(args: { portalId: number; user?: string; now: number }): AdminSession {
  return {
    portalId: args.portalId,
    ...(args.user ? { user: args.user } : {}),
    sid: randomBytes(16).toString('base64url'),
    expiresAt: args.now + SESSION_TTL_MS,
  };
}

export function writeSessionCookie(res: Response, config: Pick<Config, 'PUBLIC_BASE_URL'>, keys: SessionKeys, session: AdminSession): void {
  res.cookie(SESSION_COOKIE, sealToken(keys, session), cookieOptions(config, SESSION_TTL_MS));
}

export function clearSessionCookie(res: Response, config: Pick<Config, 'PUBLIC_BASE_URL'>): void {
  const { maxAge: _unused, ...options } = cookieOptions(config, 0);
  res.clearCookie(SESSION_COOKIE, options);
}

export function readSession(req: Request, keys: SessionKeys, now: number): AdminSession | undefined {
  const value = openToken(keys, readCookie(req, SESSION_COOKIE));
  if (!value) return undefined;
  const { portalId, user, sid, expiresAt } = value;
  if (typeof portalId !== 'number' || typeof sid !== 'string' || typeof expiresAt !== 'number' || expiresAt <= now) return undefined;
  return { portalId, sid, expiresAt, ...(typeof user === 'string' ? { user } : {}) };
}

export function csrfToken(keys: SessionKeys, session: AdminSession): string {
  return keys.sign(`csrf:${session.sid}`);
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

/** Every /admin/api request needs a session; every change also needs the CSRF token in `X-CSRF-Token`. */
export function requireSession(keys: SessionKeys, now: () => number): RequestHandler {
  return (req, res, next) => {
    const session = readSession(req, keys, now());
    if (!session) {
      next(new SessionError('signed_out', 'Sign in through HubSpot first'));
      return;
    }
    const changes = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
    if (changes && !safeEqual(csrfToken(keys, session), req.get(CSRF_HEADER) ?? '')) {
      next(new SessionError('csrf_failed', 'Missing or wrong X-CSRF-Token header; reload the console'));
      return;
    }
    res.locals.session = session;
    next();
  };
}
