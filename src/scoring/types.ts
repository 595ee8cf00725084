// The scoring engine's vocabulary: what it reads (a profile) and what it returns (a result).
// Shapes follow docs/contract.md sections 3 to 5; this file is the single place they are spelled out.
import type { MeddicProperties, MeddicResult } from './assess-meddic.ts';

export const ACTIVITY_TYPES = [
  'page_view',
  'form_submission',
  'content_download',
  'email_open',
  'email_click',
  'email_reply',
  'webinar_registration',
  'webinar_attendance',
  'event_attendance',
  'demo_request',
  'meeting_booked',
  'meeting_held',
  'call_connected',
  'unsubscribe',
  'email_bounce',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export interface Activity {
  type: ActivityType;
  /** ISO-8601 time the activity happened. */
  at: string;
  title?: string;
  url?: string;
  source?: string;
}

/** HubSpot returns every property value as a string (or null when empty). */
export type PropertyBag = Record<string, string | null | undefined>;

/** What the engine scores: a contact's properties, its primary company and its activities (docs/contract.md section 5). */
export interface Profile {
  properties: PropertyBag;
  company?: { properties: PropertyBag } | null;
  activities: Activity[];
}

export const GRADES = ['A', 'B', 'C', 'D'] as const;
export type Grade = (typeof GRADES)[number];
export const TIERS = [1, 2, 3, 4] as const;
export type Tier = (typeof TIERS)[number];
export const CRITERION_STATES = ['met', 'partial', 'not_met', 'unknown'] as const;
export type CriterionState = (typeof CRITERION_STATES)[number];
export const CRITERIA = ['budget', 'authority', 'need', 'timeline'] as const;
export type Criterion = (typeof CRITERIA)[number];
export const QUALIFICATIONS = ['disqualified', 'nurture', 'mql', 'sql'] as const;
export type Qualification = (typeof QUALIFICATIONS)[number];
export const DISQUALIFY_REASONS = ['competitor', 'student', 'applicant', 'no_need', 'no_fit', 'other'] as const;
export type DisqualifyReason = (typeof DISQUALIFY_REASONS)[number];
export const LIFECYCLE_STAGES = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead'] as const;
export type RecommendedStage = (typeof LIFECYCLE_STAGES)[number];
export const TASK_KINDS = ['call_sql', 'qualify', 'follow_up', 'escalate'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];
export const PRIORITIES = GRADES.flatMap((g) => TIERS.map((t) => `${g}${t}` as const));
export type Priority = `${Grade}${Tier}`;

/** Why a criterion has its state: which property or activity, and when. */
export interface Evidence {
  source: 'property' | 'company_property' | 'activity';
  /** Property name or activity type. */
  name: string;
  value?: string;
  at?: string;
  /** Human-readable, e.g. "hs_buying_role = DECISION_MAKER". */
  text: string;
}

export interface CriterionResult {
  state: CriterionState;
  evidence: Evidence[];
}

/** One line of the explanation, largest contribution first. */
export interface Reason {
  points: number;
  /** e.g. "+25 webinar registration (3 d ago)" */
  text: string;
}

/** A task the engine wants to exist for this contact (docs/contract.md section 4). `escalate` is decided by the SLA job, not here. */
export interface TaskDraft {
  kind: Exclude<TaskKind, 'escalate'>;
  subject: string;
  /** Multi-line; the last line is `bant-task: KIND`. */
  body: string;
  priority: 'HIGH' | 'MEDIUM' | 'LOW';
  /** ISO time the task is due. */
  dueAt: string;
}

/** Exactly the docs/contract.md section 3 output values, as strings the way HubSpot stores them. */
/** With a MEDDIC model the meddic_* values join them (docs/contract.md section 3, MEDDIC addition). */
export interface ScoreProperties extends Partial<MeddicProperties> {
  bant_fit_score: string;
  bant_fit_grade: Grade;
  bant_engagement_score: string;
  bant_engagement_tier: `${Tier}`;
  bant_priority: Priority;
  bant_budget: CriterionState;
  bant_authority: CriterionState;
  bant_need: CriterionState;
  bant_timeline: CriterionState;
  bant_criteria_met: string;
  bant_qualification: Qualification;
  /** Empty string unless disqualified. */
  bant_disqualify_reason: DisqualifyReason | '';
  bant_score_reasons: string;
  bant_scored_at: string;
  bant_model_version: string;
  bant_lifecycle_stage: RecommendedStage;
  /** 0–100, the number that ranks contacts (docs/contract.md section 3). */
  bant_lead_score: string;
}

export interface ScoringResult {
  fit: { score: number; grade: Grade };
  engagement: { score: number; tier: Tier };
  priority: Priority;
  /** 0–100 (one decimal): ranks contacts; for a logistic (calibrated) model the conversion probability in percent. */
  leadScore: number;
  bant: Record<Criterion, CriterionResult> & { criteriaMet: number };
  qualification: Qualification;
  disqualifyReason: DisqualifyReason | null;
  lifecycleStage: RecommendedStage;
  reasons: Reason[];
  tasks: TaskDraft[];
  modelVersion: string;
  scoredAt: string;
  properties: ScoreProperties;
  /** Only when the model's framework is MEDDIC. */
  meddic?: MeddicResult;
}
