// OAuth states are created by anonymous requests (GET /oauth/install, /admin/signin), so each holds little and only
// so many live at once: a flood evicts the oldest unfinished sign-ins instead of growing memory and disk.
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../app-context.ts';
import type { OAuthState } from '../store/store.ts';

/** Unfinished installs and sign-ins at once; beyond it, the oldest go (their admins start again). */
export const MAX_LIVE_OAUTH_STATES = 2_000;

export function newStateId(): string {
  return randomBytes(24).toString('base64url');
}

/** State ids are ours (base64url); anything else is not looked up. */
export function isStateId(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(value);
}

export async function putBoundedState(ctx: Pick<AppContext, 'store' | 'now'>, state: OAuthState): Promise<void> {
  await ctx.store.putOAuthState(state, { now: ctx.now(), maxLive: MAX_LIVE_OAUTH_STATES });
}
