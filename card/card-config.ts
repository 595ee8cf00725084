// Replaced by `npm run hubspot:project` with the deployment's base URL (this default suits a local `hs project dev`).
export const APP_BASE_URL = 'http://localhost:3000';
export const CARD_FETCH_PATH = '/card/contact';
