// What the card shows, as the app's backend (GET /card/contact, src/http/card-routes.ts) answers it.
import { hubspot } from '@hubspot/ui-extensions';
import { APP_BASE_URL, CARD_FETCH_PATH, CARD_FETCH_TIMEOUT_MS } from './card-config.ts';

export type { CardAccount, CardAccountMember, CardCriterion, CardData, CardTask, CriterionState, ScoredCard, UnscoredCard } from './card-types.ts';
import type { CardData } from './card-types.ts';
import { cardLanguageOf, cardText } from './card-texts.ts';

export type LoadCard = (portalId: number, contactId: string, locale?: string) => Promise<CardData>;

/**
 * hubspot.fetch signs the request (v3) and adds userId, portalId, appId and the record's id (docs/hubspot-platform.md §5.2),
 * but not the user's locale: the card passes it, so the backend answers in the viewer's language.
 */
export const loadCardData: LoadCard = async (portalId, contactId, locale) => {
  const query = `portalId=${encodeURIComponent(String(portalId))}&contactId=${encodeURIComponent(contactId)}${locale ? `&locale=${encodeURIComponent(locale)}` : ''}`;
  const response = await hubspot.fetch(`${APP_BASE_URL}${CARD_FETCH_PATH}?${query}`, { method: 'GET', timeout: CARD_FETCH_TIMEOUT_MS });
  if (!response.ok) {
    let message = cardText(cardLanguageOf(locale), 'answered', { status: response.status });
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
