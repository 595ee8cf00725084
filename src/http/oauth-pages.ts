// The pages an admin sees at the end of HubSpot's OAuth flow (install or console sign-in): installed (with the way into
// the console) or what went wrong and how to start again. Styled with the console's stylesheet; every value is HTML-escaped.
import type { ErrorRequestHandler } from 'express';
import { asCodedError } from '../errors.ts';
import type { Logger } from '../log.ts';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · BANT Lead Scoring</title>
<link rel="stylesheet" href="/admin/admin.css"></head>
<body>
<header class="topbar"><div class="brand"><span class="brand-mark" aria-hidden="true">B</span> BANT Lead Scoring</div></header>
<main class="signin">
${body}
</main>
</body></html>`;
}

/** `restoredFrom`: the date of the earlier install whose settings and model history this install brought back. */
export function installedPage(where: string, restoredFrom?: string): string {
  const restored = restoredFrom
    ? `\n<p data-restored>Settings and model history from ${escapeHtml(restoredFrom.slice(0, 10))} restored: the app works as it was set up before it was disconnected. It looks up its earlier tasks in HubSpot before it creates any.</p>`
    : '';
  return page(
    'Installed',
    `<h1>BANT lead scoring is installed</h1>
<p>The app is connected to HubSpot ${escapeHtml(where)}. It created the <em>BANT lead scoring</em> contact properties and is now scoring your existing contacts; scores appear on contact records as it goes.</p>${restored}
<p>In the admin console you can follow the backfill, tune the scoring model and see the funnel.</p>
<p><a class="button primary" href="/admin">Open the admin console</a></p>`,
  );
}

const NEXT_STEP: Record<string, string> = {
  oauth_denied: 'Nothing was changed. To install the app or sign in to the console, start again and allow access on HubSpot’s page.',
  oauth_state_invalid: 'Install and sign-in links work once and for 10 minutes. Start again to get a new one.',
  oauth_code_missing: 'HubSpot did not send an authorization code. Start again.',
  oauth_disabled: 'This deployment works with a static token; there is nothing to install.',
};

export function oauthErrorPage(status: number, code: string, message: string): string {
  const next = NEXT_STEP[code] ?? (status >= 500 ? 'HubSpot or the app had a problem; nothing is lost. Try again in a minute.' : 'Start the install again.');
  return page(
    'Not connected',
    `<h1>The connection to HubSpot did not finish</h1>
<p class="pill bad">${escapeHtml(message)}</p>
<p>${escapeHtml(next)}</p>
<p>${code === 'oauth_disabled' ? '' : '<a class="button primary" href="/oauth/install">Install again</a> '}<a class="button secondary" href="/admin/signin">Sign in to the admin console</a></p>
<p class="hint">Error code: <code>${escapeHtml(code)}</code> (HTTP ${status})</p>`,
  );
}

/** A browser (asking for HTML) gets a page; API clients keep the JSON error of the app's error middleware. */
export function answerOAuthErrorsAsPages(log: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent || req.accepts(['json', 'html']) !== 'html') {
      next(error);
      return;
    }
    const coded = asCodedError(error);
    const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : coded.status;
    if (status >= 500) log.error('install failed', { path: req.path, code: coded.code, error: coded });
    const message = status >= 500 && coded.code === 'internal_error' ? 'Internal error' : coded.message;
    res.status(status).type('html').send(oauthErrorPage(status, coded.code, message));
  };
}
