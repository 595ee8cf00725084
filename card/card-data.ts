// What the card shows, as the app's backend (GET /card/contact, src/http/card-routes.ts) answers it.
import { hubspot } from '@hubspot/ui-extensions';
import { APP_BASE_URL, CARD_FETCH_PATH } from './card-config.ts';

export type CriterionState = 'met' | 'partial' | 'not_met' | 'unknown';

export interface CardCriterion {
  criterion: 'budget' | 'authority' | 'need' | 'timeline';
  label: string;
  state: CriterionState;
  evidence: string[];
}

export interface CardTask {
  kind: string;
  label: string;
  dueAt: string;
  overdue: boolean;
}

export interface ScoredCard {
  scored: true;
  portalId: number;
  contactId: string;
  scoredAt: string;
  modelVersion: string;
  /** False when the portal's model changed since this contact was scored (a rescore is on its way). */
  modelCurrent: boolean;
  fit: { score: number; grade: string };
  engagement: { score: number; tier: number };
  priority: string;
  qualification: 'disqualified' | 'nurture' | 'mql' | 'sql';
  disqualifyReason: string | null;
  lifecycleStage: string;
  why: string;
  criteriaMet: number;
  bant: CardCriterion[];
  reasons: Array<{ points: number; text: string }>;
  openTasks: CardTask[];
}

export interface UnscoredCard {
  scored: false;
  portalId: number;
  contactId: string;
  message: string;
}

export type CardData = ScoredCard | UnscoredCard;

export type LoadCard = (portalId: number, contactId: string) => Promise<CardData>;

/** hubspot.fetch signs the request (v3) and adds userId, portalId, appId and the record's id (PLATFORM.md §5.2). */
export const loadCardData: LoadCard = async (portalId, contactId) => {
  const query = `portalId=${encodeURIComponent(String(portalId))}&contactId=${encodeURIComponent(contactId)}`;
  const response = await hubspot.fetch(`${APP_BASE_URL}${CARD_FETCH_PATH}?${query}`, { method: 'GET', timeout: 10_000 });
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
