// The admin console in headless Chromium (Debian's package): sign in through the OAuth stand-in, read the funnel
// chart, edit a model until it validates, what-if, activate, and preview the rep card. Screenshots go to
// test-artifacts/; with UPDATE_DOCS_SCREENSHOTS=1 the README's docs/console.png and docs/card.png are refreshed too.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  const shot = async (name: string, options: { docs?: string; selector?: string } = {}) => {
    const target = options.selector ? page.locator(options.selector) : page;
    await target.screenshot({ path: join(ARTIFACTS, `${name}.png`), ...(options.selector ? {} : { fullPage: true }) });
    if (UPDATE_DOCS && options.docs) await target.screenshot({ path: join(DOCS, options.docs), ...(options.selector ? {} : { fullPage: true }) });
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

  it('when an admin signs in through HubSpot, then the console opens on the installation status', async () => {
    await page.goto(`${app.url}/admin`);
    await page.getByRole('link', { name: 'Sign in with HubSpot' }).click();
    await expect.poll(() => page.locator('#account-portal').textContent()).toContain(`Portal ${PORTAL_ID}`);
    await expect.poll(() => page.getByTestId('install-status').textContent()).toBe('Active');
    await shot('01-overview');
  });

  it('when the funnel tab opens, then the score distribution chart is drawn with a bar per score range', async () => {
    await page.getByRole('tab', { name: 'Funnel' }).click();
    const chart = page.getByTestId('score-chart');
    await chart.waitFor();
    expect(await chart.locator('rect.bucket').count()).toBe(10);
    const heights = await chart.locator('rect.bucket').evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('height'))));
    expect(heights.some((h) => h > 0)).toBe(true);
    expect(await page.locator('.kpi .label').allTextContents()).toContain('MQL → SQL');
    await shot('02-funnel', { docs: 'console.png' });
  });

  it('when the card preview opens, then it shows the rep card of a sales-ready contact with its open task', async () => {
    await page.getByRole('tab', { name: 'Card preview' }).click();
    await page.getByTestId('card').waitFor();
    await page.getByLabel('Contact id').fill(salesReadyContactId);
    await page.getByRole('button', { name: 'Show' }).click();
    const card = page.getByTestId('card');
    await expect.poll(() => card.textContent()).toContain(`contact ${salesReadyContactId}`);
    expect(await card.textContent()).toContain('SQL: sales-ready');
    expect(await card.textContent()).toContain('Call the sales-ready lead');
    expect(await card.textContent()).toContain('BANT checklist');
    await shot('07-card', { docs: 'card.png', selector: '[data-testid="card"]' });
  });

  it('when a draft model has an error, then the error appears inline at its line; fixed, it validates', async () => {
    await page.getByRole('tab', { name: 'Scoring model' }).click();
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

    model.fit.gradeThresholds.A = 75;
    model.mqlCells = ['A1', 'A2', 'B1'];
    await setEditorText(JSON.stringify(model, null, 2));
    await page.getByRole('button', { name: 'Validate and save draft' }).click();
    await expect.poll(() => page.locator('#draft-issues').textContent()).toBe('The draft is valid.');
  });

  it('when the admin asks what if, then the console says what the draft gives on the stored contacts', async () => {
    await page.getByRole('button', { name: 'What if?' }).click();
    const headline = page.getByTestId('whatif-headline');
    await headline.waitFor();
    expect(await headline.textContent()).toMatch(/^On your contacts this draft gives [\d,]+ MQL, [\d,]+ SQL, [\d.]+ tasks per day per rep\.$/);
    expect(app.test.hubspotCalls).toEqual([]);
    await shot('04-what-if');
  });

  it('when the admin activates the draft, then it becomes active, enters the history and a rescore is queued', async () => {
    await page.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => page.locator('#flash').textContent()).toContain('Model ui-1 is active');
    await expect.poll(() => page.getByTestId('active-version').textContent()).toBe('ui-1');
    expect(await page.locator('#history').textContent()).toContain('ui-1');
    expect((await app.test.store.getInstallation(PORTAL_ID))?.modelHistory?.map((h) => h.version)).toEqual(['ui-1']);
    expect(await app.test.store.queueDepth(PORTAL_ID)).toBe(1);
    await shot('05-activated');
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

});
