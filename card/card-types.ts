// The card's data: what the app's backend (GET /card/contact, src/http/card-routes.ts) answers and the card shows.
// Plain types only, so the backend and the card share one definition.

export type CriterionState = 'met' | 'partial' | 'not_met' | 'unknown';

export interface CardCriterion {
  criterion: 'budget' | 'authority' | 'need' | 'timeline';
  label: string;
  state: CriterionState;
  evidence: string[];
}

/** The MEDDIC criteria (src/scoring/meddic-schema.ts), repeated here because the card is bundled from this folder alone. */
export type CardMeddicCriterionName = 'metrics' | 'economic_buyer' | 'decision_criteria' | 'decision_process' | 'identify_pain' | 'champion';

/** One MEDDIC criterion as the rep sees it: like a BANT criterion, with MEDDIC's name. */
export interface CardMeddicCriterion {
  criterion: CardMeddicCriterionName;
  label: string;
  state: CriterionState;
  evidence: string[];
}

/** The qualification framework of the model the contact was scored with. */
export type CardFramework = 'bant' | 'meddic';

export interface CardTask {
  kind: string;
  label: string;
  dueAt: string;
  overdue: boolean;
}

/** Someone in the account's buying centre, with the roles (labels) they hold. */
export interface CardAccountMember {
  name: string;
  jobtitle: string;
  roles: string[];
}

/** The contact's company as the buyer (issue 16): its grade, BANT across the buying centre and who decides. */
export interface CardAccount {
  companyId: string;
  grade: string;
  priority: string;
  qualification: 'disqualified' | 'nurture' | 'mql' | 'sql';
  criteriaMet: number;
  bant: CardCriterion[];
  /** Those who can decide; empty when nobody known can. */
  deciders: CardAccountMember[];
  /** The rest of the buying centre, by role. */
  others: CardAccountMember[];
  /** The contact's criteria taken from the account (a colleague's answer). */
  inherited: Array<CardCriterion['criterion']>;
  scoredAt: string;
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
  /** The scoring model's framework; absent from payloads of app versions before MEDDIC (read as BANT). */
  framework?: CardFramework;
  /** With a MEDDIC model: the six criteria the outcome rests on, with their state and evidence. */
  meddic?: { criteriaMet: number; criteria: CardMeddicCriterion[] };
  reasons: Array<{ points: number; text: string }>;
  openTasks: CardTask[];
  /** Present for a contact with a company that has been qualified as an account. */
  account?: CardAccount;
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
