// Writes the HubSpot developer project (platform 2026.03, docs/hubspot-platform.md §5.4) for one deployment from app.json and card/.
// New marketplace listings must be 2025.2/2026.03 projects (docs/hubspot-platform.md §0), uploaded with `hs project upload`.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AppDefinition, type CardDefinition, loadAppDefinition } from '../app-definition.ts';
import { BadRequestError } from '../errors.ts';

export const PLATFORM_VERSION = '2026.03';
export const CARD_SOURCE_URL = new URL('../../card/', import.meta.url);
/** The card file the generator rewrites with the deployment's base URL. */
export const CARD_CONFIG_FILE = 'card-config.ts';

/** Project-relative path → file content. */
export type ProjectFiles = Map<string, string>;

/**
 * hubspot.fetch calls only HTTPS URLs that are not localhost (docs/hubspot-platform.md §5.2), and the card calls this base
 * URL; the redirect and webhook URLs must be public too. Local development keeps the public URL here and maps it to the
 * local server in the HubSpot CLI's local development proxy (`local.json`). Trailing slashes dropped.
 */
export function normaliseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BadRequestError(`--base-url ${JSON.stringify(raw)} is not a URL; expected e.g. https://bant.example.com`);
  }
  if (url.protocol !== 'https:') {
    throw new BadRequestError(`--base-url must use https, got ${url.protocol}//${url.host}: hubspot.fetch calls only HTTPS URLs. ${LOCAL_DEVELOPMENT_HINT}`);
  }
  if (isLocalHost(url.hostname)) {
    throw new BadRequestError(`--base-url must not be a local address (${url.host}): hubspot.fetch never calls localhost. ${LOCAL_DEVELOPMENT_HINT}`);
  }
  if (url.search || url.hash) throw new BadRequestError('--base-url must not have a query string or fragment');
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

const LOCAL_DEVELOPMENT_HINT =
  'For local development, generate the project with the public URL and map it to your local server in the HubSpot CLI\'s ' +
  'local development proxy: a local.json next to the card ({"proxy": {"https://bant.example.com": "http://localhost:3000"}}), ' +
  'used by `hs project dev` (docs/hubspot-platform.md §5.2).';

function isLocalHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '0.0.0.0' ||
    host === '::' ||
    host === '::1' ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host.startsWith('::ffff:127.')
  );
}

/**
 * The card's hubspot.fetch timeout. HubSpot waits 15 s by default and allows up to 120 s per request
 * (docs/hubspot-platform.md §5.2); the backend answers from its store in milliseconds, so 10 s is a generous budget
 * that still fails before HubSpot's default would.
 */
export const CARD_FETCH_TIMEOUT_MS = 10_000;
export const HUBSPOT_FETCH_TIMEOUT = { defaultMs: 15_000, maxMs: 120_000 } as const;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function buildAppMeta(definition: AppDefinition, baseUrl: string): unknown {
  const { auth } = definition;
  return {
    uid: definition.uid,
    type: 'app',
    config: {
      description: definition.description,
      name: definition.name,
      distribution: definition.distribution,
      auth: {
        type: auth.type,
        redirectUrls: [`${baseUrl}${auth.redirectPath}`],
        requiredScopes: auth.requiredScopes,
        optionalScopes: auth.optionalScopes,
        conditionallyRequiredScopes: auth.conditionallyRequiredScopes,
      },
      // hubspot.fetch from the card may only call URLs listed here (docs/hubspot-platform.md §5.2).
      permittedUrls: { fetch: [baseUrl], iframe: [], img: [] },
      support: definition.support,
    },
  };
}

export function buildWebhooksMeta(definition: AppDefinition, baseUrl: string): unknown {
  const { webhooks } = definition;
  return {
    uid: webhooks.uid,
    type: 'webhooks',
    config: {
      settings: { targetUrl: `${baseUrl}${webhooks.targetPath}`, maxConcurrentRequests: webhooks.maxConcurrentRequests },
      subscriptions: {
        // `objectTypeId` is app.json's own field (for the intake); the hsmeta format has objectType only.
        crmObjects: webhooks.subscriptions.crmObjects.map(({ objectTypeId: _id, ...subscription }) => subscription),
        legacyCrmObjects: webhooks.subscriptions.legacyCrmObjects,
        hubEvents: webhooks.subscriptions.hubEvents,
      },
    },
  };
}

export function cardMetaFileName(card: CardDefinition): string {
  return `${card.uid.replace(/_/g, '-')}-hsmeta.json`;
}

export function buildCardMeta(card: CardDefinition): unknown {
  return {
    uid: card.uid,
    type: 'card',
    config: {
      name: card.name,
      description: card.description,
      location: card.location,
      entrypoint: `/app/cards/${card.entrypoint}`,
      objectTypes: card.objectTypes,
    },
  };
}

export function buildCardConfig(baseUrl: string, definition: AppDefinition): string {
  const card = definition.cards[0];
  return [
    '// Generated by `npm run hubspot:project` for one deployment; edit app.json or --base-url, not this file.',
    `export const APP_BASE_URL = ${JSON.stringify(baseUrl)};`,
    `export const CARD_FETCH_PATH = ${JSON.stringify(card?.fetchPath ?? '/card/contact')};`,
    `/** hubspot.fetch timeout: HubSpot's default is ${HUBSPOT_FETCH_TIMEOUT.defaultMs / 1000} s, its maximum ${HUBSPOT_FETCH_TIMEOUT.maxMs / 1000} s. */`,
    `export const CARD_FETCH_TIMEOUT_MS = ${CARD_FETCH_TIMEOUT_MS};`,
    '',
  ].join('\n');
}

/** The cards folder's own package: HubSpot bundles the card from it (HubSpot/hubspot-project-components 2025.2 cards template). */
function cardPackageJson(definition: AppDefinition, versions: { uiExtensions: string; react: string }): unknown {
  return {
    name: `${definition.uid.replace(/_/g, '-')}-cards`,
    version: '0.1.0',
    private: true,
    type: 'module',
    dependencies: { '@hubspot/ui-extensions': versions.uiExtensions, react: versions.react },
    devDependencies: { '@types/react': '^18.3.0', typescript: '^5.3.3' },
  };
}

const CARD_TSCONFIG = {
  compilerOptions: {
    target: 'esnext',
    module: 'Node16',
    moduleResolution: 'Node16',
    esModuleInterop: true,
    allowSyntheticDefaultImports: true,
    forceConsistentCasingInFileNames: true,
    allowImportingTsExtensions: true,
    noEmit: true,
    isolatedModules: true,
    jsx: 'react-jsx',
    skipLibCheck: true,
    strict: true,
  },
  include: ['**/*.ts', '**/*.tsx'],
  exclude: ['node_modules'],
};

/** Reads the card's source files (card/*.ts, *.tsx), without tests. */
export async function readCardSources(dir: URL | string = CARD_SOURCE_URL): Promise<Map<string, string>> {
  const base = typeof dir === 'string' ? pathToFileURL(`${dir.replace(/\/+$/, '')}/`) : dir;
  const sources = new Map<string, string>();
  for (const name of (await readdir(base)).sort()) {
    if (!/\.(ts|tsx)$/.test(name) || /\.(test|spec)\.tsx?$/.test(name)) continue;
    sources.set(name, await readFile(new URL(name, base), 'utf8'));
  }
  return sources;
}

/** Every file of the project, without touching the disk. */
export function buildProjectFiles(args: {
  definition: AppDefinition;
  baseUrl: string;
  cardSources: Map<string, string>;
  versions: { uiExtensions: string; react: string };
}): ProjectFiles {
  const baseUrl = normaliseBaseUrl(args.baseUrl);
  const { definition } = args;
  const files: ProjectFiles = new Map();
  files.set('hsproject.json', json({ name: definition.uid.replace(/_/g, '-'), srcDir: 'src', platformVersion: PLATFORM_VERSION }));
  files.set('src/app/app-hsmeta.json', json(buildAppMeta(definition, baseUrl)));
  files.set('src/app/webhooks/webhooks-hsmeta.json', json(buildWebhooksMeta(definition, baseUrl)));
  if (definition.cards.length) {
    for (const card of definition.cards) {
      if (!args.cardSources.has(card.entrypoint)) {
        throw new BadRequestError(`card "${card.uid}": entrypoint card/${card.entrypoint} does not exist`);
      }
      files.set(`src/app/cards/${cardMetaFileName(card)}`, json(buildCardMeta(card)));
    }
    for (const [name, content] of args.cardSources) files.set(`src/app/cards/${name}`, content);
    files.set(`src/app/cards/${CARD_CONFIG_FILE}`, buildCardConfig(baseUrl, definition));
    files.set('src/app/cards/package.json', json(cardPackageJson(definition, args.versions)));
    files.set('src/app/cards/tsconfig.json', json(CARD_TSCONFIG));
  }
  return files;
}

/**
 * Writes the files under `outDir`. A folder that holds something other than an earlier generated project is left alone;
 * an earlier project's `src/` is replaced, so files removed from app.json or card/ disappear.
 */
export async function writeProject(outDir: string, files: ProjectFiles): Promise<void> {
  if (existsSync(outDir)) {
    const entries = await readdir(outDir);
    if (entries.length && !entries.includes('hsproject.json')) {
      throw new BadRequestError(`${outDir} exists and is not a generated HubSpot project (no hsproject.json); choose another --out`);
    }
    await rm(join(outDir, 'src'), { recursive: true, force: true });
  }
  for (const [relative, content] of files) {
    const target = join(outDir, relative);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

async function installedVersions(): Promise<{ uiExtensions: string; react: string }> {
  const read = async (name: string) => {
    try {
      const pkg = JSON.parse(await readFile(new URL(`../../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version?: string };
      return pkg.version ? `^${pkg.version}` : undefined;
    } catch {
      return undefined;
    }
  };
  return { uiExtensions: (await read('@hubspot/ui-extensions')) ?? '^0.17.0', react: (await read('react')) ?? '^18.3.1' };
}

export async function generateProject(options: {
  baseUrl: string;
  outDir: string;
  definition?: AppDefinition;
  cardDir?: URL | string;
}): Promise<{ outDir: string; files: string[] }> {
  const files = buildProjectFiles({
    definition: options.definition ?? loadAppDefinition(),
    baseUrl: options.baseUrl,
    cardSources: await readCardSources(options.cardDir),
    versions: await installedVersions(),
  });
  await writeProject(options.outDir, files);
  return { outDir: options.outDir, files: [...files.keys()] };
}
