// What the card shows, as the app's backend (GET /card/contact, src/http/card-routes.ts) answers it.
import { hubspot } from '@hubspot/ui-extensions';
import { APP_BASE_URL, CARD_FETCH_PATH, CARD_FETCH_TIMEOUT_MS } from './card-config.ts';

export type { CardAccount, CardAccountMember, CardCriterion, CardData, CardTask, CriterionState, ScoredCard, UnscoredCard } from './card-types.ts';
import type { CardData } from './card-types.ts';

export type LoadCard = (portalId: number, contactId: string) => Promise<CardData>;

/** hubspot.fetch signs the request (v3) and adds userId, portalId, appId and the record's id (docs/hubspot-platform.md §5.2). */
export const loadCardData: LoadCard = async (portalId, contactId) => {
  const query = `portalId=${encodeURIComponent(String(portalId))}&contactId=${encodeURIComponent(contactId)}`;
  const response = await hubspot.fetch(`${APP_BASE_URL}${CARD_FETCH_PATH}?${query}`, { method: 'GET', timeout: CARD_FETCH_TIMEOUT_MS });
  if (!response.ok) {
    let message = `The BANT scoring app answered ${response.status}.`;
    try {
      const body = (await response.json()) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      // no JSON body: the status says enough
    }
    throw new Error(message);
  }
  return (await response.json()) as CardData;
};
