// Replaced by `npm run hubspot:project` with the deployment's base URL. hubspot.fetch calls only public HTTPS URLs;
// with `hs project dev`, the CLI's local development proxy (local.json) maps this URL to a local server.
export const APP_BASE_URL = 'https://bant.example.com';
export const CARD_FETCH_PATH = '/card/contact';
/** hubspot.fetch timeout: HubSpot's default is 15 s, its maximum 120 s. */
export const CARD_FETCH_TIMEOUT_MS = 10000;
