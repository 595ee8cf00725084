// The console in German: an installation whose language is German gets the console in German (tabs, headings,
// overview, funnel with German numbers and dates, model editor and what-if, contact card and score history), with no
// English label left in the places an admin reads first; saving the settings in English switches it back without a
// reload. Screenshots go to test-artifacts/ (and docs/console-de.png with UPDATE_DOCS_SCREENSHOTS=1).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a browser module without types, plain ES module JavaScript
import { CATALOGUES } from '../../src/http/admin/public/texts.js';
import type { PortalClients } from '../../src/hubspot/portal-client.ts';
import type { InstallationSettings, Store } from '../../src/store/store.ts';
import { PORTAL_ID, type RunningConsole, seedPortal, seedTimelineContact, startConsoleApp } from './console-fixtures.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts');
/** With UPDATE_DOCS_SCREENSHOTS=1 the README's German funnel screenshot in docs/ is refreshed too. */
const UPDATE_DOCS = process.env.UPDATE_DOCS_SCREENSHOTS === '1';

if (!HAVE_CHROMIUM) console.warn(`\n!!! SKIPPING the German console UI tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)\n`);

type Tree = { [key: string]: string | ((...args: unknown[]) => string) | Tree };
function strings(tree: Tree): string[] {
  return Object.values(tree).flatMap((v) => (typeof v === 'object' ? strings(v) : typeof v === 'string' ? [v] : []));
}
/** Every fixed English label of the console that German words differently. */
const germanWords = new Set(strings(CATALOGUES.de as Tree));
const ENGLISH_LABELS = strings(CATALOGUES.en as Tree).filter((s) => !germanWords.has(s));

/** Where an admin reads labels first: tabs, headings, legends, field labels, table heads, buttons, KPI names. */
const KEY_PLACES = '[role="tab"], h1, h2, h3, legend, label, th, button, dt, caption, .kpi .label, .hint, .empty, .pill, .notice';

async function setLanguage(store: Store, language: string) {
  const installation = await store.getInstallation(PORTAL_ID);
  if (!installation) throw new Error('no installation');
  // The settings' language field belongs to the settings route; here it is set as an admin's save would store it.
  await store.putInstallation({ ...installation, settings: { ...installation.settings, language } as InstallationSettings });
}

describe.skipIf(!HAVE_CHROMIUM)('the console in German, in headless Chromium', () => {
  let app: RunningConsole;
  let browser: BrowserContext;
  let page: Page;
  let profileDir: string;

  const englishLeft = () =>
    page.evaluate(
      ({ selector, labels }) => {
        const english = new Set(labels);
        return Array.from(document.querySelectorAll(selector)).map((el) => (el.textContent ?? '').trim()).filter((text) => english.has(text));
      },
      { selector: KEY_PLACES, labels: ENGLISH_LABELS },
    );

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    app = await startConsoleApp(async (test) => {
      await seedPortal(test.store, { contacts: 250 });
      await seedTimelineContact(test.store);
      await setLanguage(test.store, 'de');
      // HubSpot knows no contact the app has not scored.
      const hubspot: PortalClients = { forPortal: async () => ({ readContacts: async () => new Map() }) as never };
      (test.ctx as { hubspot: PortalClients }).hubspot = hubspot;
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

  it('when the installation speaks German, then the overview is German, whatever the browser says, and so is the sign-in page after it', async () => {
    await expect.poll(() => page.getByTestId('install-status').textContent()).toBe('Aktiv');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
    expect(await page.title()).toBe('BANT Lead Scoring · Verwaltung');
    expect(await page.getByRole('tab').allTextContents()).toEqual(['Übersicht', 'Funnel', 'Treffsicherheit', 'Bewertungsmodell', 'Einstellungen', 'Kontakte']);
    expect(await page.getByRole('button', { name: 'Abmelden' }).isVisible()).toBe(true);
    expect(await page.locator('#h-jobs').textContent()).toBe('Erstbewertung und geplante Aufträge');
    expect(await page.locator('#overview-refreshed').textContent()).toMatch(/^Aktualisiert \d{2}:\d{2}:\d{2}; aktualisiert sich alle 15 s\.$/);
    expect(await page.locator('#installation').textContent()).toContain('Bewertete Kontakte');
    expect(await englishLeft()).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, '30-overview-de.png'), fullPage: true });

    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.getByRole('link', { name: 'Mit HubSpot anmelden' }).waitFor();
    expect(await page.locator('#signed-out h1').textContent()).toBe('Verwaltungskonsole');
    await page.getByRole('link', { name: 'Mit HubSpot anmelden' }).click();
    await expect.poll(() => page.getByTestId('install-status').textContent()).toBe('Aktiv');
  });

  it('when the funnel opens for a range, then its labels are German and its dates and percentages German-formatted', async () => {
    await page.getByRole('tab', { name: 'Funnel' }).click();
    await page.getByTestId('score-chart').waitFor();
    await page.getByLabel('Von', { exact: true }).fill('2026-10-21');
    await page.getByLabel('bis', { exact: true }).fill('2026-11-20');
    await page.getByRole('button', { name: 'Anwenden' }).click();
    await expect.poll(() => page.locator('#range-note').textContent()).toMatch(/^21\.10\.2026 bis 20\.11\.2026\. Ergebnisse, Phasen und Punkte/);
    expect(await page.locator('#range-note').textContent()).toMatch(/Gezählt über alle [\d.]+ gespeicherten Kontakte, keine Stichprobe\./);
    const cohort = page.getByTestId('cohort');
    expect(await cohort.locator('.label').textContent()).toBe('MQL → SQL (Kohorte)');
    expect(await cohort.locator('.sub').textContent()).toMatch(/^\d+ SQL von \d+ MQL im Zeitraum; Ziel 20–40 %\.$/);
    expect(await cohort.locator('.value').textContent()).toMatch(/^(\d+,\d|–) %?$/);
    expect(await page.locator('#kpis').textContent()).toContain('Bewertete Kontakte');
    expect(await page.locator('#outcomes').textContent()).toContain('Klasse A');
    expect(await page.getByTestId('score-chart').locator('title').first().textContent()).toBe('Kontakte je Fit-Punktebereich');
    if (UPDATE_DOCS) await page.screenshot({ path: join(ROOT, 'docs', 'console-de.png') });
    await page.getByRole('button', { name: 'MQL jetzt: Kontakte anzeigen' }).click();
    await expect.poll(() => page.locator('#h-drill').textContent()).toMatch(/^MQL jetzt: \d+ Kontakte$/);
    expect(await page.getByTestId('drill-table').locator('th').allTextContents()).toEqual(['Kontakt', 'Unternehmen', 'Ergebnis', 'Priorität', 'Lebenszyklusphase']);
    expect(await englishLeft()).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, '31-funnel-de.png'), fullPage: true });
  });

  it('when the portal has no outcomes yet, then the accuracy page says so in German', async () => {
    await page.getByRole('tab', { name: 'Treffsicherheit' }).click();
    await expect.poll(async () => (await page.getByTestId('accuracy-message').count()) && page.getByTestId('accuracy-message').textContent()).toMatch(/^Zu wenige Daten: 0 gewonnene und 0 verlorene Ergebnisse/);
    expect(await page.getByTestId('deal-scope').textContent()).toMatch(/^Deals werden nicht gelesen: Die optionale Berechtigung crm\.objects\.deals\.read wurde nicht erteilt\./);
    expect(await page.getByTestId('sales-cycle').textContent()).toMatch(/^\d+ nach SQL gewonnen: Median [\d,]+ Tage, Mittel [\d,]+ Tage, 90 % innerhalb von [\d,]+ Tagen \(von SQL bis gewonnen\)\.$/);
    expect(await englishLeft()).toEqual([]);
  });

  it('when the admin edits the model, then the form, the matrix, validation and what-if speak German', async () => {
    await page.getByRole('tab', { name: 'Bewertungsmodell' }).click();
    const gradeA = page.getByLabel('Klasse A ab');
    await gradeA.waitFor();
    const before = await gradeA.inputValue();
    await gradeA.fill('50');
    await expect.poll(() => gradeA.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#draft-form').textContent()).toMatch(/Klasse A \(50\) muss über Klasse B \(\d+\) liegen, sonst wird Klasse B nie erreicht/);
    expect(await page.locator('#draft-issues').textContent()).toMatch(/^\d+ Probleme? im Entwurf:/);
    await gradeA.fill(before);
    expect(await page.locator('#draft-form legend').allTextContents()).toEqual(['Fit: wer der Kontakt ist', 'Engagement: was der Kontakt getan hat', 'MQL-Felder', 'Aufgaben']);
    expect(await page.locator('#draft-form').textContent()).toContain('Wiedervorlage nach (Tagen)');
    const pricing = page.locator('.rule-row[data-rule="pricing page visit"]');
    await pricing.getByLabel('Beispiel-URLs oder -Titel testen').fill('https://example.com/pricing\nhttps://example.com/jobs');
    expect(await pricing.locator('.pattern-result').textContent()).toContain('✗ „https://example.com/jobs“ passt zu keinem Muster');
    await page.getByLabel('Version (wird in bant_model_version geschrieben)').fill('de-1');
    await page.getByRole('button', { name: 'Entwurf prüfen und speichern' }).click();
    await expect.poll(() => page.locator('#draft-issues').textContent()).toBe('Der Entwurf ist gültig.');
    await page.getByRole('button', { name: 'Was wäre, wenn?' }).click();
    await expect.poll(async () => (await page.getByTestId('whatif-headline').count()) && page.getByTestId('whatif-headline').textContent(), { timeout: 30_000 }).toMatch(
      /^Bei Ihren Kontakten ergibt dieser Entwurf \d+ MQL, \d+ SQL, [\d,]+ Aufgaben pro Tag und Vertriebsmitarbeiter\.$/,
    );
    expect(await page.getByTestId('whatif-basis').textContent()).toMatch(/\. Gezählt über alle [\d.]+ gespeicherten Kontakte; Aufgabenfluss geschätzt/);
    expect(await page.getByTestId('versions').locator('th').allTextContents()).toEqual(['Version', 'Aktiviert', 'Von', '']);
    expect(await englishLeft()).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, '32-model-de.png'), fullPage: true });
  });

  it('when the admin finds a contact, then its card and its score history are German, days included', async () => {
    await page.getByRole('tab', { name: 'Kontakte' }).click();
    await page.getByLabel('Name, E-Mail oder Kontakt-ID').fill('erika beispiel');
    await page.getByRole('button', { name: 'Suchen' }).click();
    const items = page.getByTestId('timeline').locator('li');
    await expect.poll(() => items.count()).toBeGreaterThan(2);
    expect(await page.locator('#h-timeline').textContent()).toBe('Bewertungsverlauf von Erika Beispiel');
    const texts = await items.allTextContents();
    expect(texts[0]).toMatch(/^Dienstag 17\. Nov\.( 2026)?: gewonnen \(Deal\)$/);
    expect(texts.at(-1)).toMatch(/^Dienstag 27\. Okt\.( 2026)?: erstmals bewertet: /);
    expect(texts.join('\n')).toMatch(/Lead-Score \d+,\d → \d+/);
    expect(texts[1]).toMatch(/^Dienstag 10\. Nov\.( 2026)?: Nurture → SQL, /);
    const card = page.getByTestId('card');
    expect(await card.locator('header').textContent()).toContain('BANT-Bewertung');
    expect(await card.textContent()).toContain('Fit-Klasse');
    expect(await card.textContent()).toContain('BANT-Checkliste');
    expect(await page.getByTestId('search-results').textContent()).toContain('in HubSpot öffnen');
    expect(await englishLeft()).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, '33-contact-de.png'), fullPage: true });

    await page.getByLabel('Name, E-Mail oder Kontakt-ID').fill('Erika Musterfrau');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await expect.poll(() => page.getByTestId('search-message').textContent()).toMatch(/^Kein bewerteter Kontakt passt zu „Erika Musterfrau“ \(\d+ von \d+ Kontakten nach Name und E-Mail durchsucht\)\.$/);
    expect(await page.locator('#timeline').textContent()).toBe('Kein Kontakt anzuzeigen.');
    await page.getByLabel('Name, E-Mail oder Kontakt-ID').fill('9002');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await expect.poll(() => page.getByTestId('search-message').textContent()).toMatch(/^Kontakt 9002 ist nicht unter den \d+ bewerteten Kontakten/);
    await expect.poll(() => page.getByTestId('timeline-message').textContent()).toBe('Kontakt 9002 gibt es in HubSpot nicht (oder er wurde gelöscht).');
    await page.getByLabel('Name, E-Mail oder Kontakt-ID').fill('erika beispiel');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await expect.poll(() => page.locator('#h-timeline').textContent()).toBe('Bewertungsverlauf von Erika Beispiel');
  });

  it('when the admin saves the settings in English, then the console switches back without a reload, and stays English', async () => {
    await page.getByRole('tab', { name: 'Einstellungen' }).click();
    await page.getByRole('button', { name: 'Einstellungen speichern' }).waitFor();
    expect(await page.locator('#settings-form legend').allTextContents()).toContain('Aufgaben, die die App anlegt');
    expect(await page.locator('#settings-form').textContent()).toContain('Wiedervorlage für Nurture-Leads (follow_up)');
    expect(await page.locator('#settings-form').textContent()).toContain('Leads werden nicht genutzt: Die optionalen Berechtigungen crm.objects.leads.read und crm.objects.leads.write wurden nicht erteilt');
    expect(await englishLeft()).toEqual([]);
    const sla = page.getByLabel('Anruf-SLA (Stunden)');
    await sla.fill('-3');
    await page.getByRole('button', { name: 'Einstellungen speichern' }).click();
    await expect.poll(() => page.locator('#e-callSlaHours').textContent()).toBe('muss mehr als 0 Stunden sein');
    expect(await page.locator('#flash').textContent()).toBe('Die Einstellungen sind ungültig');
    await sla.fill('');
    // The language select comes with the settings route's language field; a save without it stores no language.
    const select = page.locator('#s-language');
    if (await select.count()) await select.selectOption('en');
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    await page.getByRole('button', { name: 'Einstellungen speichern' }).click();
    await expect.poll(() => page.locator('#flash').textContent()).toBe('Settings saved.');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.getByRole('tab').allTextContents()).toEqual(['Overview', 'Funnel', 'Accuracy', 'Scoring model', 'Settings', 'Contacts']);
    expect(await page.locator('#settings-form legend').allTextContents()).toContain('Tasks the app creates');
    expect(await page.locator('#h-timeline').textContent()).toBe('Score history of Erika Beispiel');
    expect(await page.getByTestId('card').textContent()).toContain('Fit grade');

    await page.reload();
    await expect.poll(() => page.getByRole('tab', { name: 'Overview' }).count()).toBe(1);
    await expect.poll(() => page.getByTestId('install-status').textContent()).toBe('Active');
  });
});
