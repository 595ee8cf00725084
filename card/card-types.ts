// The card's data: what the app's backend (GET /card/contact, src/http/card-routes.ts) answers and the card shows.
// Plain types only, so the backend and the card share one definition.

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
  /** The language of every text in the payload: the viewer's locale when the card passed one, else the installation's. */
  language?: 'en' | 'de';
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
  /** False when the contact is past the lead stages: its values are shown, but it gets no lead tasks. */
  inLeadProcess: boolean;
  why: string;
  criteriaMet: number;
  bant: CardCriterion[];
  reasons: Array<{ points: number; text: string }>;
  openTasks: CardTask[];
  /** The last changes of the score, newest first (score history). */
  recentChanges?: Array<{ at: string; modelVersion: string; text: string }>;
}

export interface UnscoredCard {
  scored: false;
  language?: 'en' | 'de';
  portalId: number;
  contactId: string;
  message: string;
}

export type CardData = ScoredCard | UnscoredCard;
