// The console's outcome views in headless Chromium: an admin finds a contact by name and reads its score history as
// a timeline, reads the accuracy page (AUC, lift, the matrix heatmap, calibration, lost reasons), proposes a
// calibrated model and opens it in the editor, and sees the MQL cohort's won contacts in the funnel. Screenshots go to
// test-artifacts/; with UPDATE_DOCS_SCREENSHOTS=1 docs/contact-timeline.png and docs/accuracy.png are refreshed too.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortalClients } from '../../src/hubspot/portal-client.ts';
import { buildExamples } from '../../src/outcomes/build-examples.ts';
import { evaluateOutcomes } from '../../src/scoring/evaluate.ts';
import type { OutcomeRecord } from '../../src/store/store.ts';
import { PORTAL_ID, type RunningConsole, seedOutcomes, seedPortal, seedTimelineContact, startConsoleApp, TIMELINE_CONTACT } from './console-fixtures.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts');
const DOCS = join(ROOT, 'docs');
const UPDATE_DOCS = process.env.UPDATE_DOCS_SCREENSHOTS === '1';

if (!HAVE_CHROMIUM) console.warn(`\n!!! SKIPPING the console outcome UI tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)\n`);

describe.skipIf(!HAVE_CHROMIUM)('console outcome views in headless Chromium', () => {
  let app: RunningConsole;
  let browser: BrowserContext;
  let page: Page;
  let profileDir: string;
  let timeline: Awaited<ReturnType<typeof seedTimelineContact>>;
  let outcomes: OutcomeRecord[];

  const shot = async (name: string, options: { docs?: string; selector?: string; viewport?: boolean } = {}) => {
    const target = options.selector ? page.locator(options.selector).first() : page;
    const extra = options.selector || options.viewport ? {} : { fullPage: true };
    await target.screenshot({ path: join(ARTIFACTS, `${name}.png`), ...extra });
    if (UPDATE_DOCS && options.docs) await target.screenshot({ path: join(DOCS, options.docs), ...extra });
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    app = await startConsoleApp(async (test) => {
      const seeded = await seedPortal(test.store, { contacts: 250 });
      outcomes = await seedOutcomes(test.store, seeded.snapshots);
      timeline = await seedTimelineContact(test.store);
      // HubSpot knows one contact the app has not scored (9001) and none else.
      const hubspot: PortalClients = {
        forPortal: async () => ({ readContacts: async (ids: string[]) => new Map(ids.filter((id) => id === '9001').map((id) => [id, { contactId: id }])) }) as never,
      };
      (test.ctx as { hubspot: PortalClients }).hubspot = hubspot;
      // The seeded outcomes are deals: the portal granted the optional deals scope.
      const installation = await test.store.getInstallation(PORTAL_ID);
      if (installation) await test.store.putInstallation({ ...installation, scopes: [...installation.scopes, 'crm.objects.deals.read'] });
    });
    profileDir = mkdtempSync(join(tmpdir(), 'bant-chromium-'));
    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      timezoneId: 'Europe/Berlin',
      locale: 'en-GB',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(`${app.url}/admin`);
    await page.getByRole('link', { name: 'Sign in with HubSpot' }).click();
    await page.locator('#account-portal').filter({ hasText: `Portal ${PORTAL_ID}` }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  it('when an admin finds a contact by name, then its score history reads as a timeline of days, moves, reasons and model', async () => {
    await page.getByRole('tab', { name: 'Contacts' }).click();
    await page.getByLabel('Name, e-mail or contact id').fill('erika beispiel');
    await page.getByRole('button', { name: 'Search' }).click();
    const items = page.getByTestId('timeline').locator('li');
    await expect.poll(() => items.count()).toBe(timeline.history.length + 1);
    expect(await page.locator('#h-timeline').textContent()).toBe('Score history of Erika Beispiel');
    expect(await page.getByTestId('card').textContent()).toContain(`contact ${TIMELINE_CONTACT.contactId}`);

    const texts = await items.allTextContents();
    expect(texts[0]).toMatch(/^Tuesday 17 Nov( 2026)?: won \(deal\)$/);
    const last = timeline.history.at(-1);
    const before = timeline.history.at(-2);
    if (!last || !before) throw new Error('the fixture has fewer than two changes');
    expect(last.qualification).not.toBe(before.qualification);
    const newest = texts[1] ?? '';
    expect(newest).toMatch(new RegExp(`^Tuesday 10 Nov( 2026)?: ${before.qualification} → ${last.qualification}, `));
    expect(newest).toContain(`lead score ${before.leadScore} → ${last.leadScore}`);
    expect(newest).toContain('budget unknown → met (Budget approved)');
    expect(newest).toMatch(/\+[\d.]+ demo booking/);
    expect(newest).toContain(`model ${last.modelVersion}`);
    expect(texts.at(-1)).toMatch(new RegExp(`^Tuesday 27 Oct( 2026)?: first scored: ${timeline.history[0]?.qualification}, priority ${timeline.history[0]?.priority}`));
    await shot('21-contact-timeline', { docs: 'contact-timeline.png', viewport: true });
  });

  it('when the id searched is not scored, then the history says whether HubSpot has the contact', async () => {
    await page.getByLabel('Name, e-mail or contact id').fill('9001');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByTestId('timeline-message').textContent()).toBe('Contact 9001 exists in HubSpot but has not been scored yet: it is scored within minutes of its next change, or by the next backfill.');
    await page.getByLabel('Name, e-mail or contact id').fill('9002');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByTestId('timeline-message').textContent()).toBe('Contact 9002 does not exist in HubSpot (or was deleted).');
  });

  it('when the admin opens the accuracy page, then AUC, lift, the heatmap per matrix cell, calibration and lost reasons show the outcomes', async () => {
    const set = buildExamples(await app.test.store.listOutcomes(PORTAL_ID));
    const expected = evaluateOutcomes(await app.test.ctx.modelFor(PORTAL_ID), set.examples);
    await page.getByRole('tab', { name: 'Accuracy' }).click();
    const auc = page.getByTestId('auc');
    await auc.waitFor();
    expect(await auc.locator('.value').textContent()).toBe(expected.auc?.toFixed(2));
    expect(await page.getByTestId('lift10').locator('.value').textContent()).toBe(`${expected.lift.top10?.toFixed(2)}×`);
    expect(await page.getByTestId('accuracy-outcomes').textContent()).toMatch(new RegExp(`^${set.won} won and ${set.lost} lost contacts`));
    expect(await page.getByTestId('deal-scope').count()).toBe(0);

    const heatmap = page.getByTestId('heatmap');
    expect(await heatmap.locator('td[data-cell]').count()).toBe(16);
    const [cell, conversion] = Object.entries(expected.priority).sort((a, b) => b[1].n - a[1].n)[0] ?? [];
    if (!cell || !conversion) throw new Error('no cell with outcomes');
    expect(await heatmap.locator(`[data-cell="${cell}"]`).textContent()).toBe(`${cell}${(conversion.rate * 100).toFixed(1)} % of ${conversion.n}`);
    const shade = await heatmap.locator(`[data-cell="${cell}"]`).evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(shade).toMatch(/^rgba\(0, 145, 174, /);
    expect(await page.getByTestId('calibration').locator('tbody tr').count()).toBe(expected.calibration.length);

    const lostTo = (name: string) => outcomes.filter((o) => o.outcome === 'lost' && o.competitor === name).length;
    const lostReasons = await page.getByTestId('lost-reasons').textContent();
    expect(lostReasons).toContain(`Wettbewerber AG${lostTo('Wettbewerber AG')}`);
    expect(lostReasons).toContain(`budget${outcomes.filter((o) => o.outcome === 'lost' && o.criterion === 'budget').length}`);
    await shot('22-accuracy', { docs: 'accuracy.png' });
  });

  it('when the admin proposes a calibrated model, then it is the draft and opens in the model editor', async () => {
    await page.getByRole('button', { name: 'Propose a calibrated model…' }).click();
    const proposed = page.getByTestId('calibration-proposed');
    await proposed.waitFor({ timeout: 30_000 });
    const draft = (await app.test.store.getInstallation(PORTAL_ID))?.draftModel as { version?: string } | undefined;
    expect(draft?.version).toMatch(/^cal-2026-11-20-/);
    expect(await proposed.textContent()).toBe(`Proposed ${draft?.version} as the draft.`);
    expect(await page.locator('#calibration-result').textContent()).toMatch(/AUC [\d.]+ → [\d.]+/);
    await shot('23-calibration', { selector: '#calibration-result' });
    await page.getByRole('button', { name: 'Review it in the model editor' }).click();
    await expect.poll(() => page.getByRole('tab', { name: 'Scoring model' }).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('tab', { name: 'JSON (advanced)' }).click();
    await expect.poll(async () => (JSON.parse((await page.locator('#draft-text').inputValue()) || '{}') as { version?: string }).version).toBe(draft?.version);
  });

  it('when the funnel opens, then the MQL cohort shows how many were won, and the number opens those contacts', async () => {
    await page.getByRole('tab', { name: 'Funnel' }).click();
    await page.locator('#range-from').fill('2026-10-21');
    await page.locator('#range-to').fill('2026-11-20');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('#range-note').textContent()).toContain('21 Oct 2026 to 20 Nov 2026');
    const snapshots = await app.test.store.listSnapshots(PORTAL_ID, null, 1000);
    const won = new Set(outcomes.filter((o) => o.outcome === 'won').map((o) => o.contactId));
    won.add(TIMELINE_CONTACT.contactId);
    const cohort = snapshots.filter((s) => {
      const at = Date.parse(s.written.bant_became_mql_at ?? '');
      return at >= Date.parse('2026-10-21T00:00:00Z') && at < Date.parse('2026-11-21T00:00:00Z') && at > Date.parse('2026-10-11T12:00:00Z');
    });
    const cohortWon = cohort.filter((s) => won.has(s.contactId));
    expect(cohortWon.length).toBeGreaterThan(0);
    const kpi = page.getByTestId('cohort-won');
    expect(await kpi.locator('.sub').textContent()).toBe(`${cohortWon.length} won of ${cohort.length} MQL in the range, by now.`);
    expect(await kpi.locator('.value').textContent()).toBe(`${((cohortWon.length / cohort.length) * 100).toFixed(1)} %`);
    await kpi.getByRole('button', { name: 'Of those, won: show the contacts' }).click();
    await expect.poll(() => page.locator('#h-drill').textContent()).toBe(`Of those, won: ${cohortWon.length} contacts`);
    expect(await page.getByTestId('drill-table').locator('tbody tr').count()).toBe(cohortWon.length);
    expect(await page.locator('#drill-export').getAttribute('href')).toContain('metric=cohort%3Awon');
  });
});
