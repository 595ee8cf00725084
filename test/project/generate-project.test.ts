import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Components } from '@hubspot/project-parsing-lib/constants';
import { parseProjectConfig } from '@hubspot/project-parsing-lib/projects';
import { translate, translateForLocalDev } from '@hubspot/project-parsing-lib/translate';
import { validateUid } from '@hubspot/project-parsing-lib/uid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appDefinition, installScopes } from '../../src/app-definition.ts';
import { buildInstallUrl } from '../../src/hubspot/oauth.ts';
import { CARD_FETCH_TIMEOUT_MS, generateProject, HUBSPOT_FETCH_TIMEOUT } from '../../src/project/generate-project.ts';
import { testConfig } from '../ui/console-fixtures.ts';

const BASE = 'https://bant.example.com';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bant-project-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const readJson = (relative: string) => JSON.parse(readFileSync(join(dir, relative), 'utf8'));
const out = () => join(dir, 'hubspot-project');

describe('generateProject', () => {
  it('when generated for a deployment, then hsproject.json is a 2026.03 project with its sources in src/', async () => {
    await generateProject({ baseUrl: BASE, outDir: out() });
    expect(readJson('hubspot-project/hsproject.json')).toEqual({ name: 'bant-lead-scoring', srcDir: 'src', platformVersion: '2026.03' });
  });

  it('when generated, then the app is a marketplace OAuth app with the redirect URL and scopes of app.json', async () => {
    await generateProject({ baseUrl: `${BASE}/`, outDir: out() });
    const app = readJson('hubspot-project/src/app/app-hsmeta.json');
    expect(app.type).toBe('app');
    expect(app.config.distribution).toBe('marketplace');
    expect(app.config.auth).toEqual({
      type: 'oauth',
      redirectUrls: [`${BASE}/oauth/callback`],
      requiredScopes: appDefinition.auth.requiredScopes,
      optionalScopes: appDefinition.auth.optionalScopes,
      conditionallyRequiredScopes: [],
    });
    expect(app.config.permittedUrls).toEqual({ fetch: [BASE], iframe: [], img: [] });
    expect(app.config.support).toEqual(appDefinition.support);
  });

  it('when generated, then the scopes the install URL asks for equal the project’s', async () => {
    await generateProject({ baseUrl: BASE, outDir: out() });
    const auth = readJson('hubspot-project/src/app/app-hsmeta.json').config.auth;
    const url = new URL(buildInstallUrl(testConfig({ PUBLIC_BASE_URL: BASE }), installScopes(), 'state-1'));
    expect(url.searchParams.get('scope')?.split(' ')).toEqual(auth.requiredScopes);
    expect(url.searchParams.get('optional_scope')?.split(' ') ?? []).toEqual(auth.optionalScopes);
    expect(url.searchParams.get('redirect_uri')).toBe(auth.redirectUrls[0]);
  });

  it('when generated, then webhooks target the deployment and carry every subscription in HubSpot’s format', async () => {
    await generateProject({ baseUrl: BASE, outDir: out() });
    const webhooks = readJson('hubspot-project/src/app/webhooks/webhooks-hsmeta.json');
    expect(webhooks.type).toBe('webhooks');
    expect(webhooks.config.settings).toEqual({ targetUrl: `${BASE}/webhooks/hubspot`, maxConcurrentRequests: 10 });
    const { crmObjects, legacyCrmObjects, hubEvents } = webhooks.config.subscriptions;
    expect(crmObjects.every((s: Record<string, unknown>) => !('objectTypeId' in s) && typeof s.objectType === 'string')).toBe(true);
    expect(legacyCrmObjects).toEqual(appDefinition.webhooks.subscriptions.legacyCrmObjects);
    expect(hubEvents).toEqual([{ subscriptionType: 'contact.privacyDeletion', active: true }]);
  });

  it('when generated, then the card points at its component, which calls the deployment', async () => {
    await generateProject({ baseUrl: BASE, outDir: out() });
    const card = readJson('hubspot-project/src/app/cards/bant-card-hsmeta.json');
    expect(card).toMatchObject({ uid: 'bant_card', type: 'card', config: { name: 'BANT score', location: 'crm.record.tab', objectTypes: ['contacts'] } });
    expect(existsSync(join(out(), 'src', card.config.entrypoint))).toBe(true);
    expect(readFileSync(join(out(), 'src/app/cards/card-config.ts'), 'utf8')).toContain(`APP_BASE_URL = "${BASE}"`);
    expect(readJson('hubspot-project/src/app/cards/package.json').dependencies).toHaveProperty('@hubspot/ui-extensions');
  });

  it('when HubSpot’s project parser reads the project (offline), then every component is found, placed and linked to the app', async () => {
    await generateProject({ baseUrl: BASE, outDir: out() });
    expect(parseProjectConfig(out())).toMatchObject({ platformVersion: '2026.03', srcDir: 'src' });
    // Full validation fetches the component JSON schemas from HubSpot with an account; offline we skip that step.
    const { intermediateRepresentation, skippedHsMetaFiles } = await translate({ projectSourceDir: join(out(), 'src'), platformVersion: '2026.03' }, { skipValidation: true });
    expect(skippedHsMetaFiles).toEqual([]);
    const nodes = Object.values(intermediateRepresentation.intermediateNodesIndexedByUid);
    expect(nodes.map((n) => n.componentType).sort()).toEqual(['APPLICATION', 'CARD', 'WEBHOOKS']);
    for (const node of nodes) {
      expect(validateUid(node.uid)).toBeUndefined();
      const type = node.componentType === 'APPLICATION' ? 'app' : node.componentType.toLowerCase();
      const component = Components[type];
      const expectedDir = component?.parentComponent ? join(Components[component.parentComponent]?.dir ?? '', component.dir) : component?.dir;
      expect(node.metaFilePath.split('/').slice(0, -1).join('/')).toBe(expectedDir);
      if (type !== 'app') expect(node.componentDeps.app).toBe(appDefinition.uid);
    }
  });

  it('when asked to validate fully without a HubSpot account, then the parser says it needs one (what the offline test cannot cover)', async () => {
    await generateProject({ baseUrl: BASE, outDir: out() });
    await expect(translate({ projectSourceDir: join(out(), 'src'), platformVersion: '2026.03' })).rejects.toThrow(/account/i);
  });

  it('when generated again, then files that no longer belong to the project disappear', async () => {
    await generateProject({ baseUrl: BASE, outDir: out() });
    writeFileSync(join(out(), 'src/app/cards/stale.tsx'), 'old');
    await generateProject({ baseUrl: BASE, outDir: out() });
    expect(existsSync(join(out(), 'src/app/cards/stale.tsx'))).toBe(false);
  });

  it('when the output folder holds something else, then nothing is overwritten', async () => {
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await expect(generateProject({ baseUrl: BASE, outDir: dir })).rejects.toThrow(/not a generated HubSpot project/);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('when the base URL is http or a local address, then it is refused with a pointer to the CLI’s local development proxy', async () => {
    for (const baseUrl of ['http://bant.example.com', 'http://localhost:3000', 'https://localhost:3000', 'https://127.0.0.1', 'https://[::1]:8443', 'https://app.localhost']) {
      const error = await generateProject({ baseUrl, outDir: out() }).catch((e: unknown) => e);
      expect(error, baseUrl).toBeInstanceOf(Error);
      expect((error as Error).message, baseUrl).toMatch(/local\.json/);
    }
    expect(existsSync(out())).toBe(false);
  });

  it('when generated, then the card’s hubspot.fetch timeout is within HubSpot’s budget (default 15 s, at most 120 s)', async () => {
    await generateProject({ baseUrl: BASE, outDir: out() });
    const config = readFileSync(join(out(), 'src/app/cards/card-config.ts'), 'utf8');
    const timeout = Number(/CARD_FETCH_TIMEOUT_MS = (\d+)/.exec(config)?.[1]);
    expect(timeout).toBe(CARD_FETCH_TIMEOUT_MS);
    expect(timeout).toBeGreaterThan(0);
    expect(timeout).toBeLessThanOrEqual(HUBSPOT_FETCH_TIMEOUT.defaultMs);
    expect(readFileSync(join(out(), 'src/app/cards/card-data.ts'), 'utf8')).toContain('timeout: CARD_FETCH_TIMEOUT_MS');
  });

  it('when engagement creations are subscribed, then each objectType is HubSpot’s generic-webhook object type in the template’s lowercase spelling', async () => {
    await generateProject({ baseUrl: BASE, outDir: out() });
    const { crmObjects } = readJson('hubspot-project/src/app/webhooks/webhooks-hsmeta.json').config.subscriptions;
    // HubSpot's generic webhook object types (changelog, Aug 2024) with their object type ids; the 2026.03 template
    // spells CONTACT as "contact". Whether HubSpot accepts these spellings is confirmed only by `hs project upload`.
    const GENERIC_OBJECT_TYPES = new Map([
      ['call', '0-48'],
      ['meeting_event', '0-47'],
      ['email', '0-49'],
      ['note', '0-46'],
      ['task', '0-27'],
      ['contact', '0-1'],
      ['company', '0-2'],
      ['deal', '0-3'],
    ]);
    expect(crmObjects.length).toBeGreaterThan(0);
    for (const subscription of crmObjects as { objectType: string }[]) {
      expect(GENERIC_OBJECT_TYPES.has(subscription.objectType), subscription.objectType).toBe(true);
    }
    for (const subscription of appDefinition.webhooks.subscriptions.crmObjects) {
      expect(GENERIC_OBJECT_TYPES.get(subscription.objectType), subscription.objectType).toBe(subscription.objectTypeId);
    }
  });

  it('when HubSpot’s parser reads the project for local development, then no component has a parsing error', async () => {
    await generateProject({ baseUrl: BASE, outDir: out() });
    const { intermediateRepresentation } = await translateForLocalDev({ projectSourceDir: join(out(), 'src'), platformVersion: '2026.03' }, { skipValidation: true });
    const nodes = Object.values(intermediateRepresentation.intermediateNodesIndexedByUid);
    expect(nodes).toHaveLength(3);
    for (const node of nodes) expect(node.localDev.parsingErrors, node.uid).toEqual([]);
  });
});

describe('npm run hubspot:project', () => {
  const cli = fileURLToPath(new URL('../../src/project/generate-project-cli.ts', import.meta.url));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', cli, ...args], { encoding: 'utf8', cwd: dir });

  it('when run with --base-url and --out, then it writes the project and says where', () => {
    const result = run('--base-url', BASE, '--out', 'project');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('project/');
    expect(existsSync(join(dir, 'project/src/app/app-hsmeta.json'))).toBe(true);
  });

  it('when --out is left out, then it writes hubspot-project/', () => {
    expect(run('--base-url', BASE).status).toBe(0);
    expect(existsSync(join(dir, 'hubspot-project/hsproject.json'))).toBe(true);
  });

  it('when --base-url is missing, then it exits 2 with usage', () => {
    const result = run();
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--base-url is required');
  });
});
