// Runs the HubSpot stand-in alone: `scripts/with-node24 node --experimental-strip-types standin/cli.ts [options]`.
// Prints the URL, the portal and (with --token) a ready access token. Ctrl-C stops it.
import { parseArgs } from 'node:util';
import { startStandIn } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    contacts: { type: 'string', default: '300' },
    seed: { type: 'string', default: '1' },
    'portal-id': { type: 'string' },
    'client-id': { type: 'string', default: process.env.HUBSPOT_CLIENT_ID ?? 'standin-client-id' },
    'client-secret': { type: 'string', default: process.env.HUBSPOT_CLIENT_SECRET ?? 'standin-client-secret' },
    'app-id': { type: 'string', default: process.env.HUBSPOT_APP_ID ?? '1000001' },
    'webhook-url': { type: 'string' },
    'private-app-token': { type: 'string' },
    token: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`HubSpot stand-in (a local test and demo tool, not HubSpot)
  --port N               listen port on 127.0.0.1 (default: a free one)
  --contacts N           contacts in the generated portal (default 300)
  --seed N               generator seed (default 1)
  --portal-id N          portal (hub) id
  --client-id/--client-secret/--app-id   the app's credentials (default from HUBSPOT_* env)
  --webhook-url URL      where webhook deliveries go (e.g. http://127.0.0.1:3000/webhooks/hubspot)
  --private-app-token T  also accept T as a static token for the portal
  --token                print an access token for the portal (skips the OAuth install)`);
  process.exit(0);
}

const started = performance.now();
const standIn = await startStandIn({
  port: Number(values.port),
  app: { clientId: values['client-id'], clientSecret: values['client-secret'], appId: values['app-id'] },
  webhookTargetUrl: values['webhook-url'],
});
const portal = standIn.createPortal({
  contacts: Number(values.contacts),
  seed: Number(values.seed),
  portalId: values['portal-id'] ? Number(values['portal-id']) : undefined,
  privateAppToken: values['private-app-token'],
});
console.log(`HubSpot stand-in listening at ${standIn.url}`);
console.log(`  portal ${portal.id}: ${portal.count('contacts')} contacts, ${portal.count('companies')} companies, ${portal.owners.length} owners (${Math.round(performance.now() - started)} ms)`);
console.log(`  HUBSPOT_API_BASE_URL=${standIn.url} HUBSPOT_AUTH_BASE_URL=${standIn.url}`);
console.log(`  install: ${standIn.url}/oauth/authorize?client_id=${encodeURIComponent(values['client-id'])}&redirect_uri=…&scope=…`);
if (values.token) console.log(`  access token: ${standIn.issueToken(portal.id).accessToken}`);

const stop = () => {
  standIn.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
