// The admin console in headless Chromium (Debian's package): sign in through the OAuth stand-in, read the funnel for a
// range, drill into a number and export it, find a contact by name, edit a rule in the form and in the JSON, see the
// contacts that change, activate with confirmation, restore the previous version. Screenshots go to test-artifacts/;
// with UPDATE_DOCS_SCREENSHOTS=1 the README's screenshots in docs/ are refreshed too.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedPage, oauthErrorPage } from '../../src/http/oauth-pages.ts';
import { PORTAL_ID, type RunningConsole, seedPortal, startConsoleApp } from './console-fixtures.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts');
const DOCS = join(ROOT, 'docs');
const UPDATE_DOCS = process.env.UPDATE_DOCS_SCREENSHOTS === '1';

if (!HAVE_CHROMIUM) {
  const line = '!'.repeat(100);
  console.warn(
    `\n${line}\n!!! SKIPPING the admin console UI tests: no Chromium at ${CHROMIUM}.\n!!! Install it with: apt-get update && apt-get install -y chromium   (or set CHROMIUM_PATH)\n${line}\n`,
  );
}

describe.skipIf(!HAVE_CHROMIUM)('admin console in headless Chromium', () => {
  let app: RunningConsole;
  let browser: BrowserContext;
  let page: Page;
  let profileDir: string;
  let salesReadyContactId = '';

  /** The whole page, one element (`selector`) or what is on screen (`viewport`). */
  const shot = async (name: string, options: { docs?: string; selector?: string; viewport?: boolean } = {}) => {
    const target = options.selector ? page.locator(options.selector).first() : page;
    const extra = options.selector || options.viewport ? {} : { fullPage: true };
    await target.screenshot({ path: join(ARTIFACTS, `${name}.png`), ...extra });
    if (UPDATE_DOCS && options.docs) await target.screenshot({ path: join(DOCS, options.docs), ...extra });
  };

  /** Playwright's fill() takes seconds on a 700-line textarea; set the text and fire the input event the editor listens to. */
  const setEditorText = (text: string) =>
    page.locator('#draft-text').evaluate((el, value) => {
      (el as HTMLTextAreaElement).value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, text);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    if (UPDATE_DOCS) mkdirSync(DOCS, { recursive: true });
    app = await startConsoleApp(async (test) => {
      const seeded = await seedPortal(test.store, { contacts: 250 });
      const withOpenCall = seeded.tasks.find((t) => t.kind === 'call_sql' && t.status === 'open');
      if (!withOpenCall) throw new Error('the seed has no sales-ready contact with an open call task');
      salesReadyContactId = withOpenCall.contactId;
      await test.store.putJobState({
        portalId: PORTAL_ID,
        job: 'backfill',
        cursor: null,
        lastRun: { startedAt: new Date(test.clock.now - 3_600_000).toISOString(), finishedAt: new Date(test.clock.now - 3_000_000).toISOString(), ok: true, summary: '250 contacts scored' },
      });
      await test.store.enqueue([{ portalId: PORTAL_ID, kind: 'rescore', key: '1007', notBefore: test.clock.now }]);
      const [leased] = await test.store.lease({ now: test.clock.now, limit: 1, leaseMs: 1000 });
      await test.store.fail(leased?.id ?? '', 'HubSpot 400 VALIDATION_ERROR: Property values were not valid', test.clock.now, 1);
      test.ctx.metrics.inc('hubspot_api_calls_total', 'calls', { portal: PORTAL_ID, operation: 'contacts.batchUpdate', status: 200 }, 40);
      test.ctx.metrics.inc('hubspot_api_calls_total', 'calls', { portal: PORTAL_ID, operation: 'contacts.batchUpdate', status: 400 }, 1);
    });
    profileDir = mkdtempSync(join(tmpdir(), 'bant-chromium-'));
    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  it('when nobody is signed in, then the header shows no account and no sign-out', async () => {
    await page.goto(`${app.url}/admin`);
    await page.getByRole('link', { name: 'Sign in with HubSpot' }).waitFor();
    expect(await page.locator('#account').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(false);
    await shot('00-signed-out');
  });

  it('when an admin signs in through HubSpot, then the console opens on the installation status, which refreshes itself', async () => {
    await page.getByRole('link', { name: 'Sign in with HubSpot' }).click();
    await expect.poll(() => page.locator('#account-portal').textContent()).toContain(`Portal ${PORTAL_ID}`);
    await expect.poll(() => page.getByTestId('install-status').textContent()).toBe('Active');
    expect(await page.locator('#overview-refreshed').textContent()).toMatch(/refreshes every 15 s/);
    await page.getByRole('button', { name: '1 failed item' }).click();
    expect(await page.locator('#dead-letters').textContent()).toContain('VALIDATION_ERROR');
    await page.getByRole('button', { name: '1 error', exact: true }).click();
    await expect.poll(() => page.getByTestId('api-error-details').textContent()).toContain('rejected as invalid');
    await shot('01-overview', { docs: 'overview.png' });
  });

  it('when the funnel opens for a range, then the chart, the cohort conversion and the stage labels are shown', async () => {
    await page.getByRole('tab', { name: 'Funnel' }).click();
    const chart = page.getByTestId('score-chart');
    await chart.waitFor();
    expect(await chart.locator('rect.bucket').count()).toBe(10);
    const heights = await chart.locator('rect.bucket').evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('height'))));
    expect(heights.some((h) => h > 0)).toBe(true);
    await page.getByLabel('From').fill('2026-10-21');
    await page.getByLabel('to', { exact: true }).fill('2026-11-20');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('#range-note').textContent()).toContain('21 Oct 2026 to 20 Nov 2026');
    expect(await page.locator('#range-note').textContent()).toMatch(/Counted from all [\d,]+ stored contacts, no sample\./);
    expect(await page.getByTestId('cohort').textContent()).toMatch(/SQL of [\d,]+ MQL in the range/);
    expect(await page.locator('#stages').textContent()).toContain('Sales Qualified Lead');
    await shot('02-funnel', { docs: 'console.png' });
  });

  it('when the admin clicks a number, then its contacts are listed; the funnel exports as CSV', async () => {
    const mqls = (await app.test.store.listSnapshots(PORTAL_ID, null, 1000)).filter((s) => s.written.bant_qualification === 'mql');
    await page.getByRole('button', { name: 'MQL now: show the contacts' }).click();
    await expect.poll(() => page.locator('#h-drill').textContent()).toBe(`MQL now: ${mqls.length} contacts`);
    expect(await page.getByTestId('drill-table').locator('tbody tr').count()).toBe(mqls.length);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('08-drill-down', { docs: 'funnel-drill-down.png', viewport: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('bant-funnel-2026-10-21-2026-11-21.csv');
    const csv = readFileSync((await download.path()) ?? '', 'utf8');
    expect(csv).toContain(`outcome now,mql,${mqls.length}`);
    expect(csv).toMatch(/mql cohort,reached MQL or SQL in range,\d+/);
    expect(csv).toContain('mql cohort,won,\r\n');
    expect(await page.getByTestId('cohort-won').textContent()).toContain('No won or lost outcomes recorded yet');
  });

  it('when the portal has no outcomes and no deals scope, then the accuracy page says both', async () => {
    await page.getByRole('tab', { name: 'Accuracy' }).click();
    await expect.poll(async () => (await page.getByTestId('accuracy-message').count()) && page.getByTestId('accuracy-message').textContent()).toMatch(/^Too little data: 0 won and 0 lost outcomes/);
    expect(await page.getByTestId('deal-scope').textContent()).toContain('crm.objects.deals.read was not granted');
    expect(await page.getByTestId('heatmap').count()).toBe(0);
  });

  it('when the admin searches a contact by name, then its card opens and the history says none was recorded yet', async () => {
    await page.getByRole('tab', { name: 'Contacts' }).click();
    await page.getByLabel('Name, e-mail or contact id').fill(`Vorname${salesReadyContactId} Nachname${salesReadyContactId}`);
    await page.getByRole('button', { name: 'Search' }).click();
    const card = page.getByTestId('card');
    await expect.poll(async () => (await card.count()) && card.textContent()).toContain(`contact ${salesReadyContactId}`);
    expect(await card.textContent()).toContain('SQL: sales-ready');
    expect(await card.textContent()).toContain('Call the sales-ready lead');
    expect(await page.getByTestId('search-results').textContent()).toContain(`Vorname${salesReadyContactId} Nachname${salesReadyContactId}`);
    expect(await page.getByTestId('timeline-message').textContent()).toBe(`Contact ${salesReadyContactId} is scored, but no change of its score has been recorded yet: the history starts with the next rescore that changes something.`);
    await shot('07-card', { docs: 'card.png', selector: '[data-testid="card"]' });
    await shot('09-contact-search', { docs: 'contact-search.png' });

    await page.getByLabel('Name, e-mail or contact id').fill('Erika Musterfrau');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByTestId('search-message').textContent()).toMatch(/^No scored contact matches "Erika Musterfrau"/);
  });

  it('when a draft model has an error in the JSON view, then the error appears inline at its line; fixed, it validates', async () => {
    await page.getByRole('tab', { name: 'Scoring model' }).click();
    await page.getByRole('tab', { name: 'JSON (advanced)' }).click();
    const editor = page.locator('#draft-text');
    await expect.poll(async () => (await editor.inputValue()).length).toBeGreaterThan(100);
    const model = JSON.parse(await editor.inputValue());
    model.version = 'ui-1';
    model.fit.gradeThresholds.A = 'high';
    const text = JSON.stringify(model, null, 2);
    await setEditorText(text);
    await page.getByRole('button', { name: 'Validate and save draft' }).click();
    const issues = page.getByTestId('draft-issues');
    await issues.waitFor();
    expect(await issues.textContent()).toContain('fit.gradeThresholds.A');
    const expectedLine = text.split('\n').findIndex((l) => l.includes('"A": "high"')) + 1;
    expect(await page.locator('#gutter .bad').first().textContent()).toBe(String(expectedLine));
    await shot('03-draft-invalid');

    model.fit.gradeThresholds.A = 80;
    await setEditorText(JSON.stringify(model, null, 2));
    await page.getByRole('button', { name: 'Validate and save draft' }).click();
    await expect.poll(() => page.locator('#draft-issues').textContent()).toBe('The draft is valid.');
  });

  it('when the admin edits a rule in the form, then it is checked as they type, patterns can be tried, and what-if names the contacts that change', async () => {
    await page.getByRole('tab', { name: 'Form' }).click();
    const gradeA = page.getByLabel('Grade A from');
    await gradeA.fill('50');
    await expect.poll(() => gradeA.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#draft-form').textContent()).toContain('grade A (50) must be above grade B (60)');
    await gradeA.fill('80');
    await expect.poll(() => page.locator('#draft-issues').textContent()).toBe('The draft is valid.');

    const pricing = page.locator('.rule-row[data-rule="pricing page visit"]');
    await pricing.getByLabel('Try sample URLs or titles').fill('https://example.com/pricing\nhttps://example.com/jobs');
    expect(await pricing.locator('.pattern-result').textContent()).toContain('✓ "https://example.com/pricing" matches');
    expect(await pricing.locator('.pattern-result').textContent()).toContain('✗ "https://example.com/jobs" matches no pattern');
    await pricing.getByLabel('Points').fill('60');
    await pricing.getByLabel('Cap').fill('120');
    await page.locator('[data-cell="A3"]').click();
    await expect.poll(() => page.locator('#draft-issues').textContent()).toBe('The draft is valid.');
    await pricing.scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, -260));
    await shot('10-model-form', { docs: 'model-form.png', viewport: true });

    await page.getByRole('button', { name: 'What if?' }).click();
    const headline = page.getByTestId('whatif-headline');
    await headline.waitFor();
    expect(await headline.textContent()).toMatch(/^On your contacts this draft gives [\d,]+ MQL, [\d,]+ SQL, [\d.]+ tasks per day per rep\.$/);
    expect(await page.getByTestId('whatif-basis').textContent()).toMatch(/\. Counted on all [\d,]+ stored contacts; task flow estimated/);
    const rows = page.getByTestId('changed-contacts').locator('tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await rows.first().textContent()).toMatch(/Vorname\d+ Nachname\d+/);
    expect(await page.getByTestId('model-diff').textContent()).toContain('engagement.rules[pricing_page].points');
    await page.getByLabel('What changes').selectOption('outcome');
    for (const text of await rows.allTextContents()) expect(text).toContain('→');
    expect(app.test.hubspotCalls).toEqual([]);
    await page.getByLabel('What changes').selectOption('all');
    await shot('04-what-if', { docs: 'what-if.png', selector: '#whatif' });
  });

  it('when the admin activates, then a confirmation states the impact, and the model becomes active with a rescore queued', async () => {
    await page.getByRole('button', { name: 'Activate…' }).click();
    const impact = page.getByTestId('impact');
    await impact.waitFor();
    expect(await impact.textContent()).toMatch(/^[\d,]+ outcomes change in HubSpot, and [\d,]+ tasks would be created now/);
    await shot('05-confirm-activate', { docs: 'activate-confirm.png', viewport: true });
    await page.getByRole('button', { name: 'Activate ui-1' }).click();
    await expect.poll(() => page.locator('#flash').textContent()).toContain('Model ui-1 is active');
    await expect.poll(() => page.getByTestId('active-version').textContent()).toBe('ui-1');
    // The version list is redrawn after the active version; poll so the test does not race the second render.
    await expect.poll(() => page.getByTestId('versions').textContent()).toContain('admin@muster-anlagenbau.de');
    expect((await app.test.store.getInstallation(PORTAL_ID))?.modelHistory?.map((h) => h.version)).toEqual(['ui-1']);
    expect(await app.test.store.queueDepth(PORTAL_ID)).toBe(1);
  });

  it('when the admin restores the previous version, then it is active again as a new version', async () => {
    const previous = app.test.ctx.defaultModel.version;
    await page.getByRole('button', { name: 'Diff with active' }).click();
    expect(await page.getByTestId('model-diff').last().textContent()).toContain('engagement.rules[pricing_page].points');
    await page.getByLabel('Compare').selectOption(previous);
    await page.getByLabel('with', { exact: true }).selectOption('ui-1');
    await page.getByRole('button', { name: 'Show differences' }).click();
    await expect.poll(() => page.locator('#version-view h3').textContent()).toBe(`From ${previous} to ui-1`);
    expect(await page.locator('#version-view').textContent()).toContain('mqlCells');
    await shot('06-versions', { docs: 'versions.png', selector: 'article:has(#history)' });
    await page.getByRole('button', { name: `Restore ${previous}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: `Restore ${previous}` }).click();
    await expect.poll(() => page.getByTestId('active-version').textContent()).toBe(`${previous}-restored`);
    const installation = await app.test.store.getInstallation(PORTAL_ID);
    expect(installation?.modelHistory?.at(-1)).toMatchObject({ version: `${previous}-restored`, restoredFrom: previous });
    expect((installation?.activeModel as { engagement: { rules: Array<{ id: string; points: number }> } } | undefined)?.engagement.rules.find((r) => r.id === 'pricing_page')?.points).toBe(10);
  });

  it('when the install completes or fails, then the admin sees a styled page with the way into the console', async () => {
    // The pages of /oauth/callback, shown on the app's origin so they load the console's stylesheet as they do there.
    await page.setContent(installedPage(`portal ${PORTAL_ID} (muster-anlagenbau.de)`), { waitUntil: 'load' });
    const open = page.getByRole('link', { name: 'Open the admin console' });
    expect(await open.getAttribute('href')).toBe('/admin');
    expect(await open.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 122, 89)');
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await shot('11-installed', { docs: 'installed.png', viewport: true });
    await page.setContent(oauthErrorPage(400, 'oauth_denied', 'HubSpot did not grant access: access_denied'), { waitUntil: 'load' });
    expect(await page.getByRole('link', { name: 'Install again' }).getAttribute('href')).toBe('/oauth/install');
    await page.goto(`${app.url}/admin`);
  });

  it('when a setting is out of range, then its field shows the error', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    const sla = page.getByLabel('Call SLA (hours)');
    await sla.fill('-3');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.locator('#e-callSlaHours').textContent()).toContain('more than 0');
    expect(await sla.getAttribute('aria-invalid')).toBe('true');
    await shot('06-settings');
  });

  it('when the admin chooses German, then the installation keeps it and the form shows it after a reload', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByLabel('Call SLA (hours)').fill('');
    const language = page.getByLabel('Language of the console, tasks, reasons, property labels and the card');
    expect(await language.inputValue()).toBe('en');
    await language.selectOption('de');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(async () => (await app.test.store.getInstallation(PORTAL_ID))?.settings.language).toBe('de');
    await page.reload();
    // The console follows the installation's language too, so the field is labelled in German now.
    await page.getByRole('tab', { name: 'Einstellungen' }).click();
    await expect.poll(() => page.getByLabel('Sprache der Konsole, Aufgaben, Gründe, Eigenschaftsbezeichnungen und der Karte').inputValue()).toBe('de');
    // Back to English, so the tests after this one read the console in English.
    await page.locator('#s-language').selectOption('en');
    await page.getByRole('button', { name: 'Einstellungen speichern' }).click();
    await expect.poll(async () => (await app.test.store.getInstallation(PORTAL_ID))?.settings.language).toBe('en');
  });

  it('when the portal has no Leads, then the Leads switch is off and disabled, and says which scopes are missing', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    const leads = page.getByLabel(/Create and qualify Lead records/);
    expect(await leads.isDisabled()).toBe(true);
    expect(await leads.isChecked()).toBe(false);
    expect(await page.locator('#settings-form').textContent()).toContain('crm.objects.leads.read');
  });

});
